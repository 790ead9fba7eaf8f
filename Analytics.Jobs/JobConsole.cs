using Quartz;

namespace Analytics.Jobs;

public sealed record JobInfo(string Key, string Group, string? Description, string? Trigger, string? Schedule,
    DateTimeOffset? NextFireTime, DateTimeOffset? PreviousFireTime, string State);

/// <summary>What the admin job console reads: every job with its triggers' schedule, state and fire times.</summary>
public sealed class JobConsole(ISchedulerFactory schedulers)
{
    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var list = new List<JobInfo>();
        foreach (var jobKey in await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup(), ct))
        {
            var detail = await scheduler.GetJobDetail(jobKey, ct);
            var triggers = await scheduler.GetTriggersOfJob(jobKey, ct);
            if (triggers.Count == 0)
            {
                list.Add(new JobInfo(jobKey.Name, jobKey.Group, detail?.Description, null, null, null, null, "no trigger"));
                continue;
            }
            foreach (var trigger in triggers)
            {
                var state = await scheduler.GetTriggerState(trigger.Key, ct);
                list.Add(new JobInfo(jobKey.Name, jobKey.Group, detail?.Description, trigger.Key.Name, Describe(trigger),
                    trigger.NextFireTimeUtc, trigger.PreviousFireTimeUtc, state.ToString().ToLowerInvariant()));
            }
        }
        return list.OrderBy(j => j.Group).ThenBy(j => j.Key).ToList();
    }

    private static string Describe(ITrigger trigger) => trigger switch
    {
        ICronTrigger cron => $"cron {cron.CronExpressionString} ({cron.TimeZone.Id})",
        ISimpleTrigger simple => $"every {simple.RepeatInterval}",
        _ => trigger.GetType().Name,
    };
}
