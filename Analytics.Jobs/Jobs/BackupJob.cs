using Analytics.Data.Backup;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// The scheduled backup (<c>Analytics:Backup:Schedule</c>, daily at 02:00 UTC by default) into <c>Analytics:Backup:Directory</c>,
/// keeping <c>Analytics:Backup:Keep</c>. A failure fails the run (the job console shows it) after
/// <see cref="BackupHistory.RunScheduledAsync"/> has recorded it and notified every admin. Misfire: one catch-up run now
/// (<c>FireAndProceed</c>): after downtime, one fresh backup is what is wanted, never one per missed day.
/// </summary>
[DisallowConcurrentExecution]
public sealed class BackupJob(BackupHistory history) : IJob
{
    public static readonly JobKey Key = new("backup", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // A BackupException fails the run with its message (Quartz records it for the job console).
        var entry = await history.RunScheduledAsync(cancellationToken);
        context.Result = $"{entry.Name}: {entry.Bytes} bytes, {entry.Rows} rows";
    }
}
