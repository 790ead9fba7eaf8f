using Analytics.Data.Operational;
using Quartz;

namespace Analytics.Jobs;

/// <summary>Records every job run into the operational store: <c>jobs.run.duration_ms{job, outcome}</c> (succeeded|failed).</summary>
public sealed class JobMetricsListener(MetricsBuffer buffer) : IJobListener
{
    public string Name => "job-metrics";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        buffer.Record("jobs.run.duration_ms", new Dictionary<string, string>
        {
            ["job"] = context.JobDetail.Key.ToString(),
            ["outcome"] = jobException is null ? "succeeded" : "failed",
        }, context.JobRunTime.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }
}
