using System.Net.Http.Json;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Data.Notifications;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Outbound;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Alerts;

public sealed record AlertEvaluationSummary(int Evaluated, int Fired, int Resolved, int Failed);

/// <summary>
/// Evaluates every enabled rule once: reads its metric with the owner's permissions, decides with
/// <see cref="AlertEvaluator"/>, stores fired/resolved events and delivers them to the rule's channels. A failing rule
/// records its error and does not stop the others; a failed webhook is recorded as failed, never as sent.
/// </summary>
public sealed class AlertEvaluationService(
    IDbContextFactory<AnalyticsDbContext> factory,
    IServiceScopeFactory scopes,
    IAlertMetricReader reader,
    NotificationService notifications,
    IHttpClientFactory http,
    ExportMailer mailer,
    SubscriptionSafeguards safeguards,
    IOptions<InsightOptions> links,
    TimeProvider clock,
    ILogger<AlertEvaluationService> logger)
{
    public const string WebhookClient = "alert-webhooks";

    // One evaluation at a time in this process: two overlapping runs would both see a rule as ok and both fire it.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<AlertEvaluationSummary> EvaluateAllAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await EvaluateAllCoreAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AlertEvaluationSummary> EvaluateAllCoreAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var actors = scope.ServiceProvider.GetRequiredService<ActorResolver>();
        List<string> ids;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            ids = await db.AlertRules.Where(r => r.Enabled).Select(r => r.Id).ToListAsync(ct);
        }

        int fired = 0, resolved = 0, failed = 0;
        foreach (var id in ids)
        {
            ct.ThrowIfCancellationRequested();
            await using var db = await factory.CreateDbContextAsync(ct);
            var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (rule is null) continue;
            var now = clock.GetUtcNow();
            rule.LastEvaluatedAt = now;
            try
            {
                var owner = await actors.ResolveAsync(rule.OwnerId, ct)
                            ?? throw new InvalidOperationException("The rule's owner no longer exists or is disabled.");
                var observation = await reader.ReadAsync(rule, owner, now, ct);
                var decision = AlertEvaluator.Evaluate(rule, observation);
                rule.State = decision.State;
                rule.BreachCount = decision.BreachCount;
                rule.LastValue = decision.Value;
                rule.LastError = null;
                if (decision.EventKind is { } kind)
                {
                    var alertEvent = new AlertEvent
                    {
                        Id = Ids.New(), RuleId = rule.Id, RuleName = rule.Name, OwnerId = rule.OwnerId, Kind = kind,
                        Value = decision.Value, Threshold = rule.Threshold, Message = decision.Message, At = now,
                    };
                    alertEvent.Delivery = await DeliverAsync(rule, alertEvent, ct);
                    db.AlertEvents.Add(alertEvent);
                    if (kind == "fired") fired++; else resolved++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                rule.LastError = e.Message;
                logger.LogWarning(e, "Alert rule {Rule} could not be evaluated", rule.Id);
            }
            await db.SaveChangesAsync(ct);
        }
        return new AlertEvaluationSummary(ids.Count, fired, resolved, failed);
    }

    private async Task<string> DeliverAsync(AlertRule rule, AlertEvent alertEvent, CancellationToken ct)
    {
        var outcomes = new List<string>();
        foreach (var channel in rule.Channels)
        {
            try
            {
                switch (channel.Type)
                {
                    case AlertChannel.InApp:
                        await notifications.NotifyAsync(rule.OwnerId, "alert",
                            alertEvent.Kind == "fired" ? $"Alert: {rule.Name}" : $"Resolved: {rule.Name}", alertEvent.Message, "/alerts", ct);
                        outcomes.Add("inapp: ok");
                        break;
                    case AlertChannel.Email:
                        outcomes.Add(await EmailAsync(rule, alertEvent, channel.Recipients ?? [], ct));
                        break;
                    case AlertChannel.Webhook:
                        using (var response = await http.CreateClient(WebhookClient).PostAsJsonAsync(channel.Url, new
                        {
                            @event = alertEvent.Kind, ruleId = rule.Id, rule = rule.Name, metric = rule.Metric, value = alertEvent.Value,
                            threshold = rule.Threshold, message = alertEvent.Message, at = alertEvent.At,
                        }, ct))
                        {
                            // The status code only: the receiver's reason phrase and body are its words, not ours to store.
                            var status = (int)response.StatusCode;
                            outcomes.Add(response.IsSuccessStatusCode ? $"webhook: {status}"
                                : status is >= 300 and < 400 ? $"webhook failed: {status} (redirects are not followed)"
                                : $"webhook failed: {status}");
                        }
                        break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OutboundRefusedException)
            {
                // Generic words on the event: the exception's text would describe the network behind the URL.
                logger.LogWarning(e, "Alert rule {Rule}: the {Channel} channel failed", rule.Id, channel.Type);
                outcomes.Add($"{channel.Type} failed: {OutboundGuard.Describe(e)}");
            }
        }
        return string.Join("; ", outcomes);
    }

    /// <summary>
    /// The event by e-mail. The domains are checked again at delivery (an admin may have narrowed them since the rule
    /// was saved); an address no longer allowed is skipped and named in the outcome.
    /// </summary>
    private async Task<string> EmailAsync(AlertRule rule, AlertEvent alertEvent, IReadOnlyList<string> recipients, CancellationToken ct)
    {
        var domains = await safeguards.RecipientDomainsAsync(ct);
        var allowed = recipients.Where(domains.Allows).ToList();
        var skipped = recipients.Except(allowed).ToList();
        var note = skipped.Count > 0 ? $" ({skipped.Count} skipped: not at {domains.Describe()})" : "";
        if (allowed.Count == 0) return $"email failed: no allowed recipient{note}";
        var fired = alertEvent.Kind == "fired";
        var subject = fired ? $"Alert: {rule.Name}" : $"Resolved: {rule.Name}";
        var body = $"{subject}\n\n{alertEvent.Message}\n\nAt {alertEvent.At:yyyy-MM-dd HH:mm} UTC. The rule and its history: {links.Value.PublicBaseUrl?.TrimEnd('/')}/alerts";
        var outcome = await mailer.SendAsync(new ExportEmail(allowed, subject, body), ct);
        return outcome.Sent ? $"email: sent to {allowed.Count}{note}" : $"email failed: {outcome.Error}{note}";
    }
}
