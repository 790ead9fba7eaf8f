using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ValidationException = Analytics.Domain.ValidationException;

namespace Analytics.Data.Subscriptions;

/// <summary>
/// Runs subscriptions: the due pass the jobs layer calls and the delivery of one run. Each run renders the dashboard as
/// the subscription's owner sees it at run time, is recorded as <c>running</c> before anything is sent and ends
/// <c>sent</c> only when the SMTP server accepted the message (<see cref="ExportDelivery"/>, which retries temporary
/// failures with a doubling delay). A slot is claimed by a unique run row, so two processes never send it twice.
/// </summary>
public sealed class SubscriptionRunner(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardExportService dashboardExports,
    ExportDelivery delivery,
    ICronEngine cron,
    SubscriptionSafeguards safeguards,
    IOptions<SubscriptionOptions> options,
    TimeProvider clock,
    ILogger<SubscriptionRunner> logger)
{
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
    internal async Task<SubscriptionRunView> ExecuteAsync(DashboardSubscription subscription, SubscriptionRun claimed, CancellationToken ct)
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
        return SubscriptionService.ToView(run);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
