using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

public sealed record CollectionInput(string? ReportId, DateTimeOffset? Start, DateTimeOffset? End, string? Granularity, int? MaxConcurrency);

/// <param name="Candidates">For a segment awaiting a choice: the AMC executions that could be its lost submission.</param>
public sealed record SegmentView(int Index, DateTimeOffset Start, DateTimeOffset End, string Status, int Attempts, long RowCount, string? Error,
    string? ExecutionId, DateTimeOffset? NextAttemptAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<Domain.Sources.RemoteCandidate>? Candidates = null);

public sealed record CollectionView(
    string Id, string ReportId, string ReportName, string SourceId, string Status, DateTimeOffset Start, DateTimeOffset End, string Granularity,
    int MaxConcurrency, int TotalSegments, int SucceededSegments, int FailedSegments, int RunningSegments, int PendingSegments, long RowCount,
    string? Error, string OwnerId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<SegmentView>? Segments,
    int AwaitingChoiceSegments = 0);

/// <summary>A change of a collection or one of its segments, for live views.</summary>
public sealed record CollectionChange(string CollectionId, string Status);

public sealed class CollectionNotifier(ILogger<CollectionNotifier> logger) : Notifier<CollectionChange>(logger);

/// <summary>
/// Data collections (backfills): create, read, pause, resume, cancel, retry the failed segments. The instance rule is the
/// report's: a collection of a report on an instance not granted is "not found". Running is the orchestrator's job.
/// </summary>
public sealed class CollectionService(
    IDbContextFactory<AnalyticsDbContext> factory,
    ICollectionDispatcher dispatcher,
    ExecutionQueue executions,
    CollectionNotifier notifier,
    IOptions<CollectionOptions> options,
    TimeProvider clock)
{
    public async Task<CollectionView> CreateAsync(Actor actor, CollectionInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("start data collections");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.ReportId)) errors["reportId"] = ["Choose the report to collect."];
        if (input.Start is null) errors["start"] = ["Required: the first instant of the period, ISO 8601."];
        if (input.End is null) errors["end"] = ["Required: the instant after the period, ISO 8601."];
        if (input.MaxConcurrency is < 1 or > 100) errors["maxConcurrency"] = ["Between 1 and 100 segments at once."];
        if (errors.Count > 0) throw new ValidationException(errors);
        if (input.Start > clock.GetUtcNow()) throw new ValidationException("start", "The period starts in the future; there is nothing to collect yet.");
        var granularity = (input.Granularity ?? "week").ToLowerInvariant();
        var windows = CollectionRules.Split(input.Start!.Value, input.End!.Value, granularity);

        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == input.ReportId, ct);
        if (report is null || !actor.CanReadInstance(report.SourceId)) throw new ValidationException("reportId", $"There is no report '{input.ReportId}' you can use.");
        var now = clock.GetUtcNow();
        var collection = new DataCollection
        {
            Id = Ids.New(), ReportId = report.Id, SourceId = report.SourceId, Start = input.Start.Value.ToUniversalTime(), End = input.End.Value.ToUniversalTime(),
            Granularity = granularity, MaxConcurrency = input.MaxConcurrency ?? options.Value.DefaultMaxConcurrency, OwnerId = actor.UserId,
            CreatedAt = now, UpdatedAt = now,
        };
        collection.Segments = windows.Select((w, i) => new CollectionSegment { CollectionId = collection.Id, Index = i, Start = w.Start, End = w.End }).ToList();
        db.DataCollections.Add(collection);
        await db.SaveChangesAsync(ct);
        await dispatcher.DispatchAsync(collection.Id, ct);
        return View(collection, report.Name, detail: true);
    }

    public async Task<CollectionView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var collection = await FindVisibleAsync(db, actor, id, ct);
        collection.Segments = await db.CollectionSegments.AsNoTracking().Where(s => s.CollectionId == id).OrderBy(s => s.Index).ToListAsync(ct);
        var name = await db.Reports.Where(r => r.Id == collection.ReportId).Select(r => r.Name).FirstOrDefaultAsync(ct) ?? collection.ReportId;
        var awaiting = collection.Segments.Where(s => s.Status == SegmentStatus.AwaitingChoice && s.ExecutionId != null).Select(s => s.ExecutionId!).ToList();
        var candidates = awaiting.Count == 0 ? new Dictionary<string, IReadOnlyList<Domain.Sources.RemoteCandidate>?>()
            : (await db.Executions.AsNoTracking().Where(e => awaiting.Contains(e.Id)).ToListAsync(ct)).ToDictionary(e => e.Id, ExecutionService.Candidates);
        return View(collection, name, detail: true, candidates);
    }

    public async Task<Page<CollectionView>> ListAsync(Actor actor, PageRequest page, string? reportId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.DataCollections.AsNoTracking();
        if (!actor.IsAdmin) query = query.Where(c => actor.InstanceIds.Contains(c.SourceId));
        if (!string.IsNullOrWhiteSpace(reportId)) query = query.Where(c => c.ReportId == reportId);
        if (page.After is { } after) query = query.Where(c => string.Compare(c.Id, after) < 0);
        var items = await query.OrderByDescending(c => c.Id).Take(page.Limit + 1).ToListAsync(ct);
        var ids = items.Select(c => c.Id).ToList();
        var segments = (await db.CollectionSegments.AsNoTracking().Where(s => ids.Contains(s.CollectionId)).ToListAsync(ct)).ToLookup(s => s.CollectionId);
        var reportIds = items.Select(c => c.ReportId).Distinct().ToList();
        var names = await db.Reports.Where(r => reportIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var views = items.Take(page.Limit).Select(c =>
        {
            c.Segments = segments[c.Id].ToList();
            return View(c, names.GetValueOrDefault(c.ReportId, c.ReportId), detail: false);
        }).ToList();
        return new Page<CollectionView>(views, items.Count > page.Limit ? views[^1].Id : null);
    }

    /// <summary>Stops starting segments; the running ones finish. Resume continues where it stopped.</summary>
    public Task<CollectionView> PauseAsync(Actor actor, string id, CancellationToken ct) =>
        TransitionAsync(actor, id, "pause", [CollectionStatus.Pending, CollectionStatus.Running], CollectionStatus.Paused, dispatch: false, ct);

    public Task<CollectionView> ResumeAsync(Actor actor, string id, CancellationToken ct) =>
        TransitionAsync(actor, id, "resume", [CollectionStatus.Paused], CollectionStatus.Running, dispatch: true, ct);

    /// <summary>Stops it: running segments are cancelled (and their remote runs), the rest will not run.</summary>
    public async Task<CollectionView> CancelAsync(Actor actor, string id, CancellationToken ct)
    {
        var view = await TransitionAsync(actor, id, "cancel", [CollectionStatus.Pending, CollectionStatus.Running, CollectionStatus.Paused], CollectionStatus.Cancelled, dispatch: false, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        foreach (var executionId in await db.CollectionSegments.Where(s => s.CollectionId == id && s.Status == SegmentStatus.Running && s.ExecutionId != null).Select(s => s.ExecutionId!).ToListAsync(ct))
            executions.Cancel(executionId);
        // Segments waiting for a choice of AMC execution will not get one: their runs end too.
        var awaiting = await db.CollectionSegments.Where(s => s.CollectionId == id && s.Status == SegmentStatus.AwaitingChoice && s.ExecutionId != null)
            .Select(s => s.ExecutionId!).ToListAsync(ct);
        await db.Executions.Where(e => awaiting.Contains(e.Id) && e.Status == ExecutionStatus.Pending).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.Status, ExecutionStatus.Cancelled).SetProperty(e => e.RemoteCandidatesJson, (string?)null)
            .SetProperty(e => e.Message, "Cancelled with its collection").SetProperty(e => e.FinishedAt, clock.GetUtcNow()), ct);
        await db.CollectionSegments.Where(s => s.CollectionId == id && (s.Status == SegmentStatus.Pending || s.Status == SegmentStatus.AwaitingChoice))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SegmentStatus.Cancelled).SetProperty(s => s.NextAttemptAt, (DateTimeOffset?)null), ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>Failed segments start over (attempts reset) and the collection runs again.</summary>
    public async Task<CollectionView> RetryFailedAsync(Actor actor, string id, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var collection = await FindVisibleAsync(db, actor, id, ct);
            actor.EnsureCanAuthor("retry data collections");
            if (collection.Status is CollectionStatus.Running or CollectionStatus.Pending)
                throw new ConflictException("The collection is still running; failed segments are retried once it ends, or pause it first.");
            var failed = await db.CollectionSegments.Where(s => s.CollectionId == id && (s.Status == SegmentStatus.Failed || s.Status == SegmentStatus.Cancelled))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SegmentStatus.Pending).SetProperty(s => s.Attempts, 0)
                    .SetProperty(s => s.NextAttemptAt, (DateTimeOffset?)null).SetProperty(s => s.Error, (string?)null), ct);
            if (failed == 0) throw new ConflictException("No segment failed or was cancelled; there is nothing to retry.");
            await db.DataCollections.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CollectionStatus.Running)
                .SetProperty(c => c.FinishedAt, (DateTimeOffset?)null).SetProperty(c => c.Error, (string?)null).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), ct);
        }
        notifier.Publish(new CollectionChange(id, "running"));
        await dispatcher.DispatchAsync(id, ct);
        return await GetAsync(actor, id, ct);
    }

    private async Task<CollectionView> TransitionAsync(Actor actor, string id, string verb, CollectionStatus[] from, CollectionStatus to, bool dispatch, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var collection = await FindVisibleAsync(db, actor, id, ct);
            actor.EnsureCanAuthor($"{verb} data collections");
            if (!from.Contains(collection.Status))
                throw new ConflictException($"A {collection.Status.ToString().ToLowerInvariant()} collection cannot {verb}.");
            var changed = await db.DataCollections.Where(c => c.Id == id && from.Contains(c.Status)).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, clock.GetUtcNow())
                .SetProperty(c => c.FinishedAt, c => to == CollectionStatus.Cancelled ? clock.GetUtcNow() : c.FinishedAt), ct);
            if (changed == 0) throw new ConflictException($"The collection changed meanwhile; reload and try to {verb} again.");
        }
        notifier.Publish(new CollectionChange(id, to.ToString().ToLowerInvariant()));
        if (dispatch) await dispatcher.DispatchAsync(id, ct);
        return await GetAsync(actor, id, ct);
    }

    private static async Task<DataCollection> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct)
    {
        var collection = await db.DataCollections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return collection is not null && actor.CanReadInstance(collection.SourceId) ? collection : throw new NotFoundException("Data collection", id);
    }

    public static CollectionView View(DataCollection c, string reportName, bool detail,
        IReadOnlyDictionary<string, IReadOnlyList<Domain.Sources.RemoteCandidate>?>? candidates = null)
    {
        var s = c.Segments;
        return new CollectionView(c.Id, c.ReportId, reportName, c.SourceId, c.Status.ToString().ToLowerInvariant(), c.Start, c.End, c.Granularity, c.MaxConcurrency,
            s.Count, s.Count(x => x.Status == SegmentStatus.Succeeded), s.Count(x => x.Status == SegmentStatus.Failed),
            s.Count(x => x.Status == SegmentStatus.Running), s.Count(x => x.Status == SegmentStatus.Pending), s.Sum(x => x.RowCount),
            c.Error, c.OwnerId, c.CreatedAt, c.StartedAt, c.FinishedAt,
            detail ? s.OrderBy(x => x.Index).Select(x => new SegmentView(x.Index, x.Start, x.End, SegmentStatuses.ToWire(x.Status), x.Attempts, x.RowCount,
                x.Error, x.ExecutionId, x.NextAttemptAt, x.StartedAt, x.FinishedAt,
                x.ExecutionId is { } e && candidates?.GetValueOrDefault(e) is { } listed ? listed : null)).ToList() : null,
            s.Count(x => x.Status == SegmentStatus.AwaitingChoice));
    }
}
