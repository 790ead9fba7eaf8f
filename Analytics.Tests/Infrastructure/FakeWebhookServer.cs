using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Infrastructure;

/// <summary>A real HTTP server on 127.0.0.1 that records what webhooks post to it and answers with a chosen status.</summary>
public sealed class FakeWebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<string> Received { get; } = new();
    public int StatusCode { get; set; } = 200;
    /// <summary>Sent as <c>Location</c> when set (with a 3xx <see cref="StatusCode"/>: a redirect).</summary>
    public string? Location { get; set; }
    public Uri Url { get; }

    private FakeWebhookServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<FakeWebhookServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeWebhookServer? server = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            server!.Received.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = server.StatusCode;
            if (server.Location is { } location) context.Response.Headers.Location = location;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeWebhookServer(app, new Uri(new Uri(address), "/hook"));
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
