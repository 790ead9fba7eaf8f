using Microsoft.Extensions.Configuration;
using Quartz;

namespace Analytics.Jobs;

/// <summary>A job that runs on a schedule: its key and when it runs are declared on the job class, beside its work.</summary>
public interface IScheduledJob : IJob
{
    static abstract JobKey Key { get; }

    /// <summary>What the job does (the job console shows it) and its trigger, from the settings the schedule depends on.</summary>
    static abstract JobSchedule Schedule(JobScheduleSettings settings);
}

/// <summary>What a schedule may depend on: the jobs' settings and the app's configuration (e.g. <c>Analytics:Backup</c>).</summary>
public sealed record JobScheduleSettings(JobsOptions Jobs, IConfiguration Configuration);

/// <summary>
/// When a job runs. Misfire policies: a repeating job skips missed runs (each run reads the current state, so catching up
/// would only repeat it); a cron job fires once now after missed runs, then on schedule (its work is idempotent; missed
/// runs are never replayed one by one).
/// </summary>
/// <param name="Description">What the job does, in the job console.</param>
/// <param name="Trigger">The trigger's name and group, and its schedule; none for a job that only runs when triggered.</param>
public sealed record JobSchedule(string Description, TriggerKey? TriggerKey = null, Action<ITriggerConfigurator<IJob>>? Trigger = null)
{
    /// <summary>Kept without a trigger (a job run only from the console, or one whose trigger depends on settings).</summary>
    public bool Durable { get; init; }

    /// <summary>Every <paramref name="interval"/> from start; missed runs are skipped.</summary>
    public static JobSchedule Every(TimeSpan interval, TriggerKey trigger, string description) => new(description, trigger,
        t => t.StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

    /// <summary>By a Quartz cron expression (seconds first) in UTC; after missed runs, one run now, then on schedule.</summary>
    public static JobSchedule Cron(string expression, TriggerKey trigger, string description) => new(description, trigger,
        t => t.WithCronSchedule(expression, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));

    /// <summary>No trigger: the job runs when triggered (from the job console, or by another job).</summary>
    public static JobSchedule OnDemand(string description) => new(description) { Durable = true };
}

/// <summary>One row of the jobs table: a scheduled job's class, key and schedule, and how Quartz adds it.</summary>
internal sealed record ScheduledJob(Type Type, JobKey Key, Func<JobScheduleSettings, JobSchedule> Schedule, Action<IQuartzBuilder, JobSchedule> AddJob)
{
    public static ScheduledJob Of<TJob>() where TJob : class, IScheduledJob =>
        new(typeof(TJob), TJob.Key, TJob.Schedule,
            (q, schedule) => q.AddJob<TJob>(j => j.WithIdentity(TJob.Key).WithDescription(schedule.Description).StoreDurably(schedule.Durable)));
}
