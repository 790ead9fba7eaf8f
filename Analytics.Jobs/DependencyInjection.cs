using Analytics.Data;
using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Analytics.Jobs.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Jobs;

/// <summary><c>Analytics:Jobs</c>: where Quartz keeps its schedule.</summary>
public sealed class JobsOptions
{
    public const string Section = "Analytics:Jobs";

    /// <summary><c>persistent</c> (the app's own database: schedules and in-flight work survive restarts) or <c>memory</c>.</summary>
    public string Store { get; set; } = "persistent";
    /// <summary>On PostgreSQL, take part in a cluster with every app process on the same database (each trigger fires once).</summary>
    public bool Clustered { get; set; } = true;
    public double SupervisorIntervalSeconds { get; set; } = 15;
    /// <summary>How often a cluster node checks in; a node silent for twice this long is taken for dead and its triggers recovered.</summary>
    public double ClusterCheckinSeconds { get; set; } = 10;
}

public static class DependencyInjection
{
    /// <summary>
    /// Quartz, hosted with the app: jobs resolved from DI; a persistent store on the app's own database (SQLite by default,
    /// PostgreSQL when configured — clustered there, so several app processes share the work and each trigger fires once);
    /// the scheduler starts after the database is ready (hosted services start in registration order) and stops
    /// gracefully, letting running jobs finish — long ones (collections) stop with the app and resume at the next start.
    /// Misfire policy per job: see each trigger below.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsJobs(this IHostApplicationBuilder builder)
    {
        var jobs = new JobsOptions();
        builder.Configuration.GetSection(JobsOptions.Section).Bind(jobs);
        var database = new DatabaseOptions();
        builder.Configuration.GetSection(DatabaseOptions.Section).Bind(database);
        database.ConnectionString ??= builder.Configuration.GetConnectionString("Analytics");

        builder.Services.AddQuartz(q =>
        {
            if (jobs.Store.Equals("memory", StringComparison.OrdinalIgnoreCase))
            {
                q.UseInMemoryStore();
            }
            else
            {
                q.UsePersistentStore(store =>
                {
                    if (database.Provider == DatabaseProvider.Postgres)
                    {
                        store.UsePostgres(Npgsql.NpgsqlFactory.Instance, database.EffectiveConnectionString);
                        if (jobs.Clustered) store.UseClustering(c => { c.CheckinInterval = TimeSpan.FromSeconds(jobs.ClusterCheckinSeconds); c.CheckinMisfireThreshold = TimeSpan.FromSeconds(2 * jobs.ClusterCheckinSeconds); });
                    }
                    else
                    {
                        store.UseSqlite(Microsoft.Data.Sqlite.SqliteFactory.Instance, database.EffectiveConnectionString);
                    }
                    store.ProvisionSchema();
                    store.UseSystemTextJsonSerializer();
                    store.UseExecutionHistory();
                });
            }

            q.AddJob<ProcessMetricsJob>(j => j.WithIdentity(ProcessMetricsJob.Key).WithDescription("Samples the app's CPU and memory into the operational metrics store."));
            // Misfire: skip to the next minute (a missed sample cannot be taken late).
            q.AddTrigger(t => t
                .ForJob(ProcessMetricsJob.Key)
                .WithIdentity("process-metrics-every-minute", "system")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(60)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            q.AddJob<AlertEvaluationJob>(j => j.WithIdentity(AlertEvaluationJob.Key).WithDescription("Evaluates alert rules and notifies when they fire or resolve."));
            q.AddTrigger(t => t
                .ForJob(AlertEvaluationJob.Key)
                .WithIdentity("alert-evaluation-every-minute", "alerts")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(60)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            q.AddJob<MetricsRetentionJob>(j => j.WithIdentity(MetricsRetentionJob.Key).WithDescription("Deletes operational metrics past each resolution's retention (Analytics:Metrics:Retention)."));
            // Misfire: one catch-up run now, then on schedule (retention is idempotent; replaying missed runs is pointless).
            q.AddTrigger(t => t
                .ForJob(MetricsRetentionJob.Key)
                .WithIdentity("metrics-retention-hourly", "system")
                .WithCronSchedule("0 17 * * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJob<ChatRetentionJob>(j => j.WithIdentity(ChatRetentionJob.Key).WithDescription("Archives chat conversations idle longer than Analytics:Chat:RetentionDays (default 30); deletes external-model audit past Analytics:Chat:Egress:AuditRetentionDays (default 90)."));
            q.AddTrigger(t => t
                .WithIdentity("chat-retention-trigger", "system")
                .ForJob(ChatRetentionJob.Key)
                .WithCronSchedule("0 40 3 * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJob<ExportHistoryRetentionJob>(j => j.WithIdentity(ExportHistoryRetentionJob.Key).WithDescription("Deletes export history records older than Analytics:Exports:HistoryDays (default 90)."));
            q.AddTrigger(t => t
                .WithIdentity("export-history-retention-trigger", "system")
                .ForJob(ExportHistoryRetentionJob.Key)
                .WithCronSchedule("0 50 3 * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            var backup = new Analytics.Data.Backup.BackupOptions();
            builder.Configuration.GetSection(Analytics.Data.Backup.BackupOptions.Section).Bind(backup);
            q.AddJob<BackupJob>(j => j.WithIdentity(BackupJob.Key).StoreDurably().WithDescription("Backs up the database and the key ring into Analytics:Backup:Directory, keeping the newest Analytics:Backup:Keep (default 7)."));
            // An invalid cron adds no trigger: the options' validation then stops the app naming Analytics:Backup:Schedule.
            // Without a passphrase there is no schedule (a fresh install is not told of a failure every night); the backups
            // page says what to set, and the job can still be triggered from the console, where it fails saying so.
            if (backup.Enabled && !string.IsNullOrEmpty(backup.Passphrase) && new QuartzCronEngine().Validate(backup.Schedule) is null)
            {
                q.AddTrigger(t => t
                    .WithIdentity("backup-trigger", "system")
                    .ForJob(BackupJob.Key)
                    .WithCronSchedule(backup.Schedule, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            }

            q.AddJob<SupervisorJob>(j => j.WithIdentity(SupervisorJob.Key).WithDescription("Fires due report schedules and takes over data collections whose process died."));
            // Misfire: skip to the next pass (each pass reads the current state).
            q.AddTrigger(t => t
                .ForJob(SupervisorJob.Key)
                .WithIdentity("supervisor-every-15s", "system")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(jobs.SupervisorIntervalSeconds)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            q.AddJob<SubscriptionDeliveryJob>(j => j.WithIdentity(SubscriptionDeliveryJob.Key).WithDescription("Delivers due dashboard subscriptions by e-mail and records each run's real outcome."));
            // Misfire: skip to the next pass (each pass reads which subscriptions are due now).
            q.AddTrigger(t => t
                .ForJob(SubscriptionDeliveryJob.Key)
                .WithIdentity("subscriptions-every-15s", "subscriptions")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(jobs.SupervisorIntervalSeconds)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            q.AddJob<DailyInsightScanJob>(j => j.WithIdentity(DailyInsightScanJob.Key).WithDescription("Scans every instance's last week of daily data for anomalies and stores them as insights."));
            // Misfire: one catch-up run now, then on schedule (the scan re-reads a week and is idempotent).
            q.AddTrigger(t => t
                .ForJob(DailyInsightScanJob.Key)
                .WithIdentity("insights-daily-0630", "insights")
                .WithCronSchedule("0 30 6 * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJob<WeeklyInsightSummaryJob>(j => j.WithIdentity(WeeklyInsightSummaryJob.Key).WithDescription("Writes each instance's and each dashboard's week-over-week summary, scans 12-week trends and budget opportunities."));
            // Misfire: one catch-up run now, then on schedule (it summarises the last complete week, idempotently).
            q.AddTrigger(t => t
                .ForJob(WeeklyInsightSummaryJob.Key)
                .WithIdentity("insights-weekly-mon-0700", "insights")
                .WithCronSchedule("0 0 7 ? * MON", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJob<MonthlyInsightReviewJob>(j => j.WithIdentity(MonthlyInsightReviewJob.Key).WithDescription("Writes each instance's month-over-month review."));
            // Misfire: one catch-up run now, then on schedule (it reviews the last complete month, idempotently).
            q.AddTrigger(t => t
                .ForJob(MonthlyInsightReviewJob.Key)
                .WithIdentity("insights-monthly-1st-0730", "insights")
                .WithCronSchedule("0 30 7 1 * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJob<InsightDigestJob>(j => j.WithIdentity(InsightDigestJob.Key).WithDescription("Sends daily (and on Mondays weekly) insight digests by e-mail and in the bell; retries failed insight e-mails."));
            // Misfire: one catch-up run now, then on schedule (it sends whatever is queued; nothing twice).
            q.AddTrigger(t => t
                .ForJob(InsightDigestJob.Key)
                .WithIdentity("insights-digest-0800", "insights")
                .WithCronSchedule("0 0 8 * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

            q.AddJobListener<JobMetricsListener>();
        });
        builder.Services.AddSingleton<SchedulerHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchedulerHost>());
        builder.Services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("quartz-scheduler", tags: ["ready"]); // the name Quartz's own check had
        builder.Services.Replace(ServiceDescriptor.Singleton<ICollectionDispatcher, QuartzCollectionDispatcher>());
        builder.Services.AddSingleton<JobConsole>();
        builder.Services.AddSingleton<ProcessSampler>();
        // Cron schedules of reports are computed by Quartz's cron engine, in the schedule's time zone.
        builder.Services.Replace(ServiceDescriptor.Singleton<ICronEngine, QuartzCronEngine>());
        return builder;
    }
}

/// <summary>Quartz's cron expressions (6–7 fields, seconds first), evaluated in the schedule's time zone.</summary>
public sealed class QuartzCronEngine : ICronEngine
{
    public DateTimeOffset? Next(string expression, TimeZoneInfo zone, DateTimeOffset after) =>
        new CronExpression(expression, zone).GetNextValidTimeAfter(after);

    public string? Validate(string expression)
    {
        try
        {
            _ = new CronExpression(expression);
            return null;
        }
        catch (FormatException e)
        {
            return $"'{expression}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {e.Message}";
        }
    }
}
