using Analytics.Data.Operational;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Applies the operational metrics retention (<c>Analytics:Metrics:Retention</c>): raw points and each rollup
/// resolution past its horizon are deleted. Runs hourly (at :17 UTC). Misfire policy: fire once now and continue on
/// schedule (cron <c>FireAndProceed</c>) — deleting late is harmless and the run is idempotent, so
/// one catch-up run after downtime is enough; missed runs are never replayed one by one.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MetricsRetentionJob(MetricRetention retention, ILogger<MetricsRetentionJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("metrics-retention", "system");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 17 * * * ?", new TriggerKey("metrics-retention-hourly", "system"),
        "Deletes operational metrics past each resolution's retention (Analytics:Metrics:Retention).");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var deleted = await retention.ApplyAsync(cancellationToken);
        context.Result = deleted;
        if (deleted.Values.Sum() > 0) logger.LogInformation("Metrics retention deleted {Deleted}", deleted);
    }
}
