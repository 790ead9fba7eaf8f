using Analytics.Data.Exports;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Deletes export history records older than <c>Analytics:Exports:HistoryDays</c> (default 90). Daily at 03:50 UTC;
/// idempotent, so after downtime one catch-up run is enough (<c>FireAndProceed</c>). Subscription runs keep their own files.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ExportHistoryRetentionJob(ExportHistoryService history, ILogger<ExportHistoryRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("export-history-retention", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var purged = await history.PurgeExpiredAsync(cancellationToken);
        context.Result = purged;
        if (purged > 0) logger.LogInformation("Export history retention deleted {Count} records", purged);
    }
}
