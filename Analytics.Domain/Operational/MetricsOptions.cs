using System.ComponentModel.DataAnnotations;

namespace Analytics.Domain.Operational;

/// <summary><c>Analytics:Metrics</c>: limits of the operational time-series store. Defaults are documented in appsettings.json.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Analytics:Metrics";

    public MetricsIngestOptions Ingest { get; set; } = new();

    public MetricsRetentionOptions Retention { get; set; } = new();

    public SelfInstrumentationOptions SelfInstrumentation { get; set; } = new();

    public MetricsStreamOptions Stream { get; set; } = new();
}

public sealed class MetricsIngestOptions
{
    [Range(1, 1_000_000)]
    public int MaxPoints { get; set; } = 50_000;

    /// <summary>Bodies larger than this are refused with 413 before being parsed.</summary>
    [Range(1024, 1L << 31)]
    public long MaxBodyBytes { get; set; } = 16L * 1024 * 1024;

    [Range(0, 64)]
    public int MaxTags { get; set; } = 16;

    [Range(1, 1000)]
    public int MaxTagKeyLength { get; set; } = 64;

    [Range(1, 10_000)]
    public int MaxTagValueLength { get; set; } = 256;

    /// <summary>How far into the future a point may be stamped (clock skew of senders).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>How long each resolution is kept, in days; the retention job deletes what is older.</summary>
public sealed class MetricsRetentionOptions
{
    [Range(1, 36500)] public int RawDays { get; set; } = 30;
    [Range(1, 36500)] public int OneMinuteDays { get; set; } = 90;
    [Range(1, 36500)] public int FiveMinutesDays { get; set; } = 180;
    [Range(1, 36500)] public int OneHourDays { get; set; } = 365;
    [Range(1, 36500)] public int OneDayDays { get; set; } = 1825;

    public TimeSpan For(MetricResolution resolution) => TimeSpan.FromDays(resolution switch
    {
        MetricResolution.Raw => RawDays,
        MetricResolution.OneMinute => OneMinuteDays,
        MetricResolution.FiveMinutes => FiveMinutesDays,
        MetricResolution.OneHour => OneHourDays,
        _ => OneDayDays,
    });
}

public sealed class SelfInstrumentationOptions
{
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Observations held between flushes; when full the oldest are dropped (and counted).</summary>
    [Range(100, 10_000_000)]
    public int BufferCapacity { get; set; } = 100_000;
}

public sealed class MetricsStreamOptions
{
    /// <summary>At most this many missed intervals are replayed to a client that reconnects with Last-Event-ID.</summary>
    [Range(1, 100_000)]
    public int MaxReplayIntervals { get; set; } = 300;

    [Range(1, 50)]
    public int MaxNames { get; set; } = 20;
}
