using Analytics.Domain.Collections;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// Recovers work a dead process left behind: an active collection whose heartbeat went stale is released (compare-and-set
/// on that stale heartbeat, so one supervisor pass of the cluster takes it) and dispatched again — its orchestrator claims
/// it and resumes the segments left running; ad-hoc and scheduled executions are taken over and due ones queued by
/// <see cref="Reports.ExecutionRecovery"/>.
/// </summary>
public sealed class CollectionSupervisor(
    IDbContextFactory<AnalyticsDbContext> factory,
    ICollectionDispatcher dispatcher,
    Reports.ExecutionRecovery executions,
    IOptions<CollectionOptions> options,
    TimeProvider clock,
    ILogger<CollectionSupervisor> logger)
{
    public async Task<int> ReviveStaleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = now - TimeSpan.FromSeconds(options.Value.StaleAfterSeconds);
        var revived = 0;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var ids = await db.DataCollections
                .Where(c => (c.Status == CollectionStatus.Pending || c.Status == CollectionStatus.Running) && (c.HeartbeatAt == null || c.HeartbeatAt < stale))
                .Select(c => c.Id).ToListAsync(ct);
            foreach (var id in ids)
            {
                // Release it from its dead runner and mark it fresh, so the next pass does not dispatch it again while it starts.
                var released = await db.DataCollections
                    .Where(c => c.Id == id && (c.Status == CollectionStatus.Pending || c.Status == CollectionStatus.Running) && (c.HeartbeatAt == null || c.HeartbeatAt < stale))
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.HeartbeatAt, now).SetProperty(c => c.RunnerId, (string?)null), ct);
                if (released == 0) continue;
                logger.LogInformation("Collection {Collection} has no live runner; dispatching it", id);
                await dispatcher.DispatchAsync(id, ct);
                revived++;
            }
        }
        await executions.RecoverAsync(ct);
        return revived;
    }
}
