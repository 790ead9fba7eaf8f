namespace Analytics.Domain.Demo;

/// <summary>An anomaly the demo generator injected on purpose, recorded so detectors can be scored against it.</summary>
public sealed class SeededAnomaly
{
    public int Id { get; init; }
    public int DatasetId { get; set; }
    public required string SourceId { get; init; }
    /// <summary>Day of the anomaly, Unix seconds (UTC midnight).</summary>
    public long Ts { get; init; }
    public required string Campaign { get; init; }
    public required string Metric { get; init; }
    /// <summary>Multiplier applied to the metric that day (e.g. 3.5 = spike, 0.2 = drop).</summary>
    public double Factor { get; init; }
    public required string Description { get; init; }
}
