using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Analytics.Benchmarks;

/// <summary>
/// An AMC reporting API on 127.0.0.1 for the backfill benchmark, with AMC's limits made explicit: execution submissions
/// pass a token bucket (<see cref="SubmissionsPerSecond"/>, <see cref="Burst"/>) and at most <see cref="MaxRunning"/>
/// executions run at once — beyond either, 429 with <c>Retry-After</c>. Each execution takes <see cref="Duration"/>.
/// </summary>
internal sealed class BenchAmcServer : IAsyncDisposable
{
    public const string InstanceId = "benchinstance";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Sql, string Start, string End, DateTimeOffset Created)> _executions = new();
    private readonly Lock _gate = new();
    private double _tokens;
    private DateTimeOffset _refilled = DateTimeOffset.UtcNow;
    private int _next;

    public double SubmissionsPerSecond { get; init; } = 5;
    public int Burst { get; init; } = 5;
    public int MaxRunning { get; init; } = 10;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(1);
    public int Accepted;
    public int Throttled;
    /// <summary>Of <see cref="Throttled"/>: refused for the concurrency cap (the rest for the rate).</summary>
    public int ThrottledRunning;
    public Uri BaseUrl { get; private set; } = null!;

    private BenchAmcServer(WebApplication app) => _app = app;

    public static async Task<BenchAmcServer> StartAsync(double perSecond, int burst, int maxRunning, TimeSpan duration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new BenchAmcServer(app) { SubmissionsPerSecond = perSecond, Burst = burst, MaxRunning = maxRunning, Duration = duration };
        server._tokens = burst;
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var now = DateTimeOffset.UtcNow;
        if (path.StartsWith("/results/", StringComparison.Ordinal))
        {
            context.Response.ContentType = "text/csv";
            await context.Response.WriteAsync("campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n");
            return;
        }
        var rest = path[$"/amc/reporting/{InstanceId}/workflowExecutions".Length..].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (context.Request.Method, rest.Length)
        {
            case ("POST", 0):
                var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
                TimeSpan? wait;
                lock (_gate)
                {
                    _tokens = Math.Min(Burst, _tokens + (now - _refilled).TotalSeconds * SubmissionsPerSecond);
                    _refilled = now;
                    var running = _executions.Values.Count(e => now - e.Created < Duration);
                    wait = running >= MaxRunning ? TimeSpan.FromSeconds(1)
                        : _tokens < 1 ? TimeSpan.FromSeconds((1 - _tokens) / SubmissionsPerSecond) : null;
                    if (wait is null) _tokens -= 1;
                }
                if (wait is { } w)
                {
                    Interlocked.Increment(ref Throttled);
                    if (_executions.Values.Count(e => now - e.Created < Duration) >= MaxRunning) Interlocked.Increment(ref ThrottledRunning);
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(w.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    await Answer(context, 429, new JsonObject { ["message"] = "Too many requests" });
                    return;
                }
                Interlocked.Increment(ref Accepted);
                var id = $"exec-{Interlocked.Increment(ref _next)}";
                _executions[id] = (body["workflow"]!["sqlQuery"]!.GetValue<string>(), body["timeWindowStart"]!.GetValue<string>(), body["timeWindowEnd"]!.GetValue<string>(), now);
                await Answer(context, 200, Describe(id, now));
                return;
            case ("GET", 0):
                await Answer(context, 200, new JsonObject { ["executions"] = new JsonArray(_executions.Keys.Select(k => (JsonNode)Describe(k, now)).ToArray()) });
                return;
            case ("GET", 1):
                await Answer(context, 200, Describe(rest[0], now));
                return;
            case ("GET", 2):
                await Answer(context, 200, new JsonObject { ["downloadUrls"] = new JsonArray((JsonNode)$"{BaseUrl}results/{rest[0]}.csv") });
                return;
            default:
                await Answer(context, 404, new JsonObject { ["message"] = "not found" });
                return;
        }
    }

    private JsonObject Describe(string id, DateTimeOffset now)
    {
        var e = _executions[id];
        return new JsonObject
        {
            ["workflowExecutionId"] = id,
            ["status"] = now - e.Created >= Duration ? "SUCCEEDED" : "RUNNING",
            // What AMC's documentation promises a listing carries, and no more (not the SQL).
            ["timeWindowStart"] = e.Start,
            ["timeWindowEnd"] = e.End,
        };
    }

    private static async Task Answer(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
