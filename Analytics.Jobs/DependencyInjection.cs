using Analytics.Data;
using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Jobs;

public static class DependencyInjection
{
    /// <summary>
    /// Every job that runs on a schedule, once. Each job class declares its key and schedule (<see cref="IScheduledJob"/>);
    /// Quartz's registration loops over this table. (A data collection's job is created per collection, when it is started.)
    /// </summary>
    internal static readonly IReadOnlyList<ScheduledJob> Table =
    [
        ScheduledJob.Of<ProcessMetricsJob>(),
        ScheduledJob.Of<AlertEvaluationJob>(),
        ScheduledJob.Of<MetricsRetentionJob>(),
        ScheduledJob.Of<ChatRetentionJob>(),
        ScheduledJob.Of<ExportHistoryRetentionJob>(),
        ScheduledJob.Of<BackupJob>(),
        ScheduledJob.Of<SupervisorJob>(),
        ScheduledJob.Of<SubscriptionDeliveryJob>(),
        ScheduledJob.Of<DailyInsightScanJob>(),
        ScheduledJob.Of<WeeklyInsightSummaryJob>(),
        ScheduledJob.Of<MonthlyInsightReviewJob>(),
        ScheduledJob.Of<InsightDigestJob>(),
    ];

    /// <summary>
    /// Quartz, hosted with the app: jobs resolved from DI; a persistent store on the app's own database (SQLite by default,
    /// PostgreSQL when configured — clustered there, so several app processes share the work and each trigger fires once);
    /// the scheduler starts after the database is ready (hosted services start in registration order) and stops
    /// gracefully, letting running jobs finish — long ones (collections) stop with the app and resume at the next start.
    /// Jobs and triggers come from <see cref="Table"/>; at every start they replace what the store holds under their keys.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<JobsOptions>(JobsOptions.Section);
        var jobs = new JobsOptions();
        builder.Configuration.GetSection(JobsOptions.Section).Bind(jobs);
        var database = new DatabaseOptions();
        builder.Configuration.GetSection(DatabaseOptions.Section).Bind(database);
        database.ConnectionString ??= builder.Configuration.GetConnectionString("Analytics");
        var settings = new JobScheduleSettings(jobs, builder.Configuration);

        builder.Services.AddQuartz(q =>
        {
            if (jobs.InMemory)
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
            // The job classes lived in namespace Analytics.Jobs.Jobs until 2026-12. A persistent store keeps each job's type name
            // (JOB_CLASS_NAME): the jobs below are rewritten at start (AddJob replaces), but a collection's job queued before
            // an upgrade is not, so the old names still resolve, to the same classes.
            q.UseTypeLoader(t => t
                .Map("Analytics.Jobs.Jobs.AlertEvaluationJob", typeof(AlertEvaluationJob))
                .Map("Analytics.Jobs.Jobs.BackupJob", typeof(BackupJob))
                .Map("Analytics.Jobs.Jobs.ChatRetentionJob", typeof(ChatRetentionJob))
                .Map("Analytics.Jobs.Jobs.DataCollectionJob", typeof(DataCollectionJob))
                .Map("Analytics.Jobs.Jobs.SupervisorJob", typeof(SupervisorJob))
                .Map("Analytics.Jobs.Jobs.ExportHistoryRetentionJob", typeof(ExportHistoryRetentionJob))
                .Map("Analytics.Jobs.Jobs.DailyInsightScanJob", typeof(DailyInsightScanJob))
                .Map("Analytics.Jobs.Jobs.WeeklyInsightSummaryJob", typeof(WeeklyInsightSummaryJob))
                .Map("Analytics.Jobs.Jobs.MonthlyInsightReviewJob", typeof(MonthlyInsightReviewJob))
                .Map("Analytics.Jobs.Jobs.InsightDigestJob", typeof(InsightDigestJob))
                .Map("Analytics.Jobs.Jobs.MetricsRetentionJob", typeof(MetricsRetentionJob))
                .Map("Analytics.Jobs.Jobs.ProcessMetricsJob", typeof(ProcessMetricsJob))
                .Map("Analytics.Jobs.Jobs.SubscriptionDeliveryJob", typeof(SubscriptionDeliveryJob)));

            foreach (var job in Table)
            {
                var schedule = job.Schedule(settings);
                job.AddJob(q, schedule);
                if (schedule is { TriggerKey: { } key, Trigger: { } trigger })
                {
                    q.AddTrigger(t =>
                    {
                        t.ForJob(job.Key).WithIdentity(key);
                        trigger(t);
                    });
                }
            }

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
