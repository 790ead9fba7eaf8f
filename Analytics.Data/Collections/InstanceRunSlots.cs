using System.Collections.Concurrent;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// How many runs an instance has at the source at once, counted across every app process on the database: at most
/// <see cref="CollectionOptions.MaxRunningPerInstance"/> (AMC runs 10 executions per instance in parallel). An execution
/// takes one of the instance's <see cref="InstanceSlot"/> rows by compare-and-set before it submits and keeps it — across
/// a crash and restart too — until its remote run ends; a slot whose execution is no longer pending or running is free
/// again. Waiters in this process wake as soon as one is released here; releases by other processes are seen by polling.
/// </summary>
public sealed class InstanceRunSlots(IDbContextFactory<AnalyticsDbContext> factory, IOptions<CollectionOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<string, int> _ensured = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task AcquireAsync(string sourceId, string executionId, CancellationToken ct)
    {
        var capacity = options.Value.MaxRunningPerInstance;
        await EnsureSlotsAsync(sourceId, capacity, ct);
        if (await HoldsAsync(sourceId, executionId, capacity, ct)) return; // a resumed run keeps the slot it took before the crash
        // One waiter per instance in this process asks the database at a time (first come, first served here); the others
        // queue behind it instead of all polling.
        var turn = _turns.GetOrAdd(sourceId, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(ct);
        try
        {
            while (true)
            {
                Task released;
                lock (_lock) released = _released.Task;
                if (await TryAcquireAsync(sourceId, executionId, capacity, ct)) return;
                await Task.WhenAny(released, Task.Delay(Poll, clock, ct));
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<bool> HoldsAsync(string sourceId, string executionId, int capacity, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.InstanceSlots.AnyAsync(s => s.SourceId == sourceId && s.Slot < capacity && s.ExecutionId == executionId, ct);
    }

    public async Task ReleaseAsync(string executionId, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.InstanceSlots.Where(s => s.ExecutionId == executionId)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExecutionId, (string?)null).SetProperty(s => s.AcquiredAt, (DateTimeOffset?)null), ct) == 0)
                return;
        }
        TaskCompletionSource wake;
        lock (_lock)
        {
            wake = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    /// <summary>Executions holding a slot of <paramref name="sourceId"/> now (for tests and the job console).</summary>
    public async Task<int> HeldAsync(string sourceId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Held(db, sourceId).CountAsync(ct);
    }

    private static IQueryable<InstanceSlot> Held(AnalyticsDbContext db, string sourceId) =>
        db.InstanceSlots.Where(s => s.SourceId == sourceId && s.ExecutionId != null
            && db.Executions.Any(e => e.Id == s.ExecutionId && (e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running)));

    private async Task<bool> TryAcquireAsync(string sourceId, string executionId, int capacity, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var free = await Free(db, sourceId, capacity).Select(s => s.Slot).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var slot in free)
        {
            // Compare-and-set: of two processes that saw the slot free, the second finds it taken when its update runs.
            var taken = await Free(db, sourceId, capacity).Where(s => s.Slot == slot)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExecutionId, executionId).SetProperty(s => s.AcquiredAt, now), ct);
            if (taken == 1) return true;
        }
        return false;
    }

    private static IQueryable<InstanceSlot> Free(AnalyticsDbContext db, string sourceId, int capacity) =>
        db.InstanceSlots.Where(s => s.SourceId == sourceId && s.Slot < capacity
            && (s.ExecutionId == null || !db.Executions.Any(e => e.Id == s.ExecutionId && (e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running))));

    /// <summary>The instance's slot rows 0..capacity−1 exist (created once, by whichever process gets there first).</summary>
    private async Task EnsureSlotsAsync(string sourceId, int capacity, CancellationToken ct)
    {
        if (_ensured.TryGetValue(sourceId, out var done) && done >= capacity) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var existing = (await db.InstanceSlots.Where(s => s.SourceId == sourceId).Select(s => s.Slot).ToListAsync(ct)).ToHashSet();
        var missing = Enumerable.Range(0, capacity).Where(i => !existing.Contains(i)).ToList();
        if (missing.Count > 0)
        {
            db.InstanceSlots.AddRange(missing.Select(i => new InstanceSlot { SourceId = sourceId, Slot = i }));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another process created them at the same time; theirs serve as well.
            }
        }
        _ensured[sourceId] = capacity;
    }
}
