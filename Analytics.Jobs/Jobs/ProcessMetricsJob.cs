using System.Diagnostics;
using Analytics.Data.Operational;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Samples the app's own process (CPU %, working set, managed heap, thread count) into the operational metrics store
/// every minute, so dashboards can chart the system itself. Misfire policy: skip missed runs (a late sample is
/// worthless; the next one is a minute away).
/// </summary>
[DisallowConcurrentExecution]
public sealed class ProcessMetricsJob(OperationalMetricsWriter writer, ProcessSampler sampler) : IScheduledJob
{
    public static JobKey Key { get; } = new("process-metrics", "system");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Every(TimeSpan.FromSeconds(60), new TriggerKey("process-metrics-every-minute", "system"),
        "Samples the app's CPU and memory into the operational metrics store.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await writer.WriteAsync(sampler.Sample(), cancellationToken);
}

/// <summary>Reads the process's counters; remembers the previous CPU reading so it can report CPU % between samples.</summary>
public sealed class ProcessSampler(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private TimeSpan _lastCpu;
    private long _lastSampleMs;

    public IReadOnlyList<OperationalPoint> Sample()
    {
        using var process = Process.GetCurrentProcess();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var cpu = process.TotalProcessorTime;
        var points = new List<OperationalPoint>
        {
            new("process.memory.working_set_mb", null, now, Math.Round(process.WorkingSet64 / 1048576.0, 1)),
            new("process.memory.managed_heap_mb", null, now, Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1)),
            new("process.threads", null, now, process.Threads.Count),
        };
        lock (_gate)
        {
            if (_lastSampleMs > 0 && now > _lastSampleMs)
            {
                var percent = (cpu - _lastCpu).TotalMilliseconds / (now - _lastSampleMs) / Environment.ProcessorCount * 100;
                points.Add(new("process.cpu.percent", null, now, Math.Round(Math.Clamp(percent, 0, 100), 2)));
            }
            _lastCpu = cpu;
            _lastSampleMs = now;
        }
        return points;
    }
}
