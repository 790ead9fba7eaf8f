using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Reports;
using Analytics.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// subscription), the due pass the jobs layer calls, run-now, and the run history with re-download. Each run renders the
/// dashboard as the subscription's owner sees it at run time, is recorded as <c>running</c> before anything is sent and
/// ends <c>sent</c> only when the SMTP server accepted the message (<see cref="ExportDelivery"/>, which retries temporary
/// failures with a doubling delay).
/// </summary>
public sealed class SubscriptionService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardExportService dashboardExports,
    ExportService exports,
    ExportDelivery delivery,
    ICronEngine cron,
    SubscriptionSafeguards safeguards,
    IOptions<SubscriptionOptions> options,
    TimeProvider clock,
    ILogger<SubscriptionService> logger)
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
        return WithUrl(await ExecuteAsync(subscription, run, ct));
    }

    /// <summary>
    /// One pass of the scheduler: marks runs orphaned by a dead process failed, then for each enabled subscription whose
    /// next run has come claims that slot (a run row, unique per slot, saved together with the moved-on next run) and
    /// only then renders and sends. Missed slots (the app was down) collapse into one run.
    /// </summary>
    public async Task<IReadOnlyList<SubscriptionRunView>> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await FailStaleRunsAsync(now, ct);
        List<string> dueIds;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            dueIds = await db.DashboardSubscriptions.AsNoTracking()
                .Where(s => s.Enabled && (s.NextRunAt == null || s.NextRunAt <= now))
                .OrderBy(s => s.NextRunAt).Select(s => s.Id).ToListAsync(ct);
        }
        var results = new List<SubscriptionRunView>();
        foreach (var id in dueIds)
        {
            var claimed = await ClaimAsync(id, now, ct);
            if (claimed is null) continue;
            results.Add(await ExecuteAsync(claimed.Value.Subscription, claimed.Value.Run, ct));
        }
        return results;
    }

    private async Task<(DashboardSubscription Subscription, SubscriptionRun Run)?> ClaimAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var subscription = await db.DashboardSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null || !subscription.Enabled) return null;
        if (subscription.NextRunAt is null)
        {
            subscription.NextRunAt = subscription.Schedule.NextOccurrence(now, cron.Next);
            await db.SaveChangesAsync(ct);
            return null;
        }
        if (subscription.NextRunAt > now) return null;
        var slot = subscription.NextRunAt.Value;
        var run = new SubscriptionRun
        {
            Id = Ids.New(), SubscriptionId = id, Slot = $"schedule:{slot.UtcTicks}", ScheduledFor = slot, Trigger = "schedule",
            StartedAt = now, RecipientCount = subscription.Recipients.Count,
        };
        db.SubscriptionRuns.Add(run);
        subscription.NextRunAt = subscription.Schedule.NextOccurrence(now, cron.Next);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another process claimed this slot first: it sends, we do not.
            return null;
        }
        return (subscription, run);
    }

    private async Task FailStaleRunsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - TimeSpan.FromMinutes(options.Value.StaleRunMinutes);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stale = await db.SubscriptionRuns.Where(r => r.Outcome == SubscriptionRunOutcome.Running && r.StartedAt < cutoff).ToListAsync(ct);
        foreach (var run in stale)
        {
            run.Outcome = SubscriptionRunOutcome.Failed;
            run.FinishedAt = now;
            run.Error = "Interrupted: the app stopped before the mail server's answer was recorded. Not sent again, to avoid a duplicate; use Run now to deliver it.";
        }
        if (stale.Count > 0) await db.SaveChangesAsync(ct);
    }

    /// <summary>Renders as the owner, keeps the file (up to the cap), sends, and records what really happened.</summary>
    private async Task<SubscriptionRunView> ExecuteAsync(DashboardSubscription subscription, SubscriptionRun claimed, CancellationToken ct)
    {
        string? error = null;
        var attempts = 0;
        var sent = false;
        string? fileName = null, contentType = null, fileNote = null;
        long? fileSize = null;
        byte[]? content = null;
        try
        {
            var owner = await new ActorResolver(factory).ResolveAsync(subscription.OwnerId, ct)
                ?? throw new ForbiddenException("The subscription's owner no longer exists or is disabled.");
            // The allowed domains may have narrowed since the subscription was saved: nothing goes outside them.
            var domains = await safeguards.RecipientDomainsAsync(ct);
            var outside = subscription.Recipients.Where(r => !domains.Allows(r)).ToList();
            if (outside.Count > 0)
                throw new ForbiddenException($"Not sent: {string.Join(", ", outside)} {(outside.Count == 1 ? "is" : "are")} outside {domains.Describe()}. Edit the subscription's recipients.");
            var request = new DashboardExportRequest(subscription.Format, new DashboardDataRequest(
                Preset: subscription.Preset,
                Filters: subscription.Filters.Count == 0 ? null : subscription.Filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList())));
            RenderedExport rendered;
            try
            {
                // Recorded in the export history as the owner's, with trigger "subscription" and this run's id.
                rendered = await dashboardExports.RenderAsync(owner, subscription.DashboardId, request,
                    ExportOrigin.Subscription(subscription.Id, subscription.Name, claimed.Id), ct);
            }
            catch (NotFoundException)
            {
                throw new ForbiddenException("The subscription's owner can no longer see this dashboard.");
            }
            await using var _ = rendered;
            var document = rendered.Document;
            var file = rendered.File;
            fileName = file.FileName;
            contentType = file.ContentType;
            fileSize = file.Length;
            if (file.Length <= options.Value.MaxStoredFileBytes)
            {
                content = new byte[file.Length];
                file.Content.Position = 0;
                await file.Content.ReadExactlyAsync(content, ct);
            }
            else
            {
                fileNote = $"Not kept for re-download: {file.Length:N0} bytes is over the {options.Value.MaxStoredFileBytes:N0}-byte cap (Analytics:Subscriptions:MaxStoredFileBytes).";
            }
            var outcome = await delivery.DeliverFileAsync(document, subscription.Format, file, subscription.Recipients, ct);
            attempts = outcome.Attempts;
            sent = outcome.Sent;
            error = outcome.Error;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            error = "Cancelled (request aborted or app stopping) before the mail server confirmed delivery; it may not have arrived.";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}"))) : e.Message;
            logger.LogWarning(e, "Subscription {Subscription} could not be delivered", subscription.Id);
        }

        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        var run = await db.SubscriptionRuns.SingleAsync(r => r.Id == claimed.Id, CancellationToken.None);
        run.Outcome = sent ? SubscriptionRunOutcome.Sent : SubscriptionRunOutcome.Failed;
        run.Error = sent ? null : Truncate(error ?? "Not delivered.", 4000);
        run.Attempts = attempts;
        run.FinishedAt = clock.GetUtcNow();
        run.FileName = fileName;
        run.ContentType = contentType;
        run.FileSize = fileSize;
        run.FileContent = content;
        run.FileNote = fileNote;
        await db.SaveChangesAsync(CancellationToken.None);
        return ToView(run);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

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

    private static SubscriptionRunView ToView(SubscriptionRun r) => WithUrl(new SubscriptionRunView(
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
