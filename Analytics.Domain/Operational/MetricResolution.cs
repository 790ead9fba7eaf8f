namespace Analytics.Domain.Operational;

/// <summary>The stored resolutions: raw points and four rollups. The value is the bucket width in milliseconds.</summary>
public enum MetricResolution : long
{
    Raw = 0,
    OneMinute = 60_000,
    FiveMinutes = 300_000,
    OneHour = 3_600_000,
    OneDay = 86_400_000,
}

public static class MetricResolutions
{
    /// <summary>The rollups, finest first: each is computed from the one before (1m from raw).</summary>
    public static readonly MetricResolution[] Rollups =
        [MetricResolution.OneMinute, MetricResolution.FiveMinutes, MetricResolution.OneHour, MetricResolution.OneDay];

    public static readonly MetricResolution[] All = [MetricResolution.Raw, .. Rollups];

    public static long Ms(this MetricResolution r) => (long)r;

    public static string ToWire(this MetricResolution r) => r switch
    {
        MetricResolution.Raw => "raw",
        MetricResolution.OneMinute => "1m",
        MetricResolution.FiveMinutes => "5m",
        MetricResolution.OneHour => "1h",
        _ => "1d",
    };

    public static bool TryParseInterval(string? text, out MetricResolution resolution)
    {
        resolution = text?.Trim() switch
        {
            "1m" => MetricResolution.OneMinute,
            "5m" => MetricResolution.FiveMinutes,
            "1h" => MetricResolution.OneHour,
            "1d" => MetricResolution.OneDay,
            _ => MetricResolution.Raw,
        };
        return resolution != MetricResolution.Raw;
    }

    /// <summary>The finer resolution a rollup is computed from.</summary>
    public static MetricResolution Source(this MetricResolution r) => r switch
    {
        MetricResolution.FiveMinutes => MetricResolution.OneMinute,
        MetricResolution.OneHour => MetricResolution.FiveMinutes,
        MetricResolution.OneDay => MetricResolution.OneHour,
        _ => MetricResolution.Raw,
    };

    public static long BucketOf(long ts, long widthMs) => ts - (((ts % widthMs) + widthMs) % widthMs);
}

/// <summary>
/// One pre-aggregated bucket of one series: <c>[BucketTs, BucketTs + Resolution)</c>. Avg is Sum/Count; percentiles
/// cannot be rebuilt from these and are computed from raw points.
/// </summary>
public sealed class MetricRollup
{
    public long SeriesId { get; set; }
    public MetricResolution Resolution { get; set; }
    public long BucketTs { get; set; }
    public long Count { get; set; }
    public double Sum { get; set; }
    public double Min { get; set; }
    public double Max { get; set; }
}

/// <summary>A validated point ready to store: metric name, canonical tags key (<see cref="MetricSeries.KeyOf"/>), Unix ms, value.</summary>
public readonly record struct SeriesPoint(string Name, string TagsKey, long Ts, double Value);
