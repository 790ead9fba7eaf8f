using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Reports;

public sealed record ExecutionRequest(DateTimeOffset? TimeWindowStart, DateTimeOffset? TimeWindowEnd);

public sealed record ResultPreview(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, int TotalRows);

public sealed record ExecutionView(
    string Id, string ReportId, string Status, int Attempts, long RowCount, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset TimeWindowStart, DateTimeOffset TimeWindowEnd, DateTimeOffset CreatedAt, string RequestedBy, string? Message,
    bool Unchanged, int ConflictCount, int SuppressedRows, long? SourceMs, long? MergeMs,
    IReadOnlyList<RowProblem>? Problems, JsonElement? Conflicts, ResultPreview? Preview, int? TemplateVersion = null,
    string Trigger = "manual", DateTimeOffset? NextAttemptAt = null, string? RemoteExecutionId = null, IReadOnlyList<RemoteCandidate>? Candidates = null)
{
    /// <summary>Waiting for a person to say which of <see cref="Candidates"/> is its lost AMC submission.</summary>
    public bool AwaitingChoice => Candidates is { Count: > 0 };
}

/// <summary>A person's answer to an execution awaiting a choice: the AMC execution that is its own, or <c>submitNew</c> (none of them is).</summary>
public sealed record RemoteChoiceInput(string? RemoteExecutionId, bool? SubmitNew = null);

/// <summary>A change of an execution's state, for live views.</summary>
public sealed record ExecutionChange(string ExecutionId, string ReportId, ExecutionStatus Status, string? Message);

public sealed class ExecutionNotifier(ILogger<ExecutionNotifier> logger) : Notifier<ExecutionChange>(logger);

/// <summary>
/// Ad-hoc runs of reports over a time window. Starting one only validates and records it (pending) and hands it to the
/// <see cref="ExecutionRunner"/>, so the call answers at once whatever the source's latency. Limits: one active run per
/// report and window, <see cref="ReportOptions.MaxActivePerUser"/> per user and
/// <see cref="ReportOptions.MaxActivePerInstance"/> per instance (429 beyond).
/// </summary>
public sealed class ExecutionService(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionQueue queue,
    Collections.ICollectionDispatcher collections,
    IOptions<ReportOptions> options,
    TimeProvider clock)
{
    public async Task<ExecutionView> StartAsync(Actor actor, string reportId, ExecutionRequest request, CancellationToken ct)
    {
        actor.EnsureCanAuthor("run reports");
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await ReportService.FindVisibleAsync(db, actor, reportId, ct);
        var (start, end) = ValidateWindow(request);
        var version = await TemplateService.FindVersionAsync(db, report.TemplateId, report.TemplateVersion, ct);
        ParameterBinder.Bind(TemplateRules.ParseParameters(version.ParametersJson), TemplateRules.ParseValues(report.ParametersJson), TemplateRules.WindowDates(start, end));

        var active = db.Executions.Where(e => e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running);
        if (await active.FirstOrDefaultAsync(e => e.ReportId == reportId && e.TimeWindowStart == start && e.TimeWindowEnd == end, ct) is { } running)
            throw new ConflictException($"Execution {running.Id} of this report is already {ExecutionStatuses.ToWire(running.Status)} for {start:yyyy-MM-dd}..{end:yyyy-MM-dd}; wait for it or cancel it.");
        var mine = await active.CountAsync(e => e.RequestedBy == actor.UserId && e.CollectionId == null, ct);
        if (mine >= options.Value.MaxActivePerUser)
            throw new RateLimitedException($"You have {mine} executions pending or running (the limit is {options.Value.MaxActivePerUser}); wait for one to finish.", TimeSpan.FromSeconds(30));
        var onInstance = await active.CountAsync(e => db.Reports.Any(r => r.Id == e.ReportId && r.SourceId == report.SourceId), ct);
        if (onInstance >= options.Value.MaxActivePerInstance)
            throw new RateLimitedException($"Instance '{report.SourceId}' already has {onInstance} executions pending or running (the limit is {options.Value.MaxActivePerInstance}); try again shortly.", TimeSpan.FromSeconds(30));

        var execution = new Execution
        {
            Id = Ids.New(), ReportId = reportId, TimeWindowStart = start, TimeWindowEnd = end, RequestedBy = actor.UserId,
            CreatedAt = clock.GetUtcNow(), Message = "Waiting for a worker",
        };
        db.Executions.Add(execution);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(execution.Id);
        return View(execution, detail: false);
    }

    public async Task<ExecutionView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return View(await FindVisibleAsync(db, actor, id, ct), detail: true);
    }

    public async Task<Page<ExecutionView>> ListAsync(Actor actor, string reportId, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await ReportService.FindVisibleAsync(db, actor, reportId, ct);
        // Newest first: ids are time-ordered (UUIDv7), so the keyset runs downwards.
        var query = db.Executions.AsNoTracking().Where(e => e.ReportId == reportId);
        if (page.After is { } after) query = query.Where(e => string.Compare(e.Id, after) < 0);
        var items = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(ct);
        var views = items.Take(page.Limit).Select(e => View(e, detail: false)).ToList();
        return new Page<ExecutionView>(views, items.Count > page.Limit ? views[^1].Id : null);
    }

    /// <summary>Cancels a pending or running execution (and the remote run, for AMC). A finished one answers 409.</summary>
    public async Task<ExecutionView> CancelAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var execution = await FindVisibleAsync(db, actor, id, ct);
        actor.EnsureCanAuthor("cancel executions");
        if (!execution.Status.IsActive()) throw new ConflictException($"Execution {id} already ended ({ExecutionStatuses.ToWire(execution.Status)}).");
        if (!queue.Cancel(id))
        {
            // Not picked up yet: cancel it in place (the worker skips anything no longer pending).
            await db.Executions.Where(e => e.Id == id && e.Status == ExecutionStatus.Pending).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, ExecutionStatus.Cancelled)
                .SetProperty(e => e.FinishedAt, clock.GetUtcNow())
                .SetProperty(e => e.Message, "Cancelled before it started"), ct);
        }
        await db.Entry(execution).ReloadAsync(ct);
        return View(execution, detail: true);
    }

    /// <summary>
    /// Settles an execution that waits for a person's choice (after a crash, AMC listed several executions that could be its
    /// lost submission): <see cref="RemoteChoiceInput.RemoteExecutionId"/> names the one that is its own — it is claimed for
    /// this execution, then polled and read, and nothing is submitted — or <see cref="RemoteChoiceInput.SubmitNew"/> says none
    /// of them is, and the run submits anew. A segment of a data collection goes back to its collection, which runs it.
    /// </summary>
    public async Task<ExecutionView> ChooseRemoteAsync(Actor actor, string id, RemoteChoiceInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var execution = await FindVisibleAsync(db, actor, id, ct);
        actor.EnsureCanAuthor("choose the AMC execution of a run");
        if (Candidates(execution) is not { Count: > 0 } candidates)
            throw new ConflictException($"Execution {id} is not waiting for a choice of AMC execution ({ExecutionStatuses.ToWire(execution.Status)}).");
        var listed = string.Join(", ", candidates.Select(c => c.RemoteExecutionId));
        var remote = string.IsNullOrWhiteSpace(input.RemoteExecutionId) ? null : input.RemoteExecutionId.Trim();
        if (remote is null && input.SubmitNew != true)
            throw new ValidationException("remoteExecutionId", $"Name the AMC execution that is this run's ({listed}), or send submitNew: true if none of them is.");
        if (remote is not null && input.SubmitNew == true)
            throw new ValidationException("submitNew", "Either name the AMC execution that is this run's, or submit a new one; not both.");
        if (remote is not null && candidates.All(c => c.RemoteExecutionId != remote))
            throw new ValidationException("remoteExecutionId", $"'{remote}' is not one of this run's candidates ({listed}).");

        var sourceId = await db.Reports.Where(r => r.Id == execution.ReportId).Select(r => r.SourceId).SingleAsync(ct);
        var resumeCollection = false;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (remote is not null)
            {
                var holder = await db.RemoteExecutionClaims.Where(c => c.SourceId == sourceId && c.RemoteExecutionId == remote).Select(c => c.ExecutionId).FirstOrDefaultAsync(ct);
                if (holder is not null && holder != id)
                    throw new ConflictException($"AMC execution {remote} has meanwhile been taken by run {holder}; choose another.");
                if (holder is null)
                {
                    db.RemoteExecutionClaims.Add(new RemoteExecutionClaim { SourceId = sourceId, RemoteExecutionId = remote, ExecutionId = id, ClaimedAt = clock.GetUtcNow() });
                    try
                    {
                        await db.SaveChangesAsync(ct);
                    }
                    catch (DbUpdateException)
                    {
                        throw new ConflictException($"AMC execution {remote} has meanwhile been taken by another run; reload and choose again.");
                    }
                }
            }
            var message = remote is null ? "None of the listed AMC executions is this run's: it submits anew" : $"AMC execution {remote} chosen as this run's; resuming it";
            var changed = await db.Executions.Where(e => e.Id == id && e.Status == ExecutionStatus.Pending && e.RemoteCandidatesJson != null).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.RemoteExecutionId, remote).SetProperty(e => e.SubmittingSince, (DateTimeOffset?)null)
                .SetProperty(e => e.RemoteCandidatesJson, (string?)null).SetProperty(e => e.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(e => e.Message, message), ct);
            if (changed == 0) throw new ConflictException($"Execution {id} changed meanwhile; reload it.");
            if (execution.CollectionId is { } collectionId)
            {
                await db.CollectionSegments.Where(s => s.CollectionId == collectionId && s.ExecutionId == id && s.Status == Domain.Collections.SegmentStatus.AwaitingChoice)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, Domain.Collections.SegmentStatus.Pending).SetProperty(s => s.Error, message)
                        .SetProperty(s => s.NextAttemptAt, (DateTimeOffset?)null), ct);
                // A collection paused because only choices were left runs again; one the user paused with work left stays paused.
                resumeCollection = await db.DataCollections.Where(c => c.Id == collectionId && c.Status == Domain.Collections.CollectionStatus.Paused
                        && !db.CollectionSegments.Any(s => s.CollectionId == collectionId && s.Status == Domain.Collections.SegmentStatus.Pending && s.ExecutionId != id))
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, Domain.Collections.CollectionStatus.Running).SetProperty(c => c.Error, (string?)null)
                        .SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), ct) > 0;
            }
            await transaction.CommitAsync(ct);
        }
        if (execution.CollectionId is null) queue.Enqueue(id);
        else if (resumeCollection) await collections.DispatchAsync(execution.CollectionId, ct);
        await db.Entry(execution).ReloadAsync(ct);
        return View(execution, detail: true);
    }


    private (DateTimeOffset Start, DateTimeOffset End) ValidateWindow(ExecutionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.TimeWindowStart is null) errors["timeWindowStart"] = ["Required: the window's first instant, ISO 8601 (e.g. 2025-01-06T00:00:00Z)."];
        if (request.TimeWindowEnd is null) errors["timeWindowEnd"] = ["Required: the instant after the window's end, ISO 8601."];
        if (errors.Count > 0) throw new ValidationException(errors);
        var start = request.TimeWindowStart!.Value.ToUniversalTime();
        var end = request.TimeWindowEnd!.Value.ToUniversalTime();
        if (end <= start) throw new ValidationException("timeWindowEnd", "The window must end after it starts.");
        if ((end - start).TotalDays > options.Value.MaxWindowDays)
            throw new ValidationException("timeWindowEnd", $"A window spans at most {options.Value.MaxWindowDays} days; use a data collection (backfill) for longer periods.");
        if (start > clock.GetUtcNow()) throw new ValidationException("timeWindowStart", "The window starts in the future; there is no data yet.");
        return (start, end);
    }

    private static async Task<Execution> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct)
    {
        var found = await db.Executions.Where(e => e.Id == id)
            .Join(db.Reports, e => e.ReportId, r => r.Id, (e, r) => new { Execution = e, r.SourceId })
            .FirstOrDefaultAsync(ct);
        return found is not null && actor.CanReadInstance(found.SourceId) ? found.Execution : throw new NotFoundException("Execution", id);
    }

    public static ExecutionView View(Execution e, bool detail) => new(
        e.Id, e.ReportId, ExecutionStatuses.ToWire(e.Status), e.Attempts, e.RowCount, e.Error, e.StartedAt, e.FinishedAt,
        e.TimeWindowStart, e.TimeWindowEnd, e.CreatedAt, e.RequestedBy, e.Message, e.Unchanged, e.ConflictCount, e.SuppressedRows,
        e.SourceMs, e.MergeMs,
        detail && e.ProblemsJson is not null ? JsonSerializer.Deserialize<List<RowProblem>>(e.ProblemsJson, TemplateRules.Json) : null,
        detail && e.ConflictsJson is not null ? JsonDocument.Parse(e.ConflictsJson).RootElement.Clone() : null,
        detail && e.PreviewJson is not null ? ReadPreview(e.PreviewJson) : null, e.TemplateVersion,
        e.Trigger, e.Status == ExecutionStatus.Pending ? e.NextAttemptAt : null, e.RemoteExecutionId, Candidates(e));

    /// <summary>The AMC executions a pending execution waits for a person to choose among, or null.</summary>
    public static IReadOnlyList<RemoteCandidate>? Candidates(Execution e) =>
        e.Status == ExecutionStatus.Pending && e.RemoteCandidatesJson is { } json ? JsonSerializer.Deserialize<List<RemoteCandidate>>(json, TemplateRules.Json) : null;

    private static ResultPreview? ReadPreview(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var columns = root.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(Value).ToArray()).ToList();
        return new ResultPreview(columns, rows, root.TryGetProperty("totalRows", out var total) ? total.GetInt32() : rows.Count);

        static object? Value(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => v.ToString(),
        };
    }
}

/// <summary>
/// Hands execution ids to the runner's workers (each id once while it waits here) and keeps each running one's cancellation.
/// </summary>
public sealed class ExecutionQueue
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<string, byte> _waiting = new();

    /// <summary>Queues it unless it already waits here or runs here; true when queued.</summary>
    public bool Enqueue(string executionId) =>
        !_running.ContainsKey(executionId) && _waiting.TryAdd(executionId, 0) && _channel.Writer.TryWrite(executionId);

    public ChannelReader<string> Reader => _channel.Reader;

    /// <summary>A worker took it from the queue.</summary>
    internal void Taken(string executionId) => _waiting.TryRemove(executionId, out _);

    internal void Started(string executionId, CancellationTokenSource cts) => _running[executionId] = cts;

    internal void Finished(string executionId) => _running.TryRemove(executionId, out _);

    public bool IsRunningHere(string executionId) => _running.ContainsKey(executionId);

    /// <summary>Signals a running execution to stop; false when it is not running in this process.</summary>
    public bool Cancel(string executionId)
    {
        if (!_running.TryGetValue(executionId, out var cts)) return false;
        cts.Cancel();
        return true;
    }
}
