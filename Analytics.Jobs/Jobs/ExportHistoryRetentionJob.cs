using Analytics.Data.Exports;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Deletes export history records older than <c>Analytics:Exports:HistoryDays</c> (default 90). Daily at 03:50 UTC;
/// idempotent, so after downtime one catch-up run is enough (<c>FireAndProceed</c>). Subscription runs keep their own files.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ExportHistoryRetentionJob(ExportHistoryService history, ILogger<ExportHistoryRetentionJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("export-history-retention", "system");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 50 3 * * ?", new TriggerKey("export-history-retention-trigger", "system"),
        "Deletes export history records older than Analytics:Exports:HistoryDays (default 90).");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var purged = await history.PurgeExpiredAsync(cancellationToken);
        context.Result = purged;
        if (purged > 0) logger.LogInformation("Export history retention deleted {Count} records", purged);
    }
}
