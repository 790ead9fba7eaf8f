using System.Collections.Concurrent;
using System.Diagnostics;
using Analytics.Data.Operational;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Records every job run into the operational store, tagged <c>{job, outcome}</c> (succeeded|failed|cancelled):
/// <c>jobs.run.duration_ms</c>, <c>jobs.run.cpu_ms</c> (process CPU time spent while it ran — an upper bound when jobs
/// overlap), <c>jobs.run.allocated_bytes</c> (managed allocations meanwhile, likewise process-wide),
/// <c>jobs.run.peak_memory_bytes</c> (the process's peak working set at its end), <c>jobs.run.attempt</c> (0 on the
/// regular fire, n on the n-th retry) and <c>jobs.run.count</c>. Dashboards chart the system itself from these.
/// </summary>
public sealed class JobMetricsListener(MetricsBuffer buffer) : IJobListener
{
    private readonly ConcurrentDictionary<string, (TimeSpan Cpu, long Allocated)> _started = new();

    public string Name => "job-metrics";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        _started[context.FireInstanceId] = (Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes());
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        _started.TryRemove(context.FireInstanceId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        using var process = Process.GetCurrentProcess();
        var outcome = jobException is null ? "succeeded" : jobException.InnerException is OperationCanceledException ? "cancelled" : "failed";
        var tags = new Dictionary<string, string> { ["job"] = context.JobDetail.Key.ToString(), ["outcome"] = outcome };
        buffer.Record("jobs.run.duration_ms", tags, context.JobRunTime.TotalMilliseconds);
        buffer.Record("jobs.run.count", tags, 1);
        buffer.Record("jobs.run.attempt", tags, context.RetryAttempt);
        buffer.Record("jobs.run.peak_memory_bytes", tags, process.PeakWorkingSet64);
        if (_started.TryRemove(context.FireInstanceId, out var start))
        {
            buffer.Record("jobs.run.cpu_ms", tags, (process.TotalProcessorTime - start.Cpu).TotalMilliseconds);
            buffer.Record("jobs.run.allocated_bytes", tags, GC.GetTotalAllocatedBytes() - start.Allocated);
        }
        return ValueTask.CompletedTask;
    }
}
