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
    private readonly List<StartupPhase> _beside = [];
    private readonly long _started = Stopwatch.GetTimestamp();
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

    /// <summary>
    /// Phases of work that runs beside the main line (the database's initialization, while the web host builds its
    /// pipeline): each <see cref="StartupTrack.Mark"/> closes a phase begun at the previous one, named
    /// <c>"{track}: {phase}"</c>. They are listed with the others but not added to <see cref="TotalMs"/>.
    /// </summary>
    public StartupTrack Track(string track) => new(this, track);

    /// <summary>Milliseconds from the process's start to now.</summary>
    public double SinceProcessStartMs => Math.Round(RuntimeMs + Stopwatch.GetElapsedTime(_started).TotalMilliseconds, 1);

    internal void Add(StartupPhase phase)
    {
        lock (_gate) _beside.Add(phase);
    }

    public IReadOnlyList<StartupPhase> Phases
    {
        get
        {
            lock (_gate) return [new StartupPhase("runtime", RuntimeMs), .. _phases];
        }
    }

    /// <summary>The phases as one JSON object, name to milliseconds, in order.</summary>
    public string ToJson()
    {
        List<StartupPhase> beside;
        lock (_gate) beside = [.. _beside];
        return JsonSerializer.Serialize(Phases.Concat(beside).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Ms), 1)));
    }

    /// <summary>The main line's phases: from the process's start to the last <see cref="Mark"/>.</summary>
    public double TotalMs => Math.Round(Phases.Sum(p => p.Ms), 1);
}

/// <summary>One line of start-up work beside the main one (<see cref="StartupTimeline.Track"/>).</summary>
public sealed class StartupTrack(StartupTimeline timeline, string name)
{
    private long _last = Stopwatch.GetTimestamp();

    public void Mark(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        timeline.Add(new StartupPhase($"{name}: {phase}", Math.Round(Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds, 1)));
        _last = now;
    }
}
