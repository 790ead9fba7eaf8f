using System.Globalization;
using System.Text;
using Analytics.Data.Dashboards;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Identity;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Domain.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Insights;

public sealed record InsightDeliveryRunResult(int Messages, int Sent, int Failed, int Skipped);

public sealed record InsightDeliveryView(string Id, string InsightId, string InsightTitle, string Channel, string Frequency, string Status,
    int Attempts, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

/// <summary>
/// Takes new insights to the people who want them, on each channel (in-app bell, e-mail through <c>Analytics:Smtp</c>)
/// at each one's chosen frequency. Every (insight, user, channel) is one <see cref="InsightDelivery"/> row, queued when
/// the insight is first found: <c>immediately</c> ones go out at once (one e-mail per user per scan), <c>daily</c> and
/// <c>weekly</c> ones wait for the digest job, which sends one message listing everything queued since the last digest.
/// A row is <c>sent</c> only once the bell has it or the SMTP server accepted the message; a failed send is recorded as
/// <c>failed</c> with the reason and retried by the next digest run up to <see cref="MaxAttempts"/> tries. Since there is
/// only one row per insight, user and channel, nobody gets the same insight twice on a channel.
/// </summary>
public sealed class InsightDeliveryService(
    IDbContextFactory<AnalyticsDbContext> factory,
    NotificationService notifications,
    ExportMailer mailer,
    IOptions<InsightOptions> options,
    TimeProvider clock,
    ILogger<InsightDeliveryService> logger)
{
    public const int MaxAttempts = 3;
    private static readonly InsightChannel[] Channels = [InsightChannel.InApp, InsightChannel.Email];

    /// <summary>Queues the new insights for their readers and sends the immediate ones; returns how many bell notifications went out.</summary>
    public async Task<int> DeliverNewAsync(IReadOnlyList<Insight> created, CancellationToken ct)
    {
        if (created.Count == 0) return 0;
        var now = clock.GetUtcNow();
        var queued = new List<InsightDelivery>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var readers = await ReadersAsync(db, ct);
            var dashboardsOf = new Dictionary<string, IReadOnlySet<string>>();
            foreach (var insight in created)
            {
                foreach (var reader in readers.Where(r => r.CanRead(insight)))
                {
                    // A dashboard's summary goes only to those who may open the dashboard.
                    if (insight.DashboardId is { } dashboard)
                    {
                        if (!dashboardsOf.TryGetValue(reader.Id, out var visible))
                            dashboardsOf[reader.Id] = visible = await DashboardService.VisibleIdsAsync(db, reader.Id, reader.Admin, ct);
                        if (!visible.Contains(dashboard)) continue;
                    }
                    foreach (var channel in Channels)
                    {
                        var choice = reader.Preferences.For(channel);
                        if (!choice.Wants(insight.Type, insight.Priority)) continue;
                        if (channel == InsightChannel.Email && (!mailer.IsConfigured || string.IsNullOrWhiteSpace(reader.Email))) continue;
                        queued.Add(new InsightDelivery
                        {
                            Id = Ids.New(), InsightId = insight.Id, UserId = reader.Id, Channel = channel, Frequency = choice.Frequency,
                            Status = InsightDeliveryStatus.Pending, CreatedAt = now,
                        });
                    }
                }
            }
            db.InsightDeliveries.AddRange(queued);
            await db.SaveChangesAsync(ct);
        }
        var immediate = queued.Where(q => q.Frequency == InsightFrequency.Immediately).ToList();
        var result = await SendAsync(immediate.Select(d => d.Id).ToList(), digest: null, ct);
        return result.InApp;
    }

    /// <summary>
    /// The digest pass (the digest job, daily): for each user and channel, one message with everything due — daily
    /// choices every run, weekly ones on Mondays (or when the last weekly digest is a week old), and earlier failed
    /// sends under <see cref="MaxAttempts"/>. Queued rows of a channel the user has since turned off are skipped.
    /// </summary>
    public async Task<InsightDeliveryRunResult> SendDigestsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = new List<string>();
        var skipped = 0;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var open = await db.InsightDeliveries
                .Where(d => d.Status == InsightDeliveryStatus.Pending || (d.Status == InsightDeliveryStatus.Failed && d.Attempts < MaxAttempts))
                .ToListAsync(ct);
            var userIds = open.Select(d => d.UserId).Distinct().ToList();
            var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
                .Select(u => new { u.Id, u.Disabled, u.InsightNotificationsJson }).ToDictionaryAsync(u => u.Id, ct);
            foreach (var group in open.GroupBy(d => (d.UserId, d.Channel)))
            {
                var user = users.GetValueOrDefault(group.Key.UserId);
                var choice = UserPreferencesService.ReadInsights(user?.InsightNotificationsJson).For(group.Key.Channel);
                if (user is null || user.Disabled || choice.Frequency == InsightFrequency.Off)
                {
                    foreach (var d in group.Where(d => d.Status == InsightDeliveryStatus.Pending)) { d.Status = InsightDeliveryStatus.Skipped; skipped++; }
                    continue;
                }
                var lastDigest = await db.InsightDeliveries
                    .Where(d => d.UserId == group.Key.UserId && d.Channel == group.Key.Channel && d.Status == InsightDeliveryStatus.Sent && d.Frequency == InsightFrequency.Weekly)
                    .MaxAsync(d => d.SentAt, ct);
                var weeklyDue = now.UtcDateTime.DayOfWeek == options.Value.WeeklyDigestDay || lastDigest is { } last && now - last >= TimeSpan.FromDays(7) - TimeSpan.FromHours(1);
                var send = choice.Frequency != InsightFrequency.Weekly || weeklyDue;
                foreach (var d in group)
                {
                    if (d.Status == InsightDeliveryStatus.Failed || send)
                    {
                        if (d.Status == InsightDeliveryStatus.Pending) d.Frequency = choice.Frequency == InsightFrequency.Immediately ? d.Frequency : choice.Frequency;
                        due.Add(d.Id);
                    }
                }
            }
            await db.SaveChangesAsync(ct);
        }
        var result = await SendAsync(due, digest: true, ct);
        logger.LogInformation("Insight digests: {Messages} messages, {Sent} deliveries sent, {Failed} failed, {Skipped} skipped", result.Messages, result.Sent, result.Failed, skipped);
        return new InsightDeliveryRunResult(result.Messages, result.Sent, result.Failed, skipped);
    }

    /// <summary>The actor's own deliveries, newest first (what reached them, what failed and why).</summary>
    public async Task<IReadOnlyList<InsightDeliveryView>> ListAsync(Actor actor, int limit, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.InsightDeliveries.AsNoTracking().Where(d => d.UserId == actor.UserId)
            .OrderByDescending(d => d.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        var ids = rows.Select(r => r.InsightId).Distinct().ToList();
        var titles = await db.Insights.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Title, ct);
        return rows.Select(d => new InsightDeliveryView(d.Id, d.InsightId, titles.GetValueOrDefault(d.InsightId, ""), Wire(d.Channel), d.Frequency,
            d.Status.ToString().ToLowerInvariant(), d.Attempts, d.Error, d.CreatedAt, d.SentAt)).ToList();
    }

    public static string Wire(InsightChannel channel) => channel == InsightChannel.Email ? "email" : "inApp";

    // ---------------------------------------------------------------- sending

    private sealed record SendResult(int Messages, int Sent, int Failed, int InApp);

    /// <param name="digest">null: immediate (in-app one notification per insight; e-mail one message per user); true: one digest message per user and channel.</param>
    private async Task<SendResult> SendAsync(IReadOnlyList<string> deliveryIds, bool? digest, CancellationToken ct)
    {
        if (deliveryIds.Count == 0) return new SendResult(0, 0, 0, 0);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.InsightDeliveries.Where(d => deliveryIds.Contains(d.Id)).ToListAsync(ct);
        var insightIds = rows.Select(r => r.InsightId).Distinct().ToList();
        var insights = await db.Insights.AsNoTracking().Where(i => insightIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var sourceIds = insights.Values.SelectMany(i => i.Instances).Distinct().ToList();
        var sourceNames = await db.Sources.AsNoTracking().Where(s => sourceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        int messages = 0, sent = 0, failed = 0, inApp = 0;

        foreach (var group in rows.Where(r => insights.ContainsKey(r.InsightId)).GroupBy(r => (r.UserId, r.Channel)).OrderBy(g => g.Key.UserId, StringComparer.Ordinal))
        {
            var batch = group.OrderByDescending(d => insights[d.InsightId].Priority).ThenBy(d => d.InsightId, StringComparer.Ordinal).ToList();
            var items = batch.Select(d => insights[d.InsightId]).ToList();
            if (group.Key.Channel == InsightChannel.InApp)
            {
                if (digest is null)
                {
                    foreach (var d in batch)
                    {
                        var i = insights[d.InsightId];
                        await notifications.NotifyAsync(d.UserId, "insight", i.Title, i.Text, InsightComposer.Link(null, i), ct);
                        Mark(d, sent: true, Ids.New(), null);
                        messages++; sent++; inApp++;
                    }
                }
                else
                {
                    var title = $"{items.Count} new insight{(items.Count == 1 ? "" : "s")} ({FrequencyLabel(batch)} digest)";
                    await notifications.NotifyAsync(group.Key.UserId, "insight", title, string.Join(" · ", items.Select(i => i.Title)), "/insights", ct);
                    var message = Ids.New();
                    foreach (var d in batch) Mark(d, sent: true, message, null);
                    messages++; sent += batch.Count; inApp++;
                }
                continue;
            }

            var to = emails.GetValueOrDefault(group.Key.UserId);
            var email = digest is true || items.Count > 1
                ? InsightComposer.Digest(items, digest is true ? FrequencyLabel(batch) : null, options.Value.PublicBaseUrl, sourceNames)
                : InsightComposer.Single(items[0], options.Value.PublicBaseUrl, sourceNames);
            DeliveryOutcome outcome;
            try
            {
                outcome = string.IsNullOrWhiteSpace(to)
                    ? new DeliveryOutcome(DeliveryStatus.Failed, 0, clock.GetUtcNow(), "The user has no e-mail address.")
                    : await mailer.SendAsync(new ExportEmail([to], email.Subject, email.Body), ct);
            }
            catch (ValidationException e)
            {
                outcome = new DeliveryOutcome(DeliveryStatus.Failed, 0, clock.GetUtcNow(), string.Join(" ", e.Errors.SelectMany(x => x.Value)));
            }
            var id = Ids.New();
            foreach (var d in batch) Mark(d, outcome.Sent, id, outcome.Error);
            messages++;
            if (outcome.Sent) sent += batch.Count;
            else
            {
                failed += batch.Count;
                logger.LogWarning("Insight e-mail to user {User} failed: {Error}", group.Key.UserId, outcome.Error);
            }
        }
        await db.SaveChangesAsync(ct);
        return new SendResult(messages, sent, failed, inApp);
    }

    private void Mark(InsightDelivery d, bool sent, string message, string? error)
    {
        d.Attempts++;
        d.MessageId = message;
        d.Status = sent ? InsightDeliveryStatus.Sent : InsightDeliveryStatus.Failed;
        var reason = error ?? "Not sent.";
        d.Error = sent ? null : reason.Length > 2000 ? reason[..2000] : reason;
        if (sent) d.SentAt = clock.GetUtcNow();
    }

    private static string FrequencyLabel(IEnumerable<InsightDelivery> batch) =>
        batch.Any(d => d.Frequency == InsightFrequency.Weekly) ? "weekly" : "daily";

    // ---------------------------------------------------------------- readers

    private sealed record Reader(string Id, string? Email, bool Admin, IReadOnlySet<string> Instances, InsightNotificationPreferences Preferences)
    {
        public bool CanRead(Insight insight) => Admin || insight.Instances.All(Instances.Contains);
    }

    /// <summary>Enabled users with their grants and preferences (admins read every instance).</summary>
    private static async Task<IReadOnlyList<Reader>> ReadersAsync(AnalyticsDbContext db, CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().Where(u => !u.Disabled)
            .Select(u => new { u.Id, u.Email, u.Role, u.InsightNotificationsJson }).ToListAsync(ct);
        var grants = (await db.InstanceGrants.AsNoTracking().Select(g => new { g.UserId, g.SourceId }).ToListAsync(ct))
            .ToLookup(g => g.UserId, g => g.SourceId);
        return users.OrderBy(u => u.Id, StringComparer.Ordinal)
            .Select(u => new Reader(u.Id, u.Email, u.Role == Role.Admin, grants[u.Id].ToHashSet(), UserPreferencesService.ReadInsights(u.InsightNotificationsJson)))
            .ToList();
    }
}

/// <summary>The words of insight e-mails: one insight, or a digest listing several; each names its numbers and links to its chart.</summary>
public static class InsightComposer
{
    public sealed record Email(string Subject, string Body);

    /// <summary>The feed with the insight opened on its chart; absolute when <paramref name="baseUrl"/> is set.</summary>
    public static string Link(string? baseUrl, Insight insight) =>
        $"{(string.IsNullOrWhiteSpace(baseUrl) ? "" : baseUrl.TrimEnd('/'))}/insights?id={Uri.EscapeDataString(insight.Id)}";

    public static Email Single(Insight insight, string? baseUrl, IReadOnlyDictionary<string, string> sourceNames)
    {
        var body = new StringBuilder();
        body.AppendLine(insight.Title).AppendLine();
        Describe(body, insight, baseUrl, sourceNames, indent: "");
        body.AppendLine().AppendLine("You get this e-mail because of your insight notification settings (Insights → Notification settings).");
        return new Email($"[{Priority(insight)}] {insight.Title}", body.ToString());
    }

    /// <param name="frequency"><c>daily</c> or <c>weekly</c> for a digest; null for several insights found by one scan.</param>
    public static Email Digest(IReadOnlyList<Insight> insights, string? frequency, string? baseUrl, IReadOnlyDictionary<string, string> sourceNames)
    {
        var heading = frequency is null
            ? $"{insights.Count} new insights"
            : $"Your {frequency} insights digest: {insights.Count} new insight{(insights.Count == 1 ? "" : "s")}";
        var body = new StringBuilder();
        body.AppendLine(heading).AppendLine();
        foreach (var insight in insights)
        {
            body.AppendLine($"• [{Priority(insight)}] {insight.Title}");
            Describe(body, insight, baseUrl, sourceNames, indent: "  ");
            body.AppendLine();
        }
        body.AppendLine("You get this e-mail because of your insight notification settings (Insights → Notification settings).");
        return new Email(heading, body.ToString());
    }

    private static void Describe(StringBuilder body, Insight i, string? baseUrl, IReadOnlyDictionary<string, string> sourceNames, string indent)
    {
        var instances = string.Join(", ", i.Instances.Select(s => sourceNames.GetValueOrDefault(s, s)));
        var period = i.PeriodStart == i.PeriodEnd
            ? i.PeriodStart.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)
            : $"{i.PeriodStart.ToString("d MMM", CultureInfo.InvariantCulture)} – {i.PeriodEnd.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";
        body.AppendLine(indent + i.Text);
        body.AppendLine($"{indent}{i.Type} · {instances} · {period} · change {MetricFormat.SignedPercent(i.Magnitude, decimals: 0)} · confidence {i.Confidence.ToString("0%", CultureInfo.InvariantCulture)}");
        body.AppendLine($"{indent}Chart: {InsightComposer.Link(baseUrl, i)}");
    }

    private static string Priority(Insight i) => i.Priority.ToString();
}
