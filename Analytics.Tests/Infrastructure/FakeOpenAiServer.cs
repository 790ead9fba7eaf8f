using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A real OpenAI-compatible chat-completions server on 127.0.0.1: <c>POST /v1/chat/completions</c> answers each request
/// with the next scripted reply, streamed as <c>chat.completion.chunk</c> server-sent events (text in several deltas,
/// tool calls with their arguments split across chunks), and records every request body. It is no kinder than the real
/// API: a request OpenAI would refuse (no model or messages, an unknown role, a tool message without the assistant call it
/// answers, <c>stream_options</c> without <c>stream</c>, <c>tool_choice</c> or <c>parallel_tool_calls</c> without
/// <c>tools</c>, a badly named tool) gets OpenAI's 400 error shape, and is counted in <see cref="Rejected"/>.
/// </summary>
public sealed class FakeOpenAiServer : LoopbackServer
{
    /// <summary>A scripted reply: text (sent in pieces), tool calls (name, JSON arguments), and an optional delay first.</summary>
    public sealed record Reply(string? Text = null, IReadOnlyList<(string Name, string Arguments)>? ToolCalls = null, TimeSpan Delay = default);

    public ConcurrentQueue<Reply> Script { get; } = new();
    /// <summary>Answered when the script is used up (e.g. a model that keeps calling tools).</summary>
    public Reply? Fallback { get; set; }
    public ConcurrentQueue<JsonObject> Requests { get; } = new();
    public string? LastAuthorization { get; private set; }
    /// <summary>The raw request bodies, as received (for assertions that nothing in them names the data).</summary>
    public ConcurrentQueue<string> RawRequests { get; } = new();
    /// <summary>Token usage reported per request (when the client asked for it with <c>stream_options.include_usage</c>): prompt tokens = body length / 4.</summary>
    public ConcurrentQueue<(int Prompt, int Completion)> ReportedUsage { get; } = new();
    public Uri BaseUrl => new(Address, "/v1");
    /// <summary>Requests refused with 400, with OpenAI's message.</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();

    private FakeOpenAiServer()
    {
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var server = new FakeOpenAiServer();
        await server.ListenAsync();
        return server;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var raw = await reader.ReadToEndAsync();
            JsonObject body;
            try { body = JsonNode.Parse(raw)!.AsObject(); }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                await RejectAsync(this, context, "We could not parse the JSON body of your request.", null);
                return;
            }
            if (Invalid(body) is { } problem)
            {
                await RejectAsync(this, context, problem.Message, problem.Param);
                return;
            }
            RawRequests.Enqueue(raw);
            Requests.Enqueue(body);
            LastAuthorization = context.Request.Headers.Authorization.ToString();
            var reply = Script.TryDequeue(out var next) ? next : Fallback ?? new Reply("(script exhausted)");
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, context.RequestAborted);
            context.Response.ContentType = "text/event-stream";
            var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
            async Task Send(object chunk)
            {
                await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
                await context.Response.Body.FlushAsync();
            }
            object Chunk(object delta, string? finish = null) => new
            {
                id, @object = "chat.completion.chunk", created = 1_700_000_000, model = body["model"]?.GetValue<string>() ?? "fake",
                choices = new[] { new { index = 0, delta, finish_reason = finish } },
            };
            await Send(Chunk(new { role = "assistant", content = "" }));
            if (reply.Text is { } text)
            {
                // Several deltas, as a real model streams.
                for (var i = 0; i < text.Length; i += 12) await Send(Chunk(new { content = text.Substring(i, Math.Min(12, text.Length - i)) }));
            }
            var calls = reply.ToolCalls ?? [];
            for (var k = 0; k < calls.Count; k++)
            {
                var (name, args) = calls[k];
                // As OpenAI streams a call: id, type and name with empty arguments first, then the arguments in fragments.
                await Send(Chunk(new { tool_calls = new[] { new { index = k, id = $"call_{k}_{Guid.NewGuid():N}", type = "function", function = new { name, arguments = "" } } } }));
                for (var i = 0; i < args.Length; i += 7)
                    await Send(Chunk(new { tool_calls = new[] { new { index = k, function = new { arguments = args.Substring(i, Math.Min(7, args.Length - i)) } } } }));
            }
            await Send(Chunk(new { }, calls.Count > 0 ? "tool_calls" : "stop"));
            if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            {
                var usage = (Prompt: raw.Length / 4, Completion: (reply.Text?.Length ?? 0) / 4 + calls.Count * 10 + 1);
                ReportedUsage.Enqueue(usage);
                await Send(new { id, @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake", choices = Array.Empty<object>(),
                    usage = new { prompt_tokens = usage.Prompt, completion_tokens = usage.Completion, total_tokens = usage.Prompt + usage.Completion } });
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
    }

    private static async Task RejectAsync(FakeOpenAiServer server, HttpContext context, string message, string? param)
    {
        server.Rejected.Enqueue(message);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsJsonAsync(new { error = new { message, type = "invalid_request_error", param, code = (string?)null } });
    }

    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];
    private static readonly System.Text.RegularExpressions.Regex ToolName = new("^[a-zA-Z0-9_-]{1,64}$");

    /// <summary>What the real chat-completions API refuses (its documented request shape), with its message and param.</summary>
    private static (string Message, string? Param)? Invalid(JsonObject body)
    {
        if (body["model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String) return ("you must provide a model parameter", "model");
        if (body["messages"] is not JsonArray messages || messages.Count == 0) return ("[] is too short - 'messages'", "messages");
        var stream = body["stream"] is JsonValue s && s.GetValueKind() == JsonValueKind.True;
        if (body["stream_options"] is not null && !stream) return ("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        var tools = body["tools"] as JsonArray;
        if (body["tools"] is not null and not JsonArray) return ("Invalid type for 'tools': expected an array.", "tools");
        if (tools is { Count: 0 }) return ("[] is too short - 'tools'", "tools");
        if (tools is null && body["tool_choice"] is not null) return ("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice");
        if (tools is null && body["parallel_tool_calls"] is not null) return ("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", "parallel_tool_calls");
        if (body["tool_choice"] is JsonValue choice && (choice.GetValueKind() != JsonValueKind.String || choice.GetValue<string>() is not ("none" or "auto" or "required")))
            return ("Invalid value for 'tool_choice': expected one of none, auto, required or a named tool.", "tool_choice");
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var function = tools![i]?["function"];
            if (tools[i]?["type"]?.GetValue<string>() != "function" || function?["name"] is not JsonValue n || !ToolName.IsMatch(n.GetValue<string>()))
                return ($"Invalid 'tools[{i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", $"tools[{i}].function.name");
            if (function["parameters"] is { } p && (p is not JsonObject po || po["type"]?.GetValue<string>() != "object"))
                return ($"Invalid schema for function '{n}': schema must be a JSON Schema of 'type: \"object\"'.", $"tools[{i}].function.parameters");
        }
        var open = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject m || m["role"] is not JsonValue r || !Roles.Contains(r.GetValue<string>()))
                return ($"Invalid value: 'messages[{i}].role'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", $"messages[{i}].role");
            var role = r.GetValue<string>();
            var calls = m["tool_calls"] as JsonArray;
            if (role != "assistant" && m["tool_calls"] is not null) return ($"Invalid parameter: 'tool_calls' is only allowed on messages with role 'assistant'.", $"messages[{i}].tool_calls");
            if (role != "tool" && open.Count > 0)
                return ("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: " + string.Join(", ", open), $"messages[{i}].role");
            if (m["content"] is null && !(role == "assistant" && calls is { Count: > 0 })) return ($"Missing required parameter: 'messages[{i}].content'.", $"messages[{i}].content");
            foreach (var call in calls ?? [])
            {
                if (call?["id"] is not JsonValue id || call["type"]?.GetValue<string>() != "function" || call["function"]?["name"] is null || call["function"]?["arguments"] is not JsonValue a || a.GetValueKind() != JsonValueKind.String)
                    return ($"Missing required parameter: 'messages[{i}].tool_calls': each call needs id, type function, function.name and function.arguments (a string).", $"messages[{i}].tool_calls");
                open.Add(id.GetValue<string>());
            }
            if (role == "tool" && (m["tool_call_id"] is not JsonValue t || !open.Remove(t.GetValue<string>())))
                return ("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", $"messages[{i}].role");
        }
        if (open.Count > 0)
            return ("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: " + string.Join(", ", open), "messages");
        return null;
    }

}
