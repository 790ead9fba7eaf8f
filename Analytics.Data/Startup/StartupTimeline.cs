using System.Diagnostics;
using System.Text.Json;

namespace Analytics.Data.Startup;

/// <summary>One start-up phase and how long it took, in milliseconds.</summary>
public sealed record StartupPhase(string Name, double Ms);

/// <summary>
/// Where a start-up's time goes: each <see cref="Mark"/> closes a phase that began at the previous mark (the first at
/// construction, the first line of <c>Program</c>). <see cref="RuntimeMs"/> is the time before that: the runtime's own
/// start and assembly loading, from the process's start time. The web host logs the phases once it listens
/// (category <see cref="LogCategory"/>); <c>bench startup</c> reads that line.
/// </summary>
public sealed class StartupTimeline
{
    public const string LogCategory = "Analytics.Startup";

    private readonly Lock _gate = new();
    private readonly List<StartupPhase> _phases = [];
    private long _last = Stopwatch.GetTimestamp();

    public StartupTimeline()
    {
        using var process = Process.GetCurrentProcess();
        RuntimeMs = Math.Max(0, Math.Round((DateTime.Now - process.StartTime).TotalMilliseconds, 1));
    }

    /// <summary>From the process's start to this timeline's construction (the runtime starting, loading the app).</summary>
    public double RuntimeMs { get; }

    public void Mark(string phase)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            _phases.Add(new StartupPhase(phase, Math.Round(Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds, 1)));
            _last = now;
        }
    }

    public IReadOnlyList<StartupPhase> Phases
    {
        get
        {
            lock (_gate) return [new StartupPhase("runtime", RuntimeMs), .. _phases];
        }
    }

    /// <summary>The phases as one JSON object, name to milliseconds, in order.</summary>
    public string ToJson() => JsonSerializer.Serialize(Phases.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Ms), 1)));

    public double TotalMs => Math.Round(Phases.Sum(p => p.Ms), 1);
}
