using Analytics.Data.Seeding;
using Analytics.Domain.Access;
using Analytics.Domain.Demo;
using Analytics.Domain.Insights;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Insights;

/// <summary>
/// First run shows insights: the demo workspace's history is scanned once — anomalies over every day of it (the injected
/// ones among them), the 12-week trends, budget opportunities and the last complete week's summaries per instance and per
/// dashboard — so a fresh install's feed is not empty until the daily and weekly jobs come round. What it finds is
/// stored without delivery (history is not news: no bell, e-mail or webhook). Idempotent: a dataset counts as scanned
/// once <see cref="Analytics.Domain.Facts.Dataset.HistoryScannedAt"/> is set, after everything is stored; a scan cut short
/// runs again at the next start and only updates what it stored (insights are keyed by type, instance, metric, segment
/// and period), so nothing is duplicated.
/// </summary>
public sealed class DemoHistoryScan(
    IDbContextFactory<AnalyticsDbContext> factory,
    InsightScanner scanner,
    TimeProvider clock,
    ILogger<DemoHistoryScan> logger)
{
    /// <summary>Scans the demo datasets not scanned yet; returns what was stored (nothing when all were scanned before).</summary>
    public async Task<InsightRunResult> RunAsync(CancellationToken ct)
    {
        List<(int Id, string SourceId)> pending;
        List<string> demo;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var demoSources = db.Sources.Where(s => s.Kind == SourceKind.Demo).Select(s => s.Id);
            demo = await demoSources.ToListAsync(ct);
            pending = (await db.Datasets.AsNoTracking()
                    .Where(d => d.Key == DemoWorkspace.DatasetKey && d.DataVersion > 0 && d.HistoryScannedAt == null && demoSources.Contains(d.SourceId))
                    .Select(d => new { d.Id, d.SourceId }).ToListAsync(ct))
                .Select(d => (d.Id, d.SourceId)).ToList();
        }
        if (pending.Count == 0) return new InsightRunResult(0, 0, 0);

        var quiet = scanner.WithoutDelivery();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var yesterday = today.AddDays(-1);
        var weekEnd = WeeklySummaryBuilder.LastCompleteWeekEnd(today);
        var started = clock.GetTimestamp();
        var results = new List<InsightRunResult>();
        // One instance at a time, each marked once its insights are stored: a start cut short keeps what it finished.
        foreach (var (id, sourceId) in pending)
        {
            // The system, reading only this instance: every scan below stays inside it.
            var actor = ReaderOf([sourceId]);
            results.Add(await quiet.ScanAnomaliesAsync(actor, yesterday, DemoWorkspace.Days, ct));
            results.Add(await quiet.ScanTrendsAsync(actor, weekEnd, InsightScanner.TrendWeeks, ct));
            results.Add(await quiet.ScanOpportunitiesAsync(actor, weekEnd, InsightScanner.OpportunityDays, ct));
            results.Add(await quiet.SummarizeWeekAsync(actor, weekEnd, ct));
            await using var db = await factory.CreateDbContextAsync(ct);
            var now = clock.GetUtcNow();
            await db.Datasets.Where(d => d.Id == id).ExecuteUpdateAsync(u => u.SetProperty(d => d.HistoryScannedAt, now), ct);
        }
        // The dashboards' summaries, over every demo instance (the demo dashboard spans them all).
        results.Add(await quiet.SummarizeDashboardsAsync(ReaderOf(demo), weekEnd, ct));

        var result = new InsightRunResult(results.Sum(r => r.Created), results.Sum(r => r.Updated), 0);
        logger.LogInformation("Scanned the demo history of {Instances} for insights in {Ms:0} ms: {Created} new, {Updated} updated",
            string.Join(", ", pending.Select(p => p.SourceId)), clock.GetElapsedTime(started).TotalMilliseconds, result.Created, result.Updated);
        return result;
    }

    /// <summary>The system as an analyst reading only <paramref name="sourceIds"/> (the scans read what their actor may).</summary>
    private static Actor ReaderOf(IEnumerable<string> sourceIds) =>
        new(Actor.System.UserId, Actor.System.DisplayName, Role.Analyst, sourceIds.ToHashSet(StringComparer.Ordinal));
}

/// <summary>
/// Runs <see cref="DemoHistoryScan"/> once the database is ready, beside the app serving (it never delays listening or
/// <c>/healthz/ready</c>), when <c>Analytics:Database:SeedDemo</c> and <c>Analytics:Database:ScanDemoHistory</c> are on.
/// A failure is logged and the next start tries again.
/// </summary>
public sealed class DemoHistoryScanHost(
    DatabaseInitializer database,
    DemoHistoryScan scan,
    IOptions<DatabaseOptions> options,
    ILogger<DemoHistoryScanHost> logger) : BackgroundService
{
    private readonly TaskCompletionSource<InsightRunResult?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What this start's scan stored (zeros when everything was scanned before); null when off, stopped or failed.</summary>
    public Task<InsightRunResult?> Completion => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        InsightRunResult? result = null;
        try
        {
            if (!options.Value.SeedDemo || !options.Value.ScanDemoHistory) return;
            await database.WaitUntilReadyAsync(stoppingToken);
            result = await scan.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the next start scans again.
        }
        catch (Exception) when (!database.IsReady)
        {
            // The database's initialization failed: it has logged why and is stopping the app.
        }
        catch (Exception e)
        {
            logger.LogError(e, "The demo workspace's history could not be scanned for insights; the next start tries again.");
        }
        finally
        {
            _done.TrySetResult(result);
        }
    }
}
