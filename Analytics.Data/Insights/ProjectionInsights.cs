using System.Globalization;
using System.Text.Json;
using Analytics.Data.Forecasting;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Alerts;
using Analytics.Domain.Insights;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Insights;

/// <summary>
/// "Projected to exceed / fall short": a semantic alert rule with a monthly window (28 to 31 days, e.g. <c>spend gt 50000
/// over 30d</c>, a budget) is a threshold for the calendar month. Each enabled one is projected to the month's end
/// (<see cref="ForecastService.MonthEndAsync"/>: the month so far plus the forecast of the rest) and, when the projection
/// crosses the threshold that the month so far has not crossed yet, an insight says so — once per rule and month (found
/// again, it is updated). High priority when the whole 80% interval is past the threshold, else medium.
/// </summary>
public sealed class ProjectionInsights(
    IDbContextFactory<AnalyticsDbContext> factory,
    ForecastService forecasts,
    CatalogService catalog,
    InsightStore store,
    TimeProvider clock,
    ILogger<ProjectionInsights> logger)
{
    public async Task<InsightRunResult> ScanAsync(Actor actor, DateOnly today, CancellationToken ct)
    {
        List<AlertRule> rules;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            rules = (await db.AlertRules.AsNoTracking().Where(r => r.Enabled && r.Kind == AlertMetricKind.Semantic).ToListAsync(ct))
                .Where(r => r.Op is AlertOp.Gt or AlertOp.Lt && r.WindowSpan.TotalDays is >= 28 and <= 31).ToList();
        }
        if (rules.Count == 0) return new InsightRunResult(0, 0, 0);
        var datasets = (await catalog.GetAsync(actor, ct)).Datasets;
        var found = new List<Insight>();
        foreach (var rule in rules)
        {
            var sources = (rule.SourceIds.Count > 0 ? rule.SourceIds : datasets.Select(d => d.SourceId)).Distinct().Order(StringComparer.Ordinal).ToList();
            var dataset = datasets.FirstOrDefault(d => sources.Contains(d.SourceId));
            if (dataset is null) continue;
            MonthEndProjection projection;
            try
            {
                projection = await forecasts.MonthEndAsync(actor, rule.Metric,
                    rule.Filters.Count == 0 ? null : rule.Filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList()),
                    sources, today, TimeZoneInfo.Utc, ct);
            }
            catch (DomainException e)
            {
                logger.LogInformation("No month-end projection for alert {Rule}: {Reason}", rule.Name, e.Message);
                continue;
            }
            if (Insight(rule, projection, dataset.Key, sources) is { } insight) found.Add(insight);
        }
        return await store.StoreAsync(found, ct);
    }

    private Insight? Insight(AlertRule rule, MonthEndProjection p, string dataset, IReadOnlyList<string> sources)
    {
        var exceed = rule.Op == AlertOp.Gt;
        var (value, lower, upper) = (p.Projected.Value, p.Projected.Lower, p.Projected.Upper);
        var crosses = exceed ? value > rule.Threshold : value < rule.Threshold;
        var alreadyCrossed = exceed && p.ToDate is { } soFar && soFar > rule.Threshold;
        if (!crosses || alreadyCrossed) return null;
        var sure = exceed ? lower > rule.Threshold : upper < rule.Threshold;
        string Show(double v) => MetricFormat.Format(v, null);
        var month = p.MonthStart.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        var title = $"{rule.Metric} is projected to {(exceed ? "exceed" : "fall short of")} {Show(rule.Threshold)} in {month}";
        var text = $"At the current pace {rule.Metric} ends {month} at about {Show(value)} (80% range {Show(lower)} – {Show(upper)}), "
                   + $"{(exceed ? "above" : "below")} the threshold {Show(rule.Threshold)} of alert \"{rule.Name}\""
                   + (p.ToDate is { } d ? $"; {Show(d)} so far after {p.DaysElapsed} days, {p.DaysLeft} days to go." : ".");
        var chart = new SemanticQuery
        {
            Metrics = [rule.Metric], Granularity = "day", SourceIds = sources,
            Filters = rule.Filters.Count == 0 ? null : rule.Filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList()),
            TimeRange = new QueryTimeRange(new DateTimeOffset(p.MonthStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(p.MonthEnd.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
        };
        var now = clock.GetUtcNow();
        var source = sources[0];
        return new Insight
        {
            Id = Ids.New(), Key = Analytics.Domain.Insights.Insight.KeyOf(InsightType.Forecast, source, rule.Metric, "alert", rule.Id, p.MonthStart, p.MonthEnd),
            Type = InsightType.Forecast, SourceId = source, Dataset = dataset, SegmentDimension = "alert", Segment = rule.Name, Metric = rule.Metric,
            PeriodStart = p.MonthStart, PeriodEnd = p.MonthEnd, Magnitude = rule.Threshold == 0 ? 0 : value / rule.Threshold - 1,
            Confidence = sure ? 0.9 : 0.6, Priority = sure ? InsightPriority.High : InsightPriority.Medium,
            Title = title.Length > 300 ? title[..300] : title, Text = text,
            ChartQuery = JsonSerializer.Serialize(chart, new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
            Scope = sources.Count > 1 ? Analytics.Domain.Insights.Insight.ScopeOf(sources) : null,
            CreatedAt = now, UpdatedAt = now,
        };
    }
}
