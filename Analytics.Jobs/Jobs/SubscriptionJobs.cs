using Analytics.Data.Subscriptions;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Delivers due dashboard subscriptions (every <c>Analytics:Jobs:SupervisorIntervalSeconds</c>, 15 s by default). Each
/// pass claims a slot (a run row saved with the moved-on next run) before sending, so a crash never sends twice or
/// records a send that did not happen; missed slots collapse into one run. Triggering the job by hand ("run now" in the
/// job console) runs a pass at once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SubscriptionDeliveryJob(SubscriptionRunner subscriptions) : IScheduledJob
{
    public static JobKey Key { get; } = new("subscription-delivery", "subscriptions");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Every(TimeSpan.FromSeconds(settings.Jobs.SupervisorIntervalSeconds), new TriggerKey("subscriptions-every-15s", "subscriptions"),
        "Delivers due dashboard subscriptions by e-mail and records each run's real outcome.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var runs = await subscriptions.RunDueAsync(cancellationToken);
        context.Result = $"{runs.Count} subscription runs: {runs.Count(r => r.Outcome == "sent")} sent, {runs.Count(r => r.Outcome == "failed")} failed";
    }
}
