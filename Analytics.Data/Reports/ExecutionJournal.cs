using Analytics.Data.Collections;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Reports;

/// <summary>Makes the <see cref="IRemoteRunJournal"/> of an execution this process runs.</summary>
public sealed class ExecutionJournals(IDbContextFactory<AnalyticsDbContext> factory, InstanceRunSlots slots, NodeIdentity node, TimeProvider clock)
{
    public IRemoteRunJournal For(Execution execution, string sourceId) =>
        new ExecutionJournal(factory, slots, clock, execution.Id, sourceId, node.Id, execution.RemoteExecutionId, execution.SubmittingSince);
}

/// <summary>
/// An execution's remote run, recorded on its row (<see cref="Execution.RemoteExecutionId"/>,
/// <see cref="Execution.SubmittingSince"/>) and in <see cref="RemoteExecutionClaim"/>s. Every write is conditional on this
/// process still running the execution (its <see cref="Execution.RunnerId"/>, status running).
/// </summary>
internal sealed class ExecutionJournal(
    IDbContextFactory<AnalyticsDbContext> factory, InstanceRunSlots slots, TimeProvider clock,
    string executionId, string sourceId, string runnerId, string? remoteId, DateTimeOffset? submittingSince) : IRemoteRunJournal
{
    public string? RemoteId { get; private set; } = remoteId;

    public DateTimeOffset? SubmittingSince { get; private set; } = submittingSince;

    private IQueryable<Execution> Mine(AnalyticsDbContext db) =>
        db.Executions.Where(e => e.Id == executionId && e.RunnerId == runnerId && e.Status == ExecutionStatus.Running);

    public Task AcquireSlotAsync(CancellationToken ct) => slots.AcquireAsync(sourceId, executionId, ct);

    public Task ReleaseSlotAsync(CancellationToken ct) => slots.ReleaseAsync(executionId, ct);

    public async Task SubmittingAsync(DateTimeOffset since, CancellationToken ct)
    {
        if (SubmittingSince is not null) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await Mine(db).ExecuteUpdateAsync(u => u.SetProperty(e => e.SubmittingSince, since), ct) == 0) throw new RunSupersededException(executionId);
        SubmittingSince = since;
    }

    public async Task<bool> ClaimAsync(string remote, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var holder = await db.RemoteExecutionClaims.Where(c => c.SourceId == sourceId && c.RemoteExecutionId == remote).Select(c => c.ExecutionId).FirstOrDefaultAsync(ct);
            if (holder is not null && holder != executionId) return false;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (holder is null)
            {
                db.RemoteExecutionClaims.Add(new RemoteExecutionClaim { SourceId = sourceId, RemoteExecutionId = remote, ExecutionId = executionId, ClaimedAt = clock.GetUtcNow() });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Claimed by someone at the same moment: see by whom.
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    continue;
                }
            }
            var stored = await Mine(db).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.RemoteExecutionId, remote).SetProperty(e => e.SubmittingSince, (DateTimeOffset?)null), ct);
            if (stored == 0)
            {
                await transaction.RollbackAsync(ct);
                throw new RunSupersededException(executionId);
            }
            await transaction.CommitAsync(ct);
            RemoteId = remote;
            SubmittingSince = null;
            return true;
        }
    }

    public async Task<IReadOnlySet<string>> ClaimedAsync(IReadOnlyCollection<string> remoteIds, CancellationToken ct)
    {
        if (remoteIds.Count == 0) return new HashSet<string>();
        var ids = remoteIds.ToList();
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await db.RemoteExecutionClaims.Where(c => c.SourceId == sourceId && ids.Contains(c.RemoteExecutionId)).Select(c => c.RemoteExecutionId).ToListAsync(ct)).ToHashSet();
    }

    public async Task ForgetRemoteAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await Mine(db).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.RemoteExecutionId, (string?)null).SetProperty(e => e.SubmittingSince, (DateTimeOffset?)null), ct) == 0)
            throw new RunSupersededException(executionId);
        RemoteId = null;
        SubmittingSince = null;
    }
}
