using System.Diagnostics;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Analytics.Data.Sources;
using Analytics.Domain.Access;
using Analytics.Domain.Sources;
using Analytics.Web.Cli;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench backfill [--weeks 52] [--rate 5] [--burst 5] [--concurrency 10] [--duration-ms 1000]</c>: a backfill of one
/// AMC report against a local AMC that admits <c>rate</c> submissions per second (burst <c>burst</c>) and runs at most
/// <c>concurrency</c> executions at once, each taking <c>duration</c>. The orchestrator is given the same limits, its rate
/// <c>--headroom-percent</c> (default 5) under AMC's. Reports
/// the wall time against the floor those limits allow:
/// <c>floor = max(ceil(S / C) · D, (S − B) / R + D)</c> — the concurrency cap alone, or submitting all S segments at the
/// bucket's rate after its burst, and the last one running for D.
/// </summary>
internal sealed class BackfillBenchmark : IBenchmark
{
    public string Name => "backfill";
    public string Description => "52-week backfill wall time vs the floor set by AMC's rate limit and the concurrency cap";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var weeks = (int)(CommandLine.LongOption(args, "--weeks") ?? 52);
        var rate = (double)(CommandLine.LongOption(args, "--rate") ?? 5);
        var burst = (int)(CommandLine.LongOption(args, "--burst") ?? 5);
        var concurrency = (int)(CommandLine.LongOption(args, "--concurrency") ?? 10);
        var duration = TimeSpan.FromMilliseconds(CommandLine.LongOption(args, "--duration-ms") ?? 1000);
        var poll = TimeSpan.FromMilliseconds(50);
        // The orchestrator is configured a little under AMC's limit: requests reach AMC a few milliseconds after the gate
        // grants them, by varying amounts, so pacing at exactly AMC's rate lets two arrive closer than its meter allows.
        var headroom = (CommandLine.LongOption(args, "--headroom-percent") ?? 5) / 100.0;

        var results = await BenchHost.OnFreshDatabasesAsync(args, async (provider, connectionString) =>
        {
            await using var amc = await BenchAmcServer.StartAsync(rate, burst, concurrency, duration);
            var directory = Directory.CreateTempSubdirectory("analytics-bench-keys-");
            try
            {
                using var host = await BenchHost.CreateAsync(provider, connectionString, ct, new Dictionary<string, string?>
                {
                    ["Analytics:DataDirectory"] = directory.FullName,
                    ["Analytics:Amc:PollInterval"] = poll.ToString(),
                    ["Analytics:Collections:SubmissionsPerMinute"] = (rate * 60 * (1 - headroom)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Analytics:Collections:Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    // The instance's run slots and per-process segment cap follow AMC's concurrency, as the floor assumes.
                    ["Analytics:Collections:MaxRunningPerInstance"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Analytics:Collections:MaxSegmentsPerInstance"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Analytics:Collections:HeartbeatSeconds"] = "1",
                    // The stand-in AMC runs on http://127.0.0.1: allowed here explicitly, never by default.
                    ["Analytics:Outbound:AllowedHosts:0"] = "127.0.0.1",
                    ["Analytics:Amc:AllowedHosts:0"] = "127.0.0.1",
                    ["Analytics:Amc:AllowedDownloadHosts:0"] = "127.0.0.1",
                    ["Analytics:Amc:AllowHttp"] = "true",
                });
                return await RunOnAsync(host.Services, provider, amc, weeks, concurrency, ct);
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }, ct);

        var s = weeks;
        var floor = Math.Max(Math.Ceiling((double)s / concurrency) * duration.TotalSeconds, Math.Max(0, s - burst) / rate + duration.TotalSeconds);
        return new
        {
            benchmark = Name,
            segments = s,
            limits = new { submissionsPerSecond = rate, burst, maxRunning = concurrency, executionSeconds = duration.TotalSeconds, pollSeconds = poll.TotalSeconds },
            orchestrator = new { submissionsPerSecond = rate * (1 - headroom), burst, maxConcurrency = concurrency },
            floorSeconds = Math.Round(floor, 3),
            floorFormula = "max(ceil(S/C)*D, (S-B)/R + D)",
            results = results.Select(r => new { r.Provider, r.Status, r.Succeeded, r.Facts, r.WallSeconds, ratioToFloor = Math.Round(r.WallSeconds / floor, 3), amcAccepted = r.Accepted, amcThrottled = r.Throttled, amcThrottledForConcurrency = r.ThrottledRunning }),
        };
    }

    private sealed record Result(string Provider, string Status, int Succeeded, long Facts, double WallSeconds, int Accepted, int Throttled, int ThrottledRunning);

    private static async Task<Result> RunOnAsync(IServiceProvider services, DatabaseProvider provider, BenchAmcServer amc, int weeks, int concurrency, CancellationToken ct)
    {
        await services.GetRequiredService<TemplateService>().SeedBuiltInsAsync(ct);
        var factory = services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        var settings = new JsonObject
        {
            ["baseUrl"] = amc.BaseUrl.ToString(), ["instanceId"] = BenchAmcServer.InstanceId, ["advertiserId"] = "ENTITY1",
            ["marketplaceId"] = "ATVPDKIKX0DER", ["clientId"] = "bench", ["accessToken"] = "bench-token",
        };
        var sourceId = $"amc-bench-{provider.ToString().ToLowerInvariant()}";
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.Sources.Add(new DataSource
            {
                Id = sourceId, Name = "AMC (bench)", Kind = SourceKind.Amc, OwnerId = "system", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                SettingsJson = services.GetRequiredService<SourceSecrets>().Protect(SourceKind.Amc, settings).ToJsonString(),
            });
            await db.SaveChangesAsync(ct);
        }
        var report = await services.GetRequiredService<ReportService>().CreateAsync(Actor.System,
            new ReportInput("Backfill bench", "tpl-amc-campaign-performance", sourceId, null), ct);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var collection = await services.GetRequiredService<CollectionService>().CreateAsync(Actor.System,
            new CollectionInput(report.Id, start, start.AddDays(7 * weeks), "week", concurrency), ct);

        var watch = Stopwatch.StartNew();
        await services.GetRequiredService<CollectionOrchestrator>().RunAsync(collection.Id, ct);
        var wall = watch.Elapsed.TotalSeconds;

        var done = await services.GetRequiredService<CollectionService>().GetAsync(Actor.System, collection.Id, ct);
        await using var check = await factory.CreateDbContextAsync(ct);
        var facts = await check.Facts.LongCountAsync(f => f.DatasetId == report.DatasetId, ct);
        return new Result(provider.ToString(), done.Status, done.SucceededSegments, facts, Math.Round(wall, 3), amc.Accepted, amc.Throttled, amc.ThrottledRunning);
    }
}
