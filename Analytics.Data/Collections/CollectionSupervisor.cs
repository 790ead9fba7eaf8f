using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// Recovers work a dead process left behind: an active collection whose heartbeat went stale is dispatched again (its
/// orchestrator resumes the segments left running), and an execution left running far past the timeout by a process that
/// never came back is failed so it no longer blocks its report.
/// </summary>
public sealed class CollectionSupervisor(
    IDbContextFactory<AnalyticsDbContext> factory,
    ICollectionDispatcher dispatcher,
    Reports.ExecutionQueue queue,
    IOptions<CollectionOptions> options,
    IOptions<Reports.ReportOptions> reportOptions,
    TimeProvider clock,
    ILogger<CollectionSupervisor> logger)
{
    public async Task<int> ReviveStaleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = now - TimeSpan.FromSeconds(options.Value.StaleAfterSeconds);
        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = await db.DataCollections
            .Where(c => (c.Status == CollectionStatus.Pending || c.Status == CollectionStatus.Running) && (c.HeartbeatAt == null || c.HeartbeatAt < stale))
            .Select(c => c.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            // Claim it by heartbeat so the next pass does not dispatch it again while it starts.
            await db.DataCollections.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.HeartbeatAt, now), ct);
            logger.LogInformation("Collection {Collection} has no live runner; dispatching it", id);
            await dispatcher.DispatchAsync(id, ct);
        }

        // Ad-hoc and scheduled executions whose process died and never restarted (the runner resumes its own at start).
        var abandoned = now - TimeSpan.FromMinutes(reportOptions.Value.ExecutionTimeoutMinutes) - TimeSpan.FromMinutes(5);
        var stuck = await db.Executions.Where(e => e.Status == ExecutionStatus.Running && e.CollectionId == null && e.StartedAt < abandoned)
            .Select(e => e.Id).ToListAsync(ct);
        foreach (var id in stuck.Where(id => !queue.IsRunningHere(id)))
        {
            await db.Executions.Where(e => e.Id == id && e.Status == ExecutionStatus.Running).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, ExecutionStatus.Failed).SetProperty(e => e.FinishedAt, now)
                .SetProperty(e => e.Error, "Stuck: no process finished it within the timeout (its process probably died); run it again."), ct);
            logger.LogWarning("Execution {Execution} was stuck in running; marked failed", id);
        }
        return ids.Count;
    }
}
