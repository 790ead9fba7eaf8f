using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// Runs a data collection: at most <see cref="DataCollection.MaxConcurrency"/> segments at once, each submitted at the pace
/// of its instance's gate (<see cref="InstanceRateLimiters"/>), each run as an execution of the report over its window (so it merges
/// like any run: upserts, never duplicates). A failed segment is retried after an exponential backoff with jitter, up to
/// <see cref="CollectionOptions.MaxAttempts"/>; a final failure (a privacy rejection, rows that fail validation) is not.
/// One process runs a collection: it claims it by compare-and-set on its runner and heartbeat (a running collection is
/// claimable only once its heartbeat went stale), beats the heartbeat the same way, and stops — leaving its segments to the
/// new owner — the moment a beat finds another process owns it. Every transition is written before the next step, so a
/// process killed at any point resumes: segments it left running run again as resumed executions, which pick up the AMC
/// execution they recorded instead of submitting it again. While the database is briefly unavailable
/// (<see cref="TransientDatabase"/>) the run waits and carries on once it is back: a segment it interrupted goes back to
/// pending and runs again (never failed for it), and its end is written once the database answers.
/// </summary>
public sealed class CollectionOrchestrator(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionRunner runner,
    ExecutionQueue queue,
    InstanceRateLimiters limiters,
    CollectionNotifier notifier,
    NodeIdentity node,
    IOptions<CollectionOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    ILogger<CollectionOrchestrator> logger)
{
    private TimeSpan RetryAfter => TimeSpan.FromSeconds(database.Value.RetryAfterSeconds);

    private readonly Random _jitter = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _executions = new();

    public async Task RunAsync(string collectionId, CancellationToken ct)
    {
        var o = options.Value;
        DataCollection collection;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            var stale = now - TimeSpan.FromSeconds(o.StaleAfterSeconds);
            // Claim it: free, ours already, or its owner stopped beating. Compare-and-set, so of two processes one wins.
            var claimed = await db.DataCollections
                .Where(c => c.Id == collectionId && (c.Status == CollectionStatus.Pending || c.Status == CollectionStatus.Running)
                            && (c.RunnerId == null || c.RunnerId == node.Id || c.HeartbeatAt == null || c.HeartbeatAt < stale))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(c => c.Status, CollectionStatus.Running).SetProperty(c => c.StartedAt, c => c.StartedAt ?? now)
                    .SetProperty(c => c.HeartbeatAt, now).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.RunnerId, node.Id), ct);
            if (claimed == 0)
            {
                logger.LogInformation("Collection {Collection} is not runnable here (ended, paused, or run by a live process)", collectionId);
                return;
            }
            collection = await db.DataCollections.AsNoTracking().SingleAsync(c => c.Id == collectionId, ct);
            // Segments a previous process left running run again; their executions resume rather than start over.
            await db.CollectionSegments.Where(s => s.CollectionId == collectionId && s.Status == SegmentStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SegmentStatus.Pending), ct);
        }
        notifier.Publish(new CollectionChange(collectionId, "running"));

        var running = new Dictionary<long, (Task Task, CancellationTokenSource Cts)>();
        var lastBeat = clock.GetUtcNow();
        var owned = true;
        var outages = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var status = await StatusAsync(collectionId, ct);
                    if (status == CollectionStatus.Cancelled)
                    {
                        // As a user's cancel: the runs stop and their AMC executions are cancelled too.
                        foreach (var (segmentId, (_, cts)) in running)
                        {
                            if (!(_executions.TryGetValue(segmentId, out var executionId) && queue.Cancel(executionId))) await cts.CancelAsync();
                        }
                    }
                    var launching = status == CollectionStatus.Running;
                    if (launching)
                    {
                        foreach (var segment in await RunnableAsync(collectionId, collection.MaxConcurrency - running.Count, running.Keys, ct))
                        {
                            var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                            running[segment.Id] = (RunSegmentAsync(collection, segment, cts.Token), cts);
                        }
                    }
                    foreach (var done in running.Where(r => r.Value.Task.IsCompleted).ToList())
                    {
                        await done.Value.Task; // surfaces unexpected errors
                        done.Value.Cts.Dispose();
                        running.Remove(done.Key);
                    }
                    if (running.Count == 0 && (!launching || !await AnyLeftAsync(collectionId, ct))) break;

                    if (clock.GetUtcNow() - lastBeat >= TimeSpan.FromSeconds(o.HeartbeatSeconds))
                    {
                        lastBeat = clock.GetUtcNow();
                        await using var db = await factory.CreateDbContextAsync(ct);
                        if (await db.DataCollections.Where(c => c.Id == collectionId && c.RunnerId == node.Id)
                                .ExecuteUpdateAsync(u => u.SetProperty(c => c.HeartbeatAt, lastBeat), ct) == 0)
                        {
                            owned = false;
                            break;
                        }
                    }
                    outages = 0;
                }
                catch (Exception e) when (TransientDatabase.Is(e))
                {
                    // The database is away: the segments running here wait on it too; look again after a pause.
                    var pause = TransientDatabase.Backoff(RetryAfter, outages++);
                    logger.LogWarning("Collection {Collection} waits for the database ({Error}); looking again in {Delay} s", collectionId, e.Message, pause.TotalSeconds);
                    await Task.Delay(pause, clock, ct);
                    continue;
                }
                var wake = Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, o.HeartbeatSeconds * 1000)), clock, ct);
                await Task.WhenAny(running.Values.Select(r => r.Task).Append(wake));
            }
        }
        finally
        {
            if (!owned) await AbandonAsync(collectionId, running);
            foreach (var (_, cts) in running.Values) cts.Dispose();
        }
        if (owned) await TransientDatabase.RetryAsync(c => FinishAsync(collectionId, c), RetryAfter, clock, logger, $"ending collection {collectionId}", ct);
    }

    /// <summary>
    /// Another process owns the collection now (this one missed its heartbeats): stop its segments here as a shutdown
    /// would — their AMC executions keep running for the new owner — and write nothing more.
    /// </summary>
    private async Task AbandonAsync(string collectionId, Dictionary<long, (Task Task, CancellationTokenSource Cts)> running)
    {
        logger.LogWarning("Collection {Collection} is now run by another process; stopping its segments here", collectionId);
        foreach (var (_, cts) in running.Values) await cts.CancelAsync();
        try
        {
            await Task.WhenAll(running.Values.Select(r => r.Task));
        }
        catch (Exception e) when (e is OperationCanceledException or DbUpdateException)
        {
            // Expected: they were stopped mid-way.
        }
    }

    private async Task<CollectionStatus?> StatusAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.DataCollections.Where(c => c.Id == id).Select(c => (CollectionStatus?)c.Status).FirstOrDefaultAsync(ct);
    }

    private async Task<List<CollectionSegment>> RunnableAsync(string id, int room, IEnumerable<long> running, CancellationToken ct)
    {
        if (room <= 0) return [];
        var now = clock.GetUtcNow();
        var busy = running.ToList();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.CollectionSegments.AsNoTracking()
            .Where(s => s.CollectionId == id && s.Status == SegmentStatus.Pending && !busy.Contains(s.Id) && (s.NextAttemptAt == null || s.NextAttemptAt <= now))
            .OrderBy(s => s.Index).Take(room).ToListAsync(ct);
    }

    private async Task<bool> AnyLeftAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.CollectionSegments.AnyAsync(s => s.CollectionId == id && (s.Status == SegmentStatus.Pending || s.Status == SegmentStatus.Running), ct);
    }

    private async Task RunSegmentAsync(DataCollection collection, CollectionSegment segment, CancellationToken ct)
    {
        try
        {
            // A process that died after the segment's execution succeeded (rows merged) but before the segment was
            // recorded: the window is done; running it again would submit it to AMC a second time.
            if (await SucceededExecutionAsync(segment, ct) is { } done)
            {
                await RecordOutcomeAsync(collection, segment, done, ct);
                return;
            }
            using var slot = await limiters.SlotAsync(collection.SourceId, ct);
            var executionId = await PrepareExecutionAsync(collection, segment, ct);
            _executions[segment.Id] = executionId;
            await runner.RunAsync(executionId, ct, maxAttempts: 1);
            ct.ThrowIfCancellationRequested();
            await RecordOutcomeAsync(collection, segment, executionId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown: the segment stays running in the database and resumes at the next start. Cancel: recorded below.
            if (await StatusAsync(collection.Id, CancellationToken.None) == CollectionStatus.Cancelled)
            {
                await UpdateSegmentAsync(segment.Id, s => { s.Status = SegmentStatus.Cancelled; s.FinishedAt = clock.GetUtcNow(); }, CancellationToken.None);
                await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
                await db.Executions.Where(e => e.CollectionId == collection.Id && (e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running))
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, ExecutionStatus.Cancelled).SetProperty(e => e.Message, "Cancelled with its collection")
                        .SetProperty(e => e.FinishedAt, clock.GetUtcNow()), CancellationToken.None);
                return;
            }
            throw;
        }
        catch (Exception e) when (TransientDatabase.Is(e) && !ct.IsCancellationRequested)
        {
            // Not the segment's failure: back to pending once the database answers, to run again (its execution resumes
            // from its journal; rows merge as upserts, so nothing lands twice).
            logger.LogWarning("Segment {Index} of collection {Collection} was interrupted: the database is unavailable ({Error})", segment.Index, collection.Id, e.Message);
            await TransientDatabase.RetryAsync(c => UpdateSegmentAsync(segment.Id, s =>
            {
                if (s.Status != SegmentStatus.Running) return;
                // Not an attempt that failed: it does not count towards Analytics:Collections:MaxAttempts.
                s.Attempts = Math.Max(0, s.Attempts - 1);
                s.Status = SegmentStatus.Pending;
                s.NextAttemptAt = null;
                s.Error = "Interrupted: the database was briefly unavailable; runs again";
            }, c), RetryAfter, clock, logger, $"putting segment {segment.Index} of collection {collection.Id} back to pending", ct);
        }
        finally
        {
            _executions.TryRemove(segment.Id, out _);
            notifier.Publish(new CollectionChange(collection.Id, "running"));
        }
    }

    private async Task<string?> SucceededExecutionAsync(CollectionSegment segment, CancellationToken ct)
    {
        if (segment.ExecutionId is not { } id) return null;
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Executions.AnyAsync(e => e.Id == id && e.Status == ExecutionStatus.Succeeded, ct) ? id : null;
    }

    /// <summary>Marks the segment running and gives it a pending execution: its unfinished one from before, or a new one.</summary>
    private async Task<string> PrepareExecutionAsync(DataCollection collection, CollectionSegment segment, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var execution = segment.ExecutionId is null ? null : await db.Executions.FirstOrDefaultAsync(e => e.Id == segment.ExecutionId, ct);
        if (execution is null || execution.Status is ExecutionStatus.Succeeded or ExecutionStatus.Cancelled || execution.FinalFailure)
        {
            execution = new Execution
            {
                Id = Ids.New(), ReportId = collection.ReportId, TimeWindowStart = segment.Start, TimeWindowEnd = segment.End,
                RequestedBy = collection.OwnerId, CreatedAt = now, CollectionId = collection.Id, Trigger = "collection",
                Message = $"Segment {segment.Index + 1} of collection {collection.Id}",
            };
            db.Executions.Add(execution);
        }
        else
        {
            // Left running by a dead process, or failed and worth another attempt: the same execution runs again as
            // resumed, from its journal (the remote run it holds, or the submission whose answer was lost). Its runner is
            // cleared, so a process that lost it finds every later write refused.
            execution.Status = ExecutionStatus.Pending;
            execution.RunnerId = null;
            execution.Message = "Resuming";
        }
        var tracked = await db.CollectionSegments.SingleAsync(s => s.Id == segment.Id, ct);
        tracked.Status = SegmentStatus.Running;
        tracked.Attempts++;
        tracked.ExecutionId = execution.Id;
        tracked.StartedAt ??= now;
        tracked.NextAttemptAt = null;
        await db.SaveChangesAsync(ct);
        return execution.Id;
    }

    private async Task RecordOutcomeAsync(DataCollection collection, CollectionSegment segment, string executionId, CancellationToken ct)
    {
        Execution execution;
        await using (var db = await factory.CreateDbContextAsync(ct))
            execution = await db.Executions.AsNoTracking().SingleAsync(e => e.Id == executionId, ct);
        var o = options.Value;
        await UpdateSegmentAsync(segment.Id, s =>
        {
            switch (execution.Status)
            {
                case ExecutionStatus.Succeeded:
                    s.Status = SegmentStatus.Succeeded;
                    s.RowCount = execution.RowCount;
                    s.Error = null;
                    s.FinishedAt = clock.GetUtcNow();
                    break;
                case ExecutionStatus.Failed when execution.FinalFailure || s.Attempts >= o.MaxAttempts:
                    s.Status = SegmentStatus.Failed;
                    s.Error = execution.FinalFailure ? execution.Error : $"Failed after {s.Attempts} attempts: {execution.Error}";
                    s.FinishedAt = clock.GetUtcNow();
                    break;
                case ExecutionStatus.Failed:
                    var delay = Math.Min(o.RetryMaxSeconds, o.RetryBaseSeconds * Math.Pow(2, s.Attempts - 1));
                    double jitter;
                    lock (_jitter) jitter = 0.5 + _jitter.NextDouble() / 2;
                    s.Status = SegmentStatus.Pending;
                    s.Error = $"Attempt {s.Attempts} failed: {execution.Error}";
                    s.NextAttemptAt = clock.GetUtcNow().AddSeconds(delay * jitter);
                    break;
                case ExecutionStatus.Cancelled:
                    s.Status = SegmentStatus.Cancelled;
                    s.Error = execution.Message;
                    s.FinishedAt = clock.GetUtcNow();
                    break;
                case ExecutionStatus.Pending when execution.RemoteCandidatesJson is not null:
                    // Several AMC executions could be this segment's lost submission: it waits for a person's choice.
                    s.Status = SegmentStatus.AwaitingChoice;
                    s.Error = execution.Message;
                    break;
                default:
                    // Still pending (interrupted by shutdown): leave it running; the next start resumes it.
                    break;
            }
        }, ct);
        if (execution.Status == ExecutionStatus.Failed) logger.LogInformation("Segment {Index} of collection {Collection} failed: {Error}", segment.Index, collection.Id, execution.Error);
    }

    private async Task UpdateSegmentAsync(long id, Action<CollectionSegment> apply, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var segment = await db.CollectionSegments.SingleAsync(s => s.Id == id, ct);
        apply(segment);
        if (segment.Error is { Length: > 2000 } e) segment.Error = e[..2000];
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Succeeded when every segment did, failed when any failed for good; paused when what is left waits for a person's choice
    /// of AMC execution; a paused or cancelled collection keeps its status. Written only while this process owns it.
    /// </summary>
    private async Task FinishAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var collection = await db.DataCollections.SingleAsync(c => c.Id == id, ct);
        if (collection.RunnerId != node.Id) return;
        var counts = await db.CollectionSegments.Where(s => s.CollectionId == id).GroupBy(s => s.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        if (collection.Status == CollectionStatus.Running && !counts.ContainsKey(SegmentStatus.Pending) && !counts.ContainsKey(SegmentStatus.Running))
        {
            var awaiting = counts.GetValueOrDefault(SegmentStatus.AwaitingChoice);
            var failed = counts.GetValueOrDefault(SegmentStatus.Failed) + counts.GetValueOrDefault(SegmentStatus.Cancelled);
            if (awaiting > 0)
            {
                collection.Status = CollectionStatus.Paused;
                collection.Error = $"{awaiting} {(awaiting == 1 ? "segment awaits" : "segments await")} your choice: after a crash AMC lists more than one execution that could be "
                    + "the lost submission. Choose on the segment which one is its own; nothing is submitted again until then.";
            }
            else
            {
                collection.Status = failed == 0 ? CollectionStatus.Succeeded : CollectionStatus.Failed;
                collection.Error = failed == 0 ? null : $"{failed} of {counts.Values.Sum()} segments failed; retry the failed ones when the cause is fixed.";
                collection.FinishedAt = clock.GetUtcNow();
            }
        }
        collection.UpdatedAt = clock.GetUtcNow();
        collection.HeartbeatAt = null;
        collection.RunnerId = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Collection {Collection} was taken over by another process while it ended here", id);
            return;
        }
        notifier.Publish(new CollectionChange(id, collection.Status.ToString().ToLowerInvariant()));
    }
}
