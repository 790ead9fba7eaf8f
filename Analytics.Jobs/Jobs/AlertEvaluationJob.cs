using Analytics.Data.Alerts;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Evaluates every enabled alert rule once a minute. Misfire policy: skip missed runs and wait for the next one —
/// an evaluation reads the current window, so catching up on old firings would only repeat the same answer.
/// </summary>
[DisallowConcurrentExecution]
public sealed class AlertEvaluationJob(AlertEvaluationService alerts, ILogger<AlertEvaluationJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("alert-evaluation", "alerts");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Every(TimeSpan.FromSeconds(60), new TriggerKey("alert-evaluation-every-minute", "alerts"),
        "Evaluates alert rules and notifies when they fire or resolve.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var summary = await alerts.EvaluateAllAsync(cancellationToken);
        context.Result = summary;
        if (summary.Fired + summary.Resolved + summary.Failed > 0)
            logger.LogInformation("Alerts evaluated: {Evaluated}, fired {Fired}, resolved {Resolved}, failed {Failed}",
                summary.Evaluated, summary.Fired, summary.Resolved, summary.Failed);
    }
}
