using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Chat.Egress;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Analytics.Data.Chat;

/// <summary>
/// The one door to the external model. <see cref="Wrap"/> puts it between Semantic Kernel's function-invoking client and
/// the model's client, so every request of an answer (each round of function calls) goes through <see cref="StreamAsync"/>, which (1) rewrites the
/// messages as the policy demands: names replaced by aliases (anonymized, schema-only) and identifiers redacted (every
/// mode), in prompts, history, function arguments, tool results and error texts; (2) maps aliases back in what the model
/// answers (streamed text, function-call arguments); (3) writes one audit entry per call: what was sent and received
/// (or their SHA-256 and size), the mode, the user, the time and the tokens the model reported.
/// </summary>
public sealed class ChatEgressGate(ChatEgressService egress, IOptions<ChatOptions> options, TimeProvider clock)
{
    /// <summary>The model's client as one question under <paramref name="policy"/> may use it: every request through the gate.</summary>
    public IChatClient Wrap(IChatClient model, ChatEgressPolicy policy, ChatToolContext context) => new GatedChatClient(this, model, policy, context);

    private sealed class GatedChatClient(ChatEgressGate gate, IChatClient model, ChatEgressPolicy policy, ChatToolContext context) : DelegatingChatClient(model)
    {
        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            gate.StreamAsync(InnerClient, messages.ToList(), options ?? new(), policy, context, cancellationToken);

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        // The model's client is shared by all answers: an answer's pipeline must not dispose it.
        protected override void Dispose(bool disposing) { }
    }

    /// <summary>The messages exactly as they would leave under <paramref name="policy"/>, and how many identifiers were redacted.</summary>
    public (List<AiChatMessage> Messages, int Redactions) Outbound(IEnumerable<AiChatMessage> messages, ChatEgressPolicy policy)
    {
        var redactions = 0;
        string Text(string text)
        {
            var (redacted, n) = policy.Redactor.Redact(policy.Aliases?.Anonymize(text) ?? text);
            redactions += n;
            return redacted;
        }
        string Json(string json)
        {
            var (redacted, n) = policy.Redactor.RedactJson(policy.Aliases?.AnonymizeJson(json) ?? json);
            redactions += n;
            return redacted;
        }

        var result = new List<AiChatMessage>();
        foreach (var m in messages)
        {
            var contents = new List<AIContent>();
            foreach (var c in m.Contents)
            {
                switch (c)
                {
                    case TextContent t: contents.Add(new TextContent(Text(t.Text))); break;
                    case FunctionCallContent f:
                        contents.Add(new FunctionCallContent(f.CallId, f.Name, Arguments(Json(JsonSerializer.Serialize(f.Arguments ?? new Dictionary<string, object?>(), EgressJson.Options)))));
                        break;
                    case FunctionResultContent r:
                        contents.Add(new FunctionResultContent(r.CallId, Json(r.Result as string ?? JsonSerializer.Serialize(r.Result, EgressJson.Options))));
                        break;
                    default: throw new InvalidOperationException($"The egress gate does not know how to send {c.GetType().Name}; add it here.");
                }
            }
            result.Add(new AiChatMessage(m.Role, contents));
        }
        return (result, redactions);
    }

    private static Dictionary<string, object?> Arguments(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object
            ? doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
            : [];
    }

    /// <summary>The request as the audit records it: the model, every message (role, text, calls, results) and the tools offered.</summary>
    public static string Describe(string model, IEnumerable<AiChatMessage> outbound, Microsoft.Extensions.AI.ChatOptions? chatOptions) => JsonSerializer.Serialize(new
    {
        model,
        messages = outbound.Select(m => new
        {
            role = m.Role.Value,
            content = m.Text.Length > 0 ? m.Text : null,
            toolCalls = m.Contents.OfType<FunctionCallContent>().Select(f => new { id = f.CallId, name = f.Name, arguments = f.Arguments }).ToList() is { Count: > 0 } calls ? calls : null,
            toolResults = m.Contents.OfType<FunctionResultContent>().Select(r => new { id = r.CallId, result = r.Result }).ToList() is { Count: > 0 } results ? results : null,
        }),
        tools = chatOptions?.Tools?.Select(t => t.Name),
    }, new JsonSerializerOptions(EgressJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IChatClient client, IReadOnlyList<AiChatMessage> messages, Microsoft.Extensions.AI.ChatOptions chatOptions,
        ChatEgressPolicy policy, ChatToolContext context, [EnumeratorCancellation] CancellationToken ct)
    {
        if (policy.Mode == ChatEgressMode.None) throw new InvalidOperationException("Mode none: nothing may be sent to the external model.");
        var (outbound, redactions) = Outbound(messages, policy);
        var sent = Describe(options.Value.Model, outbound, chatOptions);
        var text = new StringBuilder();
        var calls = new List<object>();
        var restorer = policy.Aliases?.Stream();
        int? promptTokens = null, completionTokens = null;
        var outcome = "ok";
        string? error = null;
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();

        var stream = client.GetStreamingResponseAsync(outbound, chatOptions, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await stream.MoveNextAsync()) break;
                    update = stream.Current;
                }
                catch (Exception e)
                {
                    outcome = e is OperationCanceledException ? "cancelled" : "error";
                    error = policy.Redactor.Redact(e.Message).Text;
                    throw;
                }
                var contents = new List<AIContent>();
                foreach (var c in update.Contents)
                {
                    switch (c)
                    {
                        case TextContent t:
                            text.Append(t.Text);
                            var restored = restorer is null ? t.Text : restorer.Push(t.Text);
                            if (restored.Length > 0) contents.Add(new TextContent(restored));
                            break;
                        case FunctionCallContent f:
                            var raw = JsonSerializer.Serialize(f.Arguments ?? new Dictionary<string, object?>(), EgressJson.Options);
                            calls.Add(new { id = f.CallId, name = f.Name, arguments = raw });
                            contents.Add(policy.Aliases is null ? f : new FunctionCallContent(f.CallId, f.Name, Arguments(policy.Aliases.RestoreJson(raw))));
                            break;
                        case UsageContent u:
                            promptTokens = (int?)u.Details.InputTokenCount;
                            completionTokens = (int?)u.Details.OutputTokenCount;
                            break;
                        default: contents.Add(c); break;
                    }
                }
                if (contents.Count > 0) yield return new ChatResponseUpdate(AiChatRole.Assistant, contents);
            }
            if (restorer?.Flush() is { Length: > 0 } rest) yield return new ChatResponseUpdate(AiChatRole.Assistant, rest);
        }
        finally
        {
            await stream.DisposeAsync();
            var received = JsonSerializer.Serialize(new { text = text.ToString(), toolCalls = calls }, EgressJson.Options);
            var store = egress.StoresContent;
            await egress.RecordAsync(new ChatEgressAuditEntry
            {
                Id = Ids.New(), UserId = context.Actor.UserId, ConversationId = context.ConversationId, Mode = policy.Mode.ToWire(),
                Model = options.Value.Model, Endpoint = Endpoint(options.Value.BaseUrl),
                RequestBytes = Encoding.UTF8.GetByteCount(sent), RequestSha256 = Sha256(sent), RequestContent = store ? sent : null,
                ResponseBytes = Encoding.UTF8.GetByteCount(received), ResponseSha256 = Sha256(received), ResponseContent = store ? received : null,
                PromptTokens = promptTokens, CompletionTokens = completionTokens, Redactions = redactions, Aliases = policy.Aliases?.UsedCount ?? 0,
                Outcome = outcome, Error = error is { Length: > 1000 } e ? e[..1000] : error,
                DurationMs = Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 2), CreatedAt = now,
            });
        }
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Scheme, host and port only: never a path with a key or credentials in it.</summary>
    public static string Endpoint(string? baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Host}{(u.IsDefaultPort ? "" : ":" + u.Port)}" : "";
}
