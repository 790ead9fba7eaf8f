using System.Net.Http.Json;
using Analytics.Domain.Insights;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Insights;

/// <summary>
/// Keeps what the scans find. Storing is idempotent: the same type, instance, metric, segment and period updates the
/// insight found before. New insights go to <see cref="InsightDeliveryService"/>, which notifies each reader on the
/// channels and at the frequency they chose (critical ones at once, by default); new critical ones to the webhook too.
/// </summary>
public sealed class InsightStore(
    IDbContextFactory<AnalyticsDbContext> factory,
    InsightDeliveryService deliveries,
    IHttpClientFactory http,
    IOptions<InsightOptions> options,
    ILogger<InsightStore> logger)
{
    public const string WebhookClient = "insight-webhooks";

    /// <summary>False for a store that only keeps what it is given: history found on a first run is not news to announce.</summary>
    public bool Delivers { get; private init; } = true;

    /// <summary>This store without deliveries (no bell, e-mail or webhook for what it stores).</summary>
    public InsightStore WithoutDelivery() => new(factory, deliveries, http, options, logger) { Delivers = false };

    internal async Task<InsightRunResult> StoreAsync(IReadOnlyList<Insight> found, CancellationToken ct)
    {
        if (found.Count == 0) return new InsightRunResult(0, 0, 0);
        var created = new List<Insight>();
        var updated = 0;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var keys = found.Select(f => f.Key).ToList();
            var existing = await db.Insights.Where(i => keys.Contains(i.Key)).ToDictionaryAsync(i => i.Key, ct);
            foreach (var insight in found.DistinctBy(f => f.Key))
            {
                if (existing.TryGetValue(insight.Key, out var old))
                {
                    old.Magnitude = insight.Magnitude;
                    old.Confidence = insight.Confidence;
                    old.Priority = insight.Priority;
                    old.Title = insight.Title;
                    old.Text = insight.Text;
                    old.ChartQuery = insight.ChartQuery;
                    old.UpdatedAt = insight.UpdatedAt;
                    updated++;
                }
                else
                {
                    db.Insights.Add(insight);
                    created.Add(insight);
                }
            }
            await db.SaveChangesAsync(ct);
        }

        if (!Delivers)
        {
            logger.LogInformation("Insights stored without delivery: {Created} new, {Updated} updated", created.Count, updated);
            return new InsightRunResult(created.Count, updated, 0);
        }
        var notified = await deliveries.DeliverNewAsync(created, ct);
        if (options.Value.WebhookUrl is { Length: > 0 } url)
        {
            foreach (var insight in created.Where(i => i.Priority == InsightPriority.Critical)) await PostWebhookAsync(url, insight, ct);
        }
        logger.LogInformation("Insights stored: {Created} new, {Updated} updated, {Notified} notifications", created.Count, updated, notified);
        return new InsightRunResult(created.Count, updated, notified);
    }

    /// <summary>
    /// Critical insights go to the configured webhook too (<c>Analytics:Insights:WebhookUrl</c>), as JSON. A failed post
    /// is logged and does not stop the scan: the insight is stored and in the feed either way.
    /// </summary>
    private async Task PostWebhookAsync(string url, Insight insight, CancellationToken ct)
    {
        try
        {
            using var response = await http.CreateClient(WebhookClient).PostAsJsonAsync(url, new
            {
                kind = "insight", insight.Id, type = insight.Type.ToString().ToLowerInvariant(), priority = insight.Priority.ToString().ToLowerInvariant(),
                insight.Title, insight.Text, insight.SourceId, insight.Metric, insight.Segment, insight.PeriodStart, insight.PeriodEnd,
                link = $"/insights?id={insight.Id}",
            }, ct);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("Insight webhook answered {Status} for insight {Insight}", (int)response.StatusCode, insight.Id);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Outbound.OutboundRefusedException)
        {
            logger.LogWarning(e, "Insight webhook failed for insight {Insight}: {Outcome}", insight.Id, Outbound.OutboundGuard.Describe(e));
        }
    }
}
