using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Reports;

/// <summary>Scheduled collection (<c>Analytics:Schedules</c>).</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Analytics:Schedules";

    /// <summary>How late an AMC instance's data can still arrive: a window is collected only once it ended this long ago.</summary>
    [Range(0, 8_760)]
    public double AmcLateDataHours { get; set; } = 48;
    /// <summary>Windows before the newest one that each run collects again, to pick up late data (merged idempotently).</summary>
    [Range(0, 1_000)]
    public int LookbackWindows { get; set; } = 1;
    /// <summary>Attempts of a scheduled window that fails for a retryable reason (AMC down, an execution that FAILED) before it fails for good.</summary>
    [Range(1, 20)] public int RetryMaxAttempts { get; set; } = 5;
    /// <summary>Backoff between those attempts: exponential from this base, with jitter, up to <see cref="RetryMaxSeconds"/>.</summary>
    [Range(0.001, 86_400)] public double RetryBaseSeconds { get; set; } = 60;
    [Range(0.001, 86_400)] public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: base·2^(attempt−1), capped, times a jitter in [0.5, 1) from <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan RetryDelay(int attempt, double random) =>
        TimeSpan.FromSeconds(Math.Min(RetryMaxSeconds, RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30))) * (0.5 + random / 2));
}
