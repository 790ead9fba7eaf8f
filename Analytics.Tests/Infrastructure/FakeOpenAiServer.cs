using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A real OpenAI-compatible chat-completions server on 127.0.0.1: <c>POST /v1/chat/completions</c> answers each request
/// with the next scripted reply, streamed as <c>chat.completion.chunk</c> server-sent events (text in several deltas,
/// tool calls with their arguments split across chunks), and records every request body.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

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
    public Uri BaseUrl { get; }

    private FakeOpenAiServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeOpenAiServer? server = null;
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var raw = await reader.ReadToEndAsync();
            var body = JsonNode.Parse(raw)!.AsObject();
            server!.RawRequests.Enqueue(raw);
            server.Requests.Enqueue(body);
            server.LastAuthorization = context.Request.Headers.Authorization.ToString();
            var reply = server.Script.TryDequeue(out var next) ? next : server.Fallback ?? new Reply("(script exhausted)");
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
                var half = args.Length / 2;
                await Send(Chunk(new { tool_calls = new[] { new { index = k, id = $"call_{k}_{Guid.NewGuid():N}", type = "function", function = new { name, arguments = args[..half] } } } }));
                await Send(Chunk(new { tool_calls = new[] { new { index = k, function = new { arguments = args[half..] } } } }));
            }
            await Send(Chunk(new { }, calls.Count > 0 ? "tool_calls" : "stop"));
            if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            {
                var usage = (Prompt: raw.Length / 4, Completion: (reply.Text?.Length ?? 0) / 4 + calls.Count * 10 + 1);
                server.ReportedUsage.Enqueue(usage);
                await Send(new { id, @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake", choices = Array.Empty<object>(),
                    usage = new { prompt_tokens = usage.Prompt, completion_tokens = usage.Completion, total_tokens = usage.Prompt + usage.Completion } });
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAiServer(app, new Uri(new Uri(address), "/v1"));
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
