namespace Analytics.Domain.Facts;

/// <summary>
/// Facts pre-aggregated per UTC week (ISO, Monday) or UTC month, per dimension combination: the same slots as
/// <see cref="Fact"/>, each measure aggregated by its dataset's rule (sum, min, max). Maintained by the fact store
/// whenever facts are written; the query planner reads it when it answers exactly.
/// </summary>
public sealed class FactRollup
{
    public const string Week = "week";
    public const string Month = "month";

    public int DatasetId { get; set; }
    /// <summary><see cref="Week"/> or <see cref="Month"/>.</summary>
    public required string Grain { get; set; }
    /// <summary>Bucket start, Unix seconds, UTC.</summary>
    public long Ts { get; set; }
    public long DimHash { get; set; }
    public string? D1 { get; set; }
    public string? D2 { get; set; }
    public string? D3 { get; set; }
    public string? D4 { get; set; }
    public string? D5 { get; set; }
    public string? D6 { get; set; }
    public double? M1 { get; set; }
    public double? M2 { get; set; }
    public double? M3 { get; set; }
    public double? M4 { get; set; }
    public double? M5 { get; set; }
    public double? M6 { get; set; }
    public double? M7 { get; set; }
    public double? M8 { get; set; }
    public double? M9 { get; set; }
    public double? M10 { get; set; }
}
