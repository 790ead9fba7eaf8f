using Analytics.Jobs.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Jobs;

public static class DependencyInjection
{
    /// <summary>
    /// Quartz, hosted with the app: jobs resolved from DI, an in-process store by default, scheduler started after the
    /// database is ready (hosted services start in registration order) and stopped gracefully, letting running jobs finish.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddQuartz(q =>
        {
            q.UseInMemoryStore();
            q.AddQuartzHealthChecks();
            q.AddJob<ProcessMetricsJob>(j => j.WithIdentity(ProcessMetricsJob.Key).WithDescription("Samples the app's CPU and memory into the operational metrics store."));
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
            q.AddJobListener<JobMetricsListener>();
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<JobConsole>();
        builder.Services.AddSingleton<ProcessSampler>();
        return builder;
    }
}
