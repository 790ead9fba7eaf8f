using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Quartz.Extensibility;

namespace Analytics.Jobs;

/// <summary>The wire shape of CONTRACT.md's <c>GET /jobs</c>, plus the trigger and its run statistics.</summary>
public sealed record JobInfo(string Key, string Group, string? Description, string? Trigger, string? Cron, string? Schedule,
    DateTimeOffset? NextFireTime, DateTimeOffset? PreviousFireTime, string State, string? LastOutcome, string? LastError,
    TimeSpan? LastDuration, long RunCount, long FailureCount, long ConsecutiveFailures, bool Running, double? Progress, string? ProgressMessage);

public sealed record JobRunView(string? Id, string Job, string? Trigger, DateTimeOffset FiredAt, double DurationMs, string Outcome,
    string? Error, int RetryAttempt, bool Manual, string? Node, string? Summary);

/// <summary>A firing Quartz did not run on time (<c>missed</c>), or skipped because the last one still ran (<c>overlap</c>) or a listener vetoed it.</summary>
public sealed record MisfireView(string Job, string Trigger, DateTimeOffset MisfiredAt, DateTimeOffset? ScheduledFireTime, string Reason);

/// <summary>
/// The admin job console: every job with its triggers, state, fire times and last outcome; run history from Quartz's
/// execution history (shared by a cluster); pause, resume and trigger-now. Admins only — checked here, so the page and
/// the API share the rule.
/// </summary>
public sealed class JobConsole(ISchedulerFactory schedulers, IServiceProvider services)
{
    public async Task<IReadOnlyList<JobInfo>> ListAsync(Actor actor, CancellationToken ct)
    {
        actor.EnsureAdmin("see the job console");
        var scheduler = await schedulers.GetScheduler(ct);
        var firing = await scheduler.QueryFireInstances(new FireInstanceQuery(), ct);
        var running = firing.Items.Where(f => f.State == FireInstanceState.Executing && f.JobKey is not null).GroupBy(f => f.JobKey!)
            .ToDictionary(g => g.Key, g => g.First());
        var statuses = await StatusesAsync(scheduler, ct);
        var list = new List<JobInfo>();
        foreach (var jobKey in await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup(), ct))
        {
            var detail = await scheduler.GetJobDetail(jobKey, ct);
            statuses.TryGetValue(jobKey, out var status);
            var triggers = await scheduler.GetTriggersOfJob(jobKey, ct);
            foreach (var trigger in triggers.DefaultIfEmpty())
            {
                var state = trigger is null ? "no trigger" : (await scheduler.GetTriggerState(trigger.Key, ct)).ToString().ToLowerInvariant();
                list.Add(new JobInfo(jobKey.Name, jobKey.Group, detail?.Description, trigger?.Key.Name, (trigger as ICronTrigger)?.CronExpressionString,
                    trigger is null ? null : Describe(trigger), trigger?.NextFireTimeUtc, trigger?.PreviousFireTimeUtc, state,
                    status?.LastResult.ToString().ToLowerInvariant(), status?.LastFailureMessage, status?.LastDuration,
                    status?.RunCount ?? 0, status?.FailureCount ?? 0, status?.ConsecutiveFailures ?? 0, running.ContainsKey(jobKey),
                    running.TryGetValue(jobKey, out var fire) ? fire.Progress : null, fire?.ProgressMessage));
            }
        }
        return list.OrderBy(j => j.Group).ThenBy(j => j.Key).ToList();
    }

    /// <summary>Runs of one job (or all), newest first; <paramref name="failedOnly"/> keeps the final failures.</summary>
    public async Task<Page<JobRunView>> HistoryAsync(Actor actor, string? key, PageRequest page, bool failedOnly, CancellationToken ct)
    {
        actor.EnsureAdmin("see job history");
        var scheduler = await schedulers.GetScheduler(ct);
        var store = services.GetService<IExecutionHistoryStore>();
        if (store is null) return new Page<JobRunView>([], null);
        var skip = page.After is { } after && int.TryParse(after, out var n) ? n : 0;
        var query = new ExecutionHistoryQuery
        {
            SchedulerName = scheduler.SchedulerName,
            Job = key is null ? null : await FindAsync(scheduler, key, ct),
            FailedFinally = failedOnly ? true : null,
            Skip = skip,
            Take = page.Limit,
        };
        var result = await store.QueryExecutions(query, ct);
        var items = result.Items.Select(e => new JobRunView(e.EntryId, $"{e.JobGroup}.{e.JobName}", $"{e.TriggerGroup}.{e.TriggerName}", e.FiredAtUtc,
            e.Duration.TotalMilliseconds, e.EffectiveResult.ToString().ToLowerInvariant(), e.ExceptionMessage, e.RetryAttempt, e.Manual,
            e.SchedulerInstanceId, e.Summary)).ToList();
        return new Page<JobRunView>(items, result.HasMore ? (skip + items.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The newest recorded misfires (all jobs), newest first.</summary>
    public async Task<IReadOnlyList<MisfireView>> MisfiresAsync(Actor actor, int take, CancellationToken ct)
    {
        actor.EnsureAdmin("see job misfires");
        var scheduler = await schedulers.GetScheduler(ct);
        var store = services.GetService<IExecutionHistoryStore>();
        if (store is null) return [];
        var result = await store.QueryMisfires(new MisfireHistoryQuery { SchedulerName = scheduler.SchedulerName, Take = take }, ct);
        return result.Items.Select(m => new MisfireView(m.JobKey is null ? "" : $"{m.JobKey.Group}.{m.JobKey.Name}", $"{m.TriggerGroup}.{m.TriggerName}",
            m.MisfiredAtUtc, m.ScheduledFireTimeUtc, m.Reason.ToString().ToLowerInvariant())).ToList();
    }

    public async Task TriggerAsync(Actor actor, string key, CancellationToken ct)
    {
        actor.EnsureAdmin("run jobs");
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.TriggerJob(await FindAsync(scheduler, key, ct), ct);
    }

    public async Task PauseAsync(Actor actor, string key, CancellationToken ct)
    {
        actor.EnsureAdmin("pause jobs");
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.PauseJob(await FindAsync(scheduler, key, ct), ct);
    }

    public async Task ResumeAsync(Actor actor, string key, CancellationToken ct)
    {
        actor.EnsureAdmin("resume jobs");
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ResumeJob(await FindAsync(scheduler, key, ct), ct);
    }

    /// <summary>A job by <c>group.name</c> or by its name alone when that is unique.</summary>
    private static async Task<JobKey> FindAsync(IScheduler scheduler, string key, CancellationToken ct)
    {
        var keys = await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup(), ct);
        var matches = keys.Where(k => $"{k.Group}.{k.Name}" == key || k.Name == key).ToList();
        return matches.Count == 1 ? matches[0] : throw new NotFoundException("Job", key);
    }

    private async Task<Dictionary<JobKey, JobRunStatus>> StatusesAsync(IScheduler scheduler, CancellationToken ct)
    {
        var store = services.GetService<IExecutionHistoryStore>();
        if (store is null) return [];
        var statuses = await store.QueryJobRunStatuses(new JobRunStatusQuery { SchedulerName = scheduler.SchedulerName }, ct);
        return statuses.Items.ToDictionary(s => s.Job);
    }

    private static string Describe(ITrigger trigger) => trigger switch
    {
        ICronTrigger cron => $"cron {cron.CronExpressionString} ({cron.TimeZone.Id})",
        ISimpleTrigger { RepeatCount: 0 } => "once",
        ISimpleTrigger simple => $"every {simple.RepeatInterval}",
        _ => trigger.GetType().Name,
    };
}
