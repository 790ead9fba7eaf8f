using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// The daily anomaly scan: every instance, the last <see cref="LookbackDays"/> complete UTC days, as the system actor.
/// Re-scanning days already scanned only updates what was stored (insights are keyed by type, instance, metric, segment
/// and day), so the overlap catches late-arriving data and a missed day without duplicates. Runs at 06:30 UTC.
/// Misfire policy: fire once now and continue on schedule (cron <c>FireAndProceed</c>) — one catch-up run covers the
/// lookback; missed runs are never replayed one by one. New critical anomalies notify the instance's readers. The same run
/// projects month-to-date metrics to the month's end against alert thresholds (<see cref="ProjectionInsights"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class DailyInsightScanJob(InsightScanner insights, ProjectionInsights projections, TimeProvider clock, ILogger<DailyInsightScanJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("insights-daily-scan", "insights");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 30 6 * * ?", new TriggerKey("insights-daily-0630", "insights"),
        "Scans every instance's last week of daily data for anomalies and stores them as insights.");
    public const int LookbackDays = 7;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var yesterday = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var result = await insights.ScanAnomaliesAsync(Actor.System, yesterday, LookbackDays, cancellationToken);
        var projected = await projections.ScanAsync(Actor.System, yesterday.AddDays(1), cancellationToken);
        context.Result = result;
        logger.LogInformation("Daily insight scan to {Day}: {Created} new, {Updated} updated, {Notified} notified; month-end projections: {Projected} new, {ProjectedUpdated} updated",
            yesterday, result.Created, result.Updated, result.Notified, projected.Created, projected.Updated);
    }
}

/// <summary>
/// The weekly summary per instance and per dashboard (the last complete Monday–Sunday week against the one before), the
/// trend scan over the last <see cref="TrendWeeks"/> complete weeks and the budget opportunities of the last
/// <see cref="OpportunityDays"/> days. Runs Mondays at 07:00 UTC. Misfire policy: fire once now and
/// continue on schedule (<c>FireAndProceed</c>) — a late summary of the last complete week is still the right one,
/// and it is idempotent.
/// </summary>
[DisallowConcurrentExecution]
public sealed class WeeklyInsightSummaryJob(InsightScanner insights, TimeProvider clock, ILogger<WeeklyInsightSummaryJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("insights-weekly-summary", "insights");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 0 7 ? * MON", new TriggerKey("insights-weekly-mon-0700", "insights"),
        "Writes each instance's and each dashboard's week-over-week summary, scans 12-week trends and budget opportunities.");
    public const int TrendWeeks = InsightScanner.TrendWeeks;
    public const int OpportunityDays = InsightScanner.OpportunityDays;

    /// <summary>The last Sunday strictly before <paramref name="today"/>: the end of the last complete week.</summary>
    public static DateOnly LastCompleteWeekEnd(DateOnly today) => Analytics.Domain.Insights.WeeklySummaryBuilder.LastCompleteWeekEnd(today);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var weekEnd = LastCompleteWeekEnd(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        var summary = await insights.SummarizeWeekAsync(Actor.System, weekEnd, cancellationToken);
        var dashboards = await insights.SummarizeDashboardsAsync(Actor.System, weekEnd, cancellationToken);
        var trends = await insights.ScanTrendsAsync(Actor.System, weekEnd, TrendWeeks, cancellationToken);
        var opportunities = await insights.ScanOpportunitiesAsync(Actor.System, weekEnd, OpportunityDays, cancellationToken);
        InsightRunResult[] all = [summary, dashboards, trends, opportunities];
        context.Result = new InsightRunResult(all.Sum(r => r.Created), all.Sum(r => r.Updated), all.Sum(r => r.Notified));
        logger.LogInformation("Weekly insights to {WeekEnd}: summaries {Summaries}, dashboards {Dashboards}, trends {Trends}, opportunities {Opportunities}",
            weekEnd, summary, dashboards, trends, opportunities);
    }
}

/// <summary>
/// The monthly review: each instance's last complete calendar month against the month before. Runs on the 1st at 07:30
/// UTC. Misfire policy: fire once now and continue on schedule (<c>FireAndProceed</c>) — the review of the last complete
/// month is still the right one when late, and it is idempotent.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MonthlyInsightReviewJob(InsightScanner insights, TimeProvider clock, ILogger<MonthlyInsightReviewJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("insights-monthly-review", "insights");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 30 7 1 * ?", new TriggerKey("insights-monthly-1st-0730", "insights"),
        "Writes each instance's month-over-month review.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var result = await insights.SummarizeMonthAsync(Actor.System, lastMonth, cancellationToken);
        context.Result = result;
        logger.LogInformation("Monthly review of {Month:yyyy-MM}: {Result}", lastMonth, result);
    }
}

/// <summary>
/// The insight digests: every day at 08:00 UTC, one message per user and channel listing the insights queued for their
/// daily digest since the last one (weekly digests go out on <c>Analytics:Insights:WeeklyDigestDay</c>, Mondays by
/// default), and another try for insight e-mails that failed. Misfire policy: fire once now and continue on schedule
/// (<c>FireAndProceed</c>) — it sends what is queued, and an insight is never sent twice on a channel.
/// </summary>
[DisallowConcurrentExecution]
public sealed class InsightDigestJob(InsightDeliveryService deliveries, ILogger<InsightDigestJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("insights-digest", "insights");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 0 8 * * ?", new TriggerKey("insights-digest-0800", "insights"),
        "Sends daily (and on Mondays weekly) insight digests by e-mail and in the bell; retries failed insight e-mails.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await deliveries.SendDigestsAsync(cancellationToken);
        context.Result = result;
        logger.LogInformation("Insight digests: {Result}", result);
    }
}
