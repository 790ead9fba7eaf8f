using Analytics.Data.Collections;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Reports;

/// <summary>
/// Keeps ad-hoc and scheduled executions going across processes: beats the heartbeat of the executions this process
/// runs; takes over those whose process stopped beating for <see cref="CollectionOptions.StaleAfterSeconds"/> (back to
/// pending, by compare-and-set, into this process's queue — the run resumes from its journal); and queues pending ones
/// that are due (a scheduled retry whose backoff has passed, one whose process died before it started, one a person just
/// chose a remote run for). Segments of data collections are their collection's business.
/// </summary>
public sealed class ExecutionRecovery(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionQueue queue,
    NodeIdentity node,
    IOptions<CollectionOptions> options,
    TimeProvider clock,
    ILogger<ExecutionRecovery> logger)
{
    /// <summary>At start, and from the supervisor's every pass.</summary>
    public async Task<int> RecoverAsync(CancellationToken ct) => await TakeOverStaleAsync(ct) + await QueueDueAsync(ct);

    /// <summary>Beats, every <see cref="CollectionOptions.HeartbeatSeconds"/>, the executions this process runs, until stopped.</summary>
    public async Task BeatAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), clock, ct);
                try
                {
                    var now = clock.GetUtcNow();
                    await using var db = await factory.CreateDbContextAsync(ct);
                    await db.Executions.Where(e => e.RunnerId == node.Id && e.Status == ExecutionStatus.Running)
                        .ExecuteUpdateAsync(u => u.SetProperty(e => e.HeartbeatAt, now), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not beat the heartbeat of this process's executions");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async Task<int> TakeOverStaleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = now - TimeSpan.FromSeconds(options.Value.StaleAfterSeconds);
        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = await db.Executions.Where(e => e.Status == ExecutionStatus.Running && e.CollectionId == null && (e.HeartbeatAt == null || e.HeartbeatAt < stale))
            .Select(e => e.Id).ToListAsync(ct);
        var taken = 0;
        foreach (var id in ids)
        {
            // Compare-and-set: only if it is still running with a stale heartbeat; its runner is cleared, so the process
            // that lost it (should it be alive after all) finds every later write refused.
            var changed = await db.Executions.Where(e => e.Id == id && e.Status == ExecutionStatus.Running && (e.HeartbeatAt == null || e.HeartbeatAt < stale))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, ExecutionStatus.Pending).SetProperty(e => e.RunnerId, (string?)null)
                    .SetProperty(e => e.Message, "Its process stopped; resuming"), ct);
            if (changed == 0) continue;
            logger.LogInformation("Execution {Execution} lost its process; resuming it here", id);
            queue.Enqueue(id);
            taken++;
        }
        return taken;
    }

    public async Task<int> QueueDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        var due = await db.Executions
            .Where(e => e.Status == ExecutionStatus.Pending && e.CollectionId == null && e.RemoteCandidatesJson == null && (e.NextAttemptAt == null || e.NextAttemptAt <= now))
            .OrderBy(e => e.CreatedAt).Select(e => e.Id).ToListAsync(ct);
        return due.Count(queue.Enqueue);
    }
}
