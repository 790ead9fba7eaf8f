using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Tests.Infrastructure;

/// <summary>A real HTTP server on 127.0.0.1 that records what webhooks post to it and answers with a chosen status.</summary>
public sealed class FakeWebhookServer : LoopbackServer
{
    public ConcurrentQueue<string> Received { get; } = new();
    public int StatusCode { get; set; } = 200;
    /// <summary>Sent as <c>Location</c> when set (with a 3xx <see cref="StatusCode"/>: a redirect).</summary>
    public string? Location { get; set; }
    public Uri Url => new(Address, "/hook");

    private FakeWebhookServer()
    {
    }

    public static async Task<FakeWebhookServer> StartAsync()
    {
        var server = new FakeWebhookServer();
        await server.ListenAsync();
        return server;
    }

    protected override void Map(WebApplication app) =>
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            Received.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = StatusCode;
            if (Location is { } location) context.Response.Headers.Location = location;
        });
}
