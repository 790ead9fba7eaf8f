namespace Analytics.Domain.Insights;

/// <summary>
/// Scans several metrics of the segments of one scope (e.g. the campaigns of an instance) and folds what it finds into
/// one event per segment and day: a delivery outage moves impressions, clicks, spend and sales together, and is one
/// thing to tell an analyst, not four.
/// </summary>
public sealed class AnomalyScanner(AnomalyDetector detector)
{
    /// <param name="series">Per metric, the daily series of each segment (series key = segment).</param>
    public IReadOnlyList<AnomalyEvent> Scan(IReadOnlyDictionary<string, IReadOnlyList<DailySeries>> series, DateOnly? from = null)
    {
        var findings = series
            .SelectMany(m => detector.DetectGroup(m.Value, from).Select(p => new MetricAnomaly(m.Key, p)))
            .ToList();
        return findings
            .GroupBy(f => (f.Point.Key, f.Point.Day))
            .Select(g => new AnomalyEvent(g.Key.Key, g.Key.Day, g.OrderByDescending(f => Math.Abs(f.Point.Z)).ToList()))
            .OrderBy(e => e.Day).ThenBy(e => e.Segment, StringComparer.Ordinal)
            .ToList();
    }
}

public sealed record MetricAnomaly(string Metric, AnomalyPoint Point);

/// <summary>One segment's unusual day; <see cref="Metrics"/> strongest first.</summary>
public sealed record AnomalyEvent(string Segment, DateOnly Day, IReadOnlyList<MetricAnomaly> Metrics)
{
    public MetricAnomaly Primary => Metrics[0];
}
