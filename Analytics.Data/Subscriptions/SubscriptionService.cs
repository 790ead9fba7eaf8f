using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Reports;
using Analytics.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;
using ValidationException = Analytics.Domain.ValidationException;

namespace Analytics.Data.Subscriptions;

public sealed record SubscriptionScheduleInput(string? Kind, string? Time, List<string>? Days = null, int? DayOfMonth = null, string? Cron = null);

/// <summary>The wire shape of a subscription; <c>timeZone</c> is an IANA name, <c>preset</c> a time range preset.</summary>
public sealed record SubscriptionInput(
    string? DashboardId, string? Format, SubscriptionScheduleInput? Schedule, string? TimeZone, List<string>? Recipients,
    string? Name = null, string? Preset = null, Dictionary<string, List<string>>? Filters = null, bool? Enabled = null);

public sealed record SubscriptionScheduleView(string Kind, string Time, IReadOnlyList<string> Days, int? DayOfMonth, string? Cron);

public sealed record SubscriptionRunView(
    string Id, string SubscriptionId, DateTimeOffset ScheduledFor, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int Attempts, string Outcome, string? Error, string? FileName, string? ContentType, long? FileSize, bool FileStored, string? FileNote,
    int RecipientCount, string? DownloadUrl);

public sealed record SubscriptionView(
    string Id, string DashboardId, string DashboardName, string OwnerId, string Name, string Format, SubscriptionScheduleView Schedule,
    string ScheduleText, string TimeZone, IReadOnlyList<string> Recipients, string? Preset, Dictionary<string, List<string>> Filters,
    bool Enabled, DateTimeOffset? NextRunAt, SubscriptionRunView? LastRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A stored file of a run, for re-download; <see cref="Content"/> is null when it was not kept (<see cref="Note"/> says why).</summary>
public sealed record SubscriptionRunFile(string FileName, string ContentType, byte[]? Content, string? Note);

/// <summary>
/// Dashboard subscriptions: CRUD (anyone who can view a dashboard may subscribe it; owners and admins manage a
/// subscription), run-now, and the run history with re-download. Runs themselves (the due pass, rendering and sending)
/// are <see cref="SubscriptionRunner"/>'s.
/// </summary>
public sealed class SubscriptionService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    ExportService exports,
    ICronEngine cron,
    SubscriptionSafeguards safeguards,
    TimeProvider clock,
    SubscriptionRunner runner)
{
    public const int MaxRecipients = 50;
    public const int MaxFilterDimensions = 20;
    public const int MaxFilterValues = 200;

    public async Task<IReadOnlyList<SubscriptionView>> ListAsync(Actor actor, bool all, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.DashboardSubscriptions.AsNoTracking();
        if (!(all && actor.IsAdmin)) query = query.Where(s => s.OwnerId == actor.UserId);
        var list = await query.ToListAsync(ct);
        return await ViewsAsync(db, list, ct);
    }

    public async Task<SubscriptionView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var subscription = await FindVisibleAsync(db, actor, id, ct);
        return (await ViewsAsync(db, [subscription], ct))[0];
    }

    public async Task<SubscriptionView> CreateAsync(Actor actor, SubscriptionInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var subscription = new DashboardSubscription { Id = Ids.New(), DashboardId = "", OwnerId = actor.UserId, CreatedAt = now, UpdatedAt = now };
        await ApplyAsync(actor, subscription, input, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.DashboardSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, [subscription], ct))[0];
    }

    public async Task<SubscriptionView> UpdateAsync(Actor actor, string id, SubscriptionInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var subscription = await FindVisibleAsync(db, actor, id, ct, track: true);
        await ApplyAsync(actor, subscription, input, ct);
        subscription.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, [subscription], ct))[0];
    }

    /// <summary>Pauses (<paramref name="enabled"/> false) or resumes a subscription: its owner or an admin only (404 for anyone else).</summary>
    public async Task<SubscriptionView> SetEnabledAsync(Actor actor, string id, bool enabled, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var subscription = await FindVisibleAsync(db, actor, id, ct, track: true);
        subscription.Enabled = enabled;
        subscription.NextRunAt = enabled ? subscription.Schedule.NextOccurrence(clock.GetUtcNow(), cron.Next) : null;
        subscription.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, [subscription], ct))[0];
    }

    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var subscription = await FindVisibleAsync(db, actor, id, ct, track: true);
        db.DashboardSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Page<SubscriptionRunView>> RunsAsync(Actor actor, string id, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await FindVisibleAsync(db, actor, id, ct);
        var query = db.SubscriptionRuns.AsNoTracking().Where(r => r.SubscriptionId == id);
        if (page.After is { } after) query = query.Where(r => string.Compare(r.Id, after) < 0);
        var runs = await RunViews(query.OrderByDescending(r => r.Id)).Take(page.Limit + 1).ToListAsync(ct);
        var items = runs.Take(page.Limit).Select(WithUrl).ToList();
        return new Page<SubscriptionRunView>(items, runs.Count > page.Limit ? items[^1].Id : null);
    }

    /// <summary>A run's stored file: its subscription's owner or an admin only (404 for anyone else).</summary>
    public async Task<SubscriptionRunFile> FileAsync(Actor actor, string runId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.SubscriptionRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw new NotFoundException("Export", runId);
        var ownerId = await db.DashboardSubscriptions.Where(s => s.Id == run.SubscriptionId).Select(s => s.OwnerId).FirstOrDefaultAsync(ct);
        if (ownerId is null || !(actor.IsAdmin || ownerId == actor.UserId)) throw new NotFoundException("Export", runId);
        if (run.FileName is null) throw new NotFoundException("Export file", runId);
        return new SubscriptionRunFile(run.FileName, run.ContentType ?? "application/octet-stream", run.FileContent,
            run.FileContent is null ? run.FileNote ?? "The file was not kept." : null);
    }

    /// <summary>Runs a subscription now (as its owner, to its recipients) and returns the finished run. Limited per user.</summary>
    public async Task<SubscriptionRunView> RunNowAsync(Actor actor, string id, CancellationToken ct)
    {
        safeguards.EnsureRunNowAllowed(actor);
        DashboardSubscription subscription;
        SubscriptionRun run;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            subscription = await FindVisibleAsync(db, actor, id, ct);
            var now = clock.GetUtcNow();
            var runId = Ids.New();
            run = new SubscriptionRun
            {
                Id = runId, SubscriptionId = id, Slot = $"manual:{runId}", ScheduledFor = now, Trigger = "manual", RequestedBy = actor.UserId,
                StartedAt = now, RecipientCount = subscription.Recipients.Count,
            };
            db.SubscriptionRuns.Add(run);
            await db.SaveChangesAsync(ct);
        }
        return WithUrl(await runner.ExecuteAsync(subscription, run, ct));
    }

    private async Task ApplyAsync(Actor actor, DashboardSubscription s, SubscriptionInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        string? dashboardName = null;
        if (string.IsNullOrWhiteSpace(input.DashboardId)) errors["dashboardId"] = ["Choose the dashboard to deliver."];
        else
        {
            try { dashboardName = (await dashboards.GetAsync(actor, input.DashboardId, ct)).Name; }
            catch (NotFoundException) { errors["dashboardId"] = [$"No dashboard '{input.DashboardId}' that you can view."]; }
        }

        var format = input.Format?.Trim().ToLowerInvariant();
        if (format is null || !exports.Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            errors["format"] = [$"Format must be one of {string.Join(", ", exports.Formats)}."];

        ReportSchedule? schedule = null;
        if (input.Schedule is null) errors["schedule"] = ["Give a schedule: { kind: daily|weekly|monthly|cron, time: \"HH:mm\", days?, dayOfMonth?, cron? }."];
        else
        {
            schedule = new ReportSchedule
            {
                Kind = input.Schedule.Kind?.Trim().ToLowerInvariant() ?? "",
                Time = input.Schedule.Time ?? "",
                Days = (input.Schedule.Days ?? []).Select(d => d.Trim().ToLowerInvariant()).ToList(),
                DayOfMonth = input.Schedule.DayOfMonth,
                Cron = input.Schedule.Cron,
                TimeZone = string.IsNullOrWhiteSpace(input.TimeZone) ? "UTC" : input.TimeZone.Trim(),
            };
            try { schedule.Validate(); }
            catch (ValidationException e)
            {
                foreach (var (key, messages) in e.Errors) errors[key == "schedule.timeZone" ? "timeZone" : key] = messages;
            }
            if (schedule.Kind == "cron" && !string.IsNullOrWhiteSpace(schedule.Cron) && cron.Validate(schedule.Cron) is { } cronError)
                errors["schedule.cron"] = [cronError];
        }

        var recipients = (input.Recipients ?? []).Select(r => r?.Trim() ?? "").Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count > MaxRecipients) errors["recipients"] = [$"At most {MaxRecipients} recipients."];
        else
        {
            try
            {
                ExportMailer.Recipients(recipients);
                (await safeguards.RecipientDomainsAsync(ct)).Check(input.Recipients ?? [], errors);
            }
            catch (ValidationException e) { errors["recipients"] = e.Errors["recipients"]; }
        }

        var preset = string.IsNullOrWhiteSpace(input.Preset) ? null : input.Preset.Trim();
        if (preset is not null && !DateRangePresets.Names.Contains(preset))
            errors["preset"] = [$"Unknown preset '{preset}'; use one of {string.Join(", ", DateRangePresets.Names)}."];

        var filters = input.Filters ?? [];
        if (filters.Count > MaxFilterDimensions) errors["filters"] = [$"At most {MaxFilterDimensions} filtered dimensions."];
        foreach (var (dimension, values) in filters)
        {
            if (string.IsNullOrWhiteSpace(dimension) || dimension.Length > 100) errors["filters"] = ["Each filter names a dimension (up to 100 characters)."];
            else if (dimension == DashboardFilter.Time) errors[$"filters.{dimension}"] = ["Use preset for the time range."];
            else if (values is null || values.Count is 0 or > MaxFilterValues) errors[$"filters.{dimension}"] = [$"Give 1 to {MaxFilterValues} values."];
        }

        var name = input.Name?.Trim();
        if (name is { Length: > 200 }) errors["name"] = ["At most 200 characters."];
        if (errors.Count > 0) throw new ValidationException(errors);

        s.DashboardId = input.DashboardId!;
        s.Name = string.IsNullOrEmpty(name) ? dashboardName! : name;
        s.Format = format!;
        s.Schedule = schedule!;
        s.Recipients = recipients;
        s.Preset = preset;
        s.Filters = filters.ToDictionary(f => f.Key, f => f.Value.ToList());
        s.Enabled = input.Enabled ?? s.Enabled;
        s.NextRunAt = s.Enabled ? s.Schedule.NextOccurrence(clock.GetUtcNow(), cron.Next) : null;
    }

    private static async Task<DashboardSubscription> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct, bool track = false)
    {
        var query = track ? db.DashboardSubscriptions : db.DashboardSubscriptions.AsNoTracking();
        var subscription = await query.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null || !(actor.IsAdmin || subscription.OwnerId == actor.UserId)) throw new NotFoundException("Subscription", id);
        return subscription;
    }

    private static IQueryable<SubscriptionRunView> RunViews(IQueryable<SubscriptionRun> runs) => runs.Select(r => new SubscriptionRunView(
        r.Id, r.SubscriptionId, r.ScheduledFor, r.Trigger, r.StartedAt, r.FinishedAt, r.Attempts, r.Outcome, r.Error, r.FileName, r.ContentType,
        r.FileSize, r.FileContent != null, r.FileNote, r.RecipientCount, null));

    internal static SubscriptionRunView ToView(SubscriptionRun r) => WithUrl(new SubscriptionRunView(
        r.Id, r.SubscriptionId, r.ScheduledFor, r.Trigger, r.StartedAt, r.FinishedAt, r.Attempts, r.Outcome, r.Error, r.FileName, r.ContentType,
        r.FileSize, r.FileContent != null, r.FileNote, r.RecipientCount, null));

    private static SubscriptionRunView WithUrl(SubscriptionRunView run) =>
        run with { DownloadUrl = run.FileStored ? $"/api/v1/exports/{run.Id}/file" : null };

    private static async Task<IReadOnlyList<SubscriptionView>> ViewsAsync(AnalyticsDbContext db, IReadOnlyList<DashboardSubscription> list, CancellationToken ct)
    {
        var dashboardIds = list.Select(s => s.DashboardId).Distinct().ToList();
        var names = await db.Dashboards.AsNoTracking().Where(d => dashboardIds.Contains(d.Id)).Select(d => new { d.Id, d.Name }).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var ids = list.Select(s => s.Id).ToList();
        var lastIds = await db.SubscriptionRuns.AsNoTracking().Where(r => ids.Contains(r.SubscriptionId))
            .GroupBy(r => r.SubscriptionId).Select(g => g.Max(r => r.Id)).ToListAsync(ct);
        var last = (await RunViews(db.SubscriptionRuns.AsNoTracking().Where(r => lastIds.Contains(r.Id))).ToListAsync(ct))
            .ToDictionary(r => r.SubscriptionId, WithUrl);
        return list.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s => new SubscriptionView(
            s.Id, s.DashboardId, names.GetValueOrDefault(s.DashboardId, s.DashboardId), s.OwnerId, s.Name, s.Format,
            new SubscriptionScheduleView(s.Schedule.Kind, s.Schedule.Time, s.Schedule.Days, s.Schedule.DayOfMonth, s.Schedule.Cron),
            s.Schedule.Describe(), s.Schedule.TimeZone, s.Recipients, s.Preset, s.Filters, s.Enabled, s.NextRunAt, last.GetValueOrDefault(s.Id),
            s.CreatedAt, s.UpdatedAt)).ToList();
    }
}
