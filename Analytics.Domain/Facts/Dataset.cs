namespace Analytics.Domain.Facts;

/// <summary>
/// A named table of facts: a time column, up to <see cref="MaxDimensions"/> dimensions and up to
/// <see cref="MaxMeasures"/> measures. Each field occupies a numbered slot of the shared fact table, so every
/// dataset is stored, indexed and aggregated the same way whatever source it came from.
/// </summary>
public sealed class Dataset
{
    public const int MaxDimensions = 6;
    public const int MaxMeasures = 10;

    public int Id { get; init; }
    /// <summary>Stable machine name, unique per source (e.g. <c>ad_performance</c>).</summary>
    public required string Key { get; init; }
    public required string Name { get; set; }
    public required string SourceId { get; init; }
    /// <summary>The grain the data was collected at (<c>day</c>, <c>week</c>, <c>hour</c>); coarser queries aggregate.</summary>
    public string Grain { get; set; } = "day";
    public List<DimensionField> Dimensions { get; set; } = [];
    public List<MeasureField> Measures { get; set; } = [];
    /// <summary>Bumped whenever facts change; caches key on it.</summary>
    public long DataVersion { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// When the insight detectors last went over this dataset's whole history (the demo workspace's first-run scan);
    /// null: never, so a start scans it once.
    /// </summary>
    public DateTimeOffset? HistoryScannedAt { get; set; }

    public DimensionField? Dimension(string name) => Dimensions.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    public MeasureField? Measure(string name) => Measures.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks names, slots and limits; throws <see cref="ValidationException"/> listing every problem.</summary>
    public void Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Key)) errors["key"] = ["A dataset needs a key."];
        if (Dimensions.Count > MaxDimensions) errors["dimensions"] = [$"At most {MaxDimensions} dimensions; got {Dimensions.Count}."];
        if (Measures.Count > MaxMeasures) errors["measures"] = [$"At most {MaxMeasures} measures; got {Measures.Count}."];
        if (Measures.Count == 0) errors["measures"] = ["A dataset needs at least one measure."];
        var names = Dimensions.Select(d => d.Name).Concat(Measures.Select(m => m.Name)).ToList();
        var dupes = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) errors["fields"] = [$"Field names must be unique: {string.Join(", ", dupes)}."];
        if (Dimensions.Select(d => d.Slot).Distinct().Count() != Dimensions.Count || Dimensions.Any(d => d.Slot is < 1 or > MaxDimensions))
            errors["dimensions.slot"] = [$"Dimension slots must be distinct and within 1..{MaxDimensions}."];
        if (Measures.Select(m => m.Slot).Distinct().Count() != Measures.Count || Measures.Any(m => m.Slot is < 1 or > MaxMeasures))
            errors["measures.slot"] = [$"Measure slots must be distinct and within 1..{MaxMeasures}."];
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

public sealed record DimensionField(string Name, string Label, int Slot);

/// <summary>
/// A measure and how it aggregates. <see cref="Additive"/> is false for distinct counts such as reach: those are
/// never summed across time buckets or segments.
/// </summary>
public sealed record MeasureField(string Name, string Label, int Slot, Aggregation Aggregation = Aggregation.Sum, bool Additive = true);

public enum Aggregation
{
    Sum,
    Min,
    Max,
    Avg,
    Count,
}
