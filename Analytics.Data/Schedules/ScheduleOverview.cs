using System.Globalization;
using System.Text.Json;
using Analytics.Data.Reports;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Schedules;

/// <summary>The kinds of schedule the overview merges: a report's schedule, and a dashboard subscription.</summary>
public static class ScheduleKinds
{
    public const string Report = "report";
    public const string Subscription = "subscription";

    public static readonly string[] All = [Report, Subscription];
}

/// <summary>
/// One run of a schedule, whichever kind: a report execution (its window, the attempts of a scheduled window that was
/// retried, the last error) or a subscription delivery (the mail server's attempts). <see cref="Outcome"/> is the kind's own
/// word: pending, running, succeeded, failed, cancelled for reports; running, sent, failed for subscriptions.
/// </summary>
public sealed record ScheduleRunView(
    string Id, string Trigger, string Outcome, int Attempts, string? Error, string? Message, DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? WindowStart = null, DateTimeOffset? WindowEnd = null)
{
    public bool Failed => Outcome == "failed";
    public bool Active => Outcome is "pending" or "running";
    /// <summary>A scheduled window that took more than one attempt, or waits for its next one.</summary>
    public bool Retried => Attempts > 1 || NextAttemptAt is not null;
}

/// <summary>
/// One schedule in the merged list: what is scheduled (<see cref="Name"/>, of <see cref="Target"/>, a template or a
/// dashboard), on which instances, how often in words, the next run (null while paused) and the last run with its outcome.
/// <see cref="CanEdit"/>: the caller may pause, resume and edit it (its owner or an admin).
/// </summary>
public sealed record ScheduleRow(
    string Kind, string Id, string Name, string Target, IReadOnlyList<string> Instances, string Frequency, bool Paused,
    DateTimeOffset? NextRunAt, ScheduleRunView? LastRun, string OwnerId, string OwnerName, bool CanEdit)
{
    public string Key => $"{Kind}:{Id}";
}

/// <summary>
/// <c>GET /schedules</c> and the schedules page: <paramref name="Sort"/> is name, next (the default: soonest first, paused
/// last), last (latest run first), kind or owner; <paramref name="Kind"/> keeps one kind.
/// </summary>
public sealed record ScheduleListRequest(PageRequest Page, string? Sort = null, bool Descending = false, string? Kind = null);

/// <summary>A run-now that started: a report's execution runs in the background (<see cref="ExecutionId"/>), a subscription's delivery finished already.</summary>
public sealed record ScheduleRunStarted(string Kind, string Id, ScheduleRunView Run)
{
    public string? ExecutionId => Kind == ScheduleKinds.Report ? Run.Id : null;
}

/// <summary>
/// Every schedule the caller may see in one list — report schedules (reports on instances granted to them, as
/// <see cref="ReportService"/> shows them) and dashboard subscriptions (their own; admins see all) — and the actions
/// the schedules page offers on them. The rules stay in the kinds' services: pausing, resuming and running go through
/// <see cref="ReportService"/>, <see cref="ExecutionService"/> and <see cref="SubscriptionService"/>, which check the
/// actor. Schedules are few (one per scheduled report or subscription), so both kinds are read, merged, sorted and paged
/// in memory; the cursor is the offset into that order.
/// </summary>
public sealed class ScheduleOverview(
    IDbContextFactory<AnalyticsDbContext> factory,
    ReportService reports,
    ExecutionService executions,
    ScheduleService schedules,
    SubscriptionService subscriptions,
    ICronEngine cron,
    TimeProvider clock)
{
    public static readonly string[] Sorts = ["next", "name", "last", "kind", "owner"];
    public const int MaxRuns = 50;

    public async Task<Page<ScheduleRow>> ListAsync(Actor actor, ScheduleListRequest request, CancellationToken ct)
    {
        var sort = string.IsNullOrWhiteSpace(request.Sort) ? "next" : request.Sort.Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (!Sorts.Contains(sort)) errors["sort"] = [$"'{request.Sort}' is not a sort; use one of {string.Join(", ", Sorts)}."];
        var kind = string.IsNullOrWhiteSpace(request.Kind) ? null : request.Kind.Trim().ToLowerInvariant();
        if (kind is not null && !ScheduleKinds.All.Contains(kind)) errors["kind"] = [$"'{request.Kind}' is not a kind of schedule; use report or subscription."];
        var offset = 0;
        if (request.Page.After is { } after && (!int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
            errors["cursor"] = ["cursor is not one this API returned; omit it to start from the first page."];
        if (errors.Count > 0) throw new ValidationException(errors);

        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = new List<ScheduleRow>();
        if (kind is null or ScheduleKinds.Report) rows.AddRange(await ReportRowsAsync(db, actor, ct));
        if (kind is null or ScheduleKinds.Subscription) rows.AddRange(await SubscriptionRowsAsync(db, actor, ct));
        var ordered = Order(rows, sort, request.Descending).ToList();
        var items = ordered.Skip(offset).Take(request.Page.Limit).ToList();
        var next = offset + items.Count < ordered.Count ? (offset + items.Count).ToString(CultureInfo.InvariantCulture) : null;
        return new Page<ScheduleRow>(items, next);
    }

    /// <summary>One schedule, as the list shows it (404 when the caller may not see it).</summary>
    public async Task<ScheduleRow> GetAsync(Actor actor, string kind, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = KindOf(kind, id) == ScheduleKinds.Report ? await ReportRowsAsync(db, actor, ct, id) : await SubscriptionRowsAsync(db, actor, ct, id);
        return rows.SingleOrDefault() ?? throw new NotFoundException("Schedule", id);
    }

    /// <summary>
    /// The schedule's recent runs, newest first: for a report its executions outside data collections (a scheduled window
    /// that failed shows how many attempts it took, its last error and when the next attempt is due), for a subscription
    /// its deliveries.
    /// </summary>
    public async Task<IReadOnlyList<ScheduleRunView>> RunsAsync(Actor actor, string kind, string id, int limit, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, MaxRuns);
        if (KindOf(kind, id) == ScheduleKinds.Subscription)
            return (await subscriptions.RunsAsync(actor, id, new PageRequest(limit, null), ct)).Items.Select(ToRun).ToList();
        await using var db = await factory.CreateDbContextAsync(ct);
        await ReportService.FindVisibleAsync(db, actor, id, ct);
        var list = await db.Executions.AsNoTracking().Where(e => e.ReportId == id && e.CollectionId == null)
            .OrderByDescending(e => e.Id).Take(limit).ToListAsync(ct);
        return list.Select(ToRun).ToList();
    }

    /// <summary>Pauses or resumes a schedule; the kind's service decides who may (the owner or an admin).</summary>
    public async Task<ScheduleRow> SetPausedAsync(Actor actor, string kind, string id, bool paused, CancellationToken ct)
    {
        if (KindOf(kind, id) == ScheduleKinds.Report) await reports.SetSchedulePausedAsync(actor, id, paused, ct);
        else await subscriptions.SetEnabledAsync(actor, id, !paused, ct);
        return await GetAsync(actor, kind, id, ct);
    }

    /// <summary>
    /// Runs a schedule now: a report collects the window its schedule would collect if it fired now (an execution that
    /// runs in the background; follow it by its id), a subscription delivers now and answers when the mail server did.
    /// </summary>
    public async Task<ScheduleRunStarted> RunNowAsync(Actor actor, string kind, string id, CancellationToken ct)
    {
        if (KindOf(kind, id) == ScheduleKinds.Subscription)
            return new ScheduleRunStarted(ScheduleKinds.Subscription, id, ToRun(await subscriptions.RunNowAsync(actor, id, ct)));
        ReportSchedule schedule;
        SourceKind sourceKind;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var report = await ReportService.FindVisibleAsync(db, actor, id, ct);
            schedule = Parse(report.ScheduleJson) ?? throw new ConflictException($"Report '{report.Name}' has no schedule; run it from the reports page.");
            sourceKind = await db.Sources.AsNoTracking().Where(s => s.Id == report.SourceId).Select(s => s.Kind).SingleAsync(ct);
        }
        var (start, end) = schedules.WindowNow(schedule, sourceKind);
        var execution = await executions.StartAsync(actor, id, new ExecutionRequest(start, end), ct);
        return new ScheduleRunStarted(ScheduleKinds.Report, id, new ScheduleRunView(execution.Id, execution.Trigger, execution.Status, execution.Attempts,
            execution.Error, execution.Message, execution.CreatedAt, execution.StartedAt, execution.FinishedAt, execution.NextAttemptAt,
            execution.TimeWindowStart, execution.TimeWindowEnd));
    }

    private static string KindOf(string kind, string id) =>
        ScheduleKinds.All.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase)) ?? throw new NotFoundException("Schedule", $"{kind}:{id}");

    private static IEnumerable<ScheduleRow> Order(List<ScheduleRow> rows, string sort, bool descending)
    {
        // Ties fall back to the name, then the key, so pages never shuffle between requests.
        IOrderedEnumerable<ScheduleRow> ordered = sort switch
        {
            "name" => descending ? rows.OrderByDescending(r => r.Name, StringComparer.OrdinalIgnoreCase) : rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase),
            "last" => descending ? rows.OrderBy(r => r.LastRun?.RequestedAt ?? DateTimeOffset.MaxValue) : rows.OrderByDescending(r => r.LastRun?.RequestedAt ?? DateTimeOffset.MinValue),
            "kind" => descending ? rows.OrderByDescending(r => r.Kind, StringComparer.Ordinal) : rows.OrderBy(r => r.Kind, StringComparer.Ordinal),
            "owner" => descending ? rows.OrderByDescending(r => r.OwnerName, StringComparer.OrdinalIgnoreCase) : rows.OrderBy(r => r.OwnerName, StringComparer.OrdinalIgnoreCase),
            _ => descending ? rows.OrderByDescending(r => r.NextRunAt ?? DateTimeOffset.MinValue) : rows.OrderBy(r => r.NextRunAt ?? DateTimeOffset.MaxValue),
        };
        return ordered.ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Key, StringComparer.Ordinal);
    }

    private async Task<List<ScheduleRow>> ReportRowsAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct, string? onlyId = null)
    {
        var query = ReportService.Visible(db.Reports.AsNoTracking(), actor).Where(r => r.ScheduleJson != null);
        if (onlyId is not null) query = query.Where(r => r.Id == onlyId);
        var list = await query.Select(r => new { r.Id, r.Name, r.TemplateId, r.SourceId, r.ScheduleJson, r.NextRunAt, r.OwnerId }).ToListAsync(ct);
        if (list.Count == 0) return [];
        var ids = list.Select(r => r.Id).ToList();
        var templateIds = list.Select(r => r.TemplateId).Distinct().ToList();
        var sourceIds = list.Select(r => r.SourceId).Distinct().ToList();
        var templates = await db.Templates.AsNoTracking().Where(t => templateIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var sources = await db.Sources.AsNoTracking().Where(s => sourceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var owners = await OwnerNamesAsync(db, list.Select(r => r.OwnerId), ct);
        // Ids are time-ordered (UUIDv7): the greatest is the newest run. Segments of data collections are not the schedule's.
        var lastIds = await db.Executions.AsNoTracking().Where(e => ids.Contains(e.ReportId) && e.CollectionId == null)
            .GroupBy(e => e.ReportId).Select(g => g.Max(e => e.Id)).ToListAsync(ct);
        var last = (await db.Executions.AsNoTracking().Where(e => lastIds.Contains(e.Id)).ToListAsync(ct)).ToDictionary(e => e.ReportId);
        var now = clock.GetUtcNow();
        return list.Select(r =>
        {
            var schedule = Parse(r.ScheduleJson)!;
            // A resumed schedule gets its next run on the scheduler's next pass; until then, show when that will be.
            var next = schedule.Paused ? null : r.NextRunAt ?? schedule.NextOccurrence(now, cron.Next);
            return new ScheduleRow(ScheduleKinds.Report, r.Id, r.Name, templates.GetValueOrDefault(r.TemplateId, r.TemplateId),
                [sources.GetValueOrDefault(r.SourceId, r.SourceId)], (schedule with { Paused = false }).Describe(), schedule.Paused, next,
                last.TryGetValue(r.Id, out var e) ? ToRun(e) : null, r.OwnerId, owners.GetValueOrDefault(r.OwnerId, r.OwnerId), actor.CanEditOwnedBy(r.OwnerId));
        }).ToList();
    }

    private static async Task<List<ScheduleRow>> SubscriptionRowsAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct, string? onlyId = null)
    {
        var query = db.DashboardSubscriptions.AsNoTracking();
        // SubscriptionService's rule: a subscription is its owner's; admins manage everyone's.
        if (!actor.IsAdmin) query = query.Where(s => s.OwnerId == actor.UserId);
        if (onlyId is not null) query = query.Where(s => s.Id == onlyId);
        var list = await query.ToListAsync(ct);
        if (list.Count == 0) return [];
        var ids = list.Select(s => s.Id).ToList();
        var dashboardIds = list.Select(s => s.DashboardId).Distinct().ToList();
        var dashboards = await db.Dashboards.AsNoTracking().Where(d => dashboardIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var instanceIds = list.SelectMany(s => s.Filters.GetValueOrDefault(DashboardFilter.Instance) ?? []).Distinct().ToList();
        var sources = await db.Sources.AsNoTracking().Where(s => instanceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var owners = await OwnerNamesAsync(db, list.Select(s => s.OwnerId), ct);
        var lastIds = await db.SubscriptionRuns.AsNoTracking().Where(r => ids.Contains(r.SubscriptionId))
            .GroupBy(r => r.SubscriptionId).Select(g => g.Max(r => r.Id)).ToListAsync(ct);
        var last = (await db.SubscriptionRuns.AsNoTracking().Where(r => lastIds.Contains(r.Id))
            .Select(r => new { r.Id, r.SubscriptionId, r.Trigger, r.Outcome, r.Attempts, r.Error, r.ScheduledFor, r.StartedAt, r.FinishedAt })
            .ToListAsync(ct)).ToDictionary(r => r.SubscriptionId,
                r => new ScheduleRunView(r.Id, r.Trigger, r.Outcome, r.Attempts, r.Error, null, r.StartedAt, r.StartedAt, r.FinishedAt, null));
        return list.Select(s =>
        {
            // A subscription delivers the dashboard as it shows: on the instances its instance filter keeps, or all of the dashboard's.
            var instances = s.Filters.GetValueOrDefault(DashboardFilter.Instance) is { Count: > 0 } chosen
                ? chosen.Select(i => sources.GetValueOrDefault(i, i)).ToList()
                : ["All of the dashboard's"];
            return new ScheduleRow(ScheduleKinds.Subscription, s.Id, s.Name, dashboards.GetValueOrDefault(s.DashboardId, s.DashboardId), instances,
                (s.Schedule with { Paused = false }).Describe(), !s.Enabled, s.Enabled ? s.NextRunAt : null, last.GetValueOrDefault(s.Id),
                s.OwnerId, owners.GetValueOrDefault(s.OwnerId, s.OwnerId), actor.IsAdmin || actor.UserId == s.OwnerId);
        }).ToList();
    }

    private static async Task<Dictionary<string, string>> OwnerNamesAsync(AnalyticsDbContext db, IEnumerable<string> ownerIds, CancellationToken ct)
    {
        var ids = ownerIds.Distinct().ToList();
        return (await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct))
            .ToDictionary(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName);
    }

    private static ReportSchedule? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<ReportSchedule>(json, TemplateRules.Json);

    private static ScheduleRunView ToRun(Execution e) => new(e.Id, e.Trigger, ExecutionStatuses.ToWire(e.Status), e.Attempts, e.Error, e.Message,
        e.CreatedAt, e.StartedAt, e.FinishedAt, e.Status == ExecutionStatus.Pending ? e.NextAttemptAt : null, e.TimeWindowStart, e.TimeWindowEnd);

    private static ScheduleRunView ToRun(SubscriptionRunView r) =>
        new(r.Id, r.Trigger, r.Outcome, r.Attempts, r.Error, null, r.StartedAt, r.StartedAt, r.FinishedAt, null);
}
