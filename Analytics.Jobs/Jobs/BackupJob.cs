using Analytics.Data.Backup;
using Microsoft.Extensions.Configuration;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// The scheduled backup (<c>Analytics:Backup:Schedule</c>, daily at 02:00 UTC by default) into <c>Analytics:Backup:Directory</c>,
/// keeping <c>Analytics:Backup:Keep</c>. A failure fails the run (the job console shows it) after
/// <see cref="BackupHistory.RunScheduledAsync"/> has recorded it and notified every admin. Misfire: one catch-up run now
/// (<c>FireAndProceed</c>): after downtime, one fresh backup is what is wanted, never one per missed day.
/// </summary>
[DisallowConcurrentExecution]
public sealed class BackupJob(BackupHistory history) : IScheduledJob
{
    public static JobKey Key { get; } = new("backup", "system");

    /// <summary>
    /// Nightly by <c>Analytics:Backup:Schedule</c> (UTC) when backups are enabled and a passphrase is set. Without a passphrase
    /// there is no schedule (a fresh install is not told of a failure every night): the backups page says what to set, and the
    /// job can still be triggered from the console, where it fails saying so. An invalid cron adds no trigger: the options'
    /// validation then stops the app naming Analytics:Backup:Schedule.
    /// </summary>
    public static JobSchedule Schedule(JobScheduleSettings settings)
    {
        const string description = "Backs up the database and the key ring into Analytics:Backup:Directory, keeping the newest Analytics:Backup:Keep (default 7).";
        var backup = new BackupOptions();
        settings.Configuration.GetSection(BackupOptions.Section).Bind(backup);
        return backup.Enabled && !string.IsNullOrEmpty(backup.Passphrase) && new QuartzCronEngine().Validate(backup.Schedule) is null
            ? JobSchedule.Cron(backup.Schedule, new TriggerKey("backup-trigger", "system"), description) with { Durable = true }
            : JobSchedule.OnDemand(description);
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // A BackupException fails the run with its message (Quartz records it for the job console).
        var entry = await history.RunScheduledAsync(cancellationToken);
        context.Result = $"{entry.Name}: {entry.Bytes} bytes, {entry.Rows} rows";
    }
}
