namespace Analytics.Domain.Facts;

/// <summary>
/// One pre-aggregated table of a dataset and how many rows it holds, for the query planner's cost estimate: a full
/// rollup (<see cref="Grain"/> week or month, <see cref="Dimensions"/> = <see cref="AllDimensions"/>) or a day
/// projection (<see cref="Grain"/> = <see cref="Day"/>, the facts summed over every dimension outside the
/// <see cref="Dimensions"/> bit set, each at its own stored time; rows in <see cref="FactProjectionRow"/>; maintained
/// per UTC day). A day projection is registered only when it covers all the dataset's facts, so the planner may read
/// it for any range. Because it keeps each fact's time, it answers buckets in any time zone exactly — for daily data
/// stored at UTC midnight it has one row per day and group, as the name says.
/// </summary>
public sealed class FactProjection
{
    public const string Day = "day";
    /// <summary>The full rollups keep every dimension.</summary>
    public const int AllDimensions = -1;

    public int DatasetId { get; set; }
    /// <summary><see cref="Day"/>, <see cref="FactRollup.Week"/> or <see cref="FactRollup.Month"/>.</summary>
    public required string Grain { get; set; }
    /// <summary>Bit (slot − 1) set for each dimension kept; <see cref="AllDimensions"/> for the full rollups.</summary>
    public int Dimensions { get; set; }
    public long RowCount { get; set; }
}

/// <summary>
/// A row of a day projection: the facts of one stored time and one combination of the kept dimensions (the other
/// dimension columns are null), each measure aggregated by its dataset's rule. <see cref="DimHash"/> is the smallest
/// fact hash of the group, which keeps the key unique and is computed the same way in SQL and in memory.
/// </summary>
public sealed class FactProjectionRow
{
    public int DatasetId { get; set; }
    /// <summary>The <see cref="FactProjection.Dimensions"/> bit set this row belongs to.</summary>
    public int Projection { get; set; }
    /// <summary>The facts' stored time (for daily data, the UTC day start), Unix seconds.</summary>
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

/// <summary>Which day projections a dataset keeps, decided from measured group counts.</summary>
public static class FactProjections
{
    /// <summary>A projection is kept only when it has at most this share of the fact rows.</summary>
    public const double MaxShareOfFacts = 0.25;

    /// <summary>Candidates: no dimension (daily totals), each dimension alone and each pair — never every dimension (that is the facts).</summary>
    public static IReadOnlyList<int> Candidates(Dataset dataset)
    {
        var bits = dataset.Dimensions.Select(d => 1 << (d.Slot - 1)).Distinct().Order().ToList();
        var all = bits.Aggregate(0, (a, b) => a | b);
        var masks = new List<int> { 0 };
        masks.AddRange(bits);
        for (var i = 0; i < bits.Count; i++)
            for (var j = i + 1; j < bits.Count; j++) masks.Add(bits[i] | bits[j]);
        return masks.Where(m => m != all || bits.Count == 0).Distinct().ToList();
    }

    /// <summary>
    /// The candidates worth keeping: at most <see cref="MaxShareOfFacts"/> of <paramref name="facts"/> rows, and not
    /// dominated by a kept superset with no more rows (campaign is dropped when (campaign, type) is as small: the
    /// pair answers everything campaign alone would).
    /// </summary>
    public static IReadOnlyList<int> Keep(IReadOnlyDictionary<int, long> groups, long facts)
    {
        var small = groups.Where(g => g.Value <= facts * MaxShareOfFacts).ToList();
        return small
            .Where(g => !small.Any(o => o.Key != g.Key && (o.Key & g.Key) == g.Key && o.Value <= g.Value))
            .Select(g => g.Key).Order().ToList();
    }

    public static int Mask(IEnumerable<int> slots) => slots.Aggregate(0, (m, s) => m | (1 << (s - 1)));

    public static IEnumerable<int> Slots(int mask) => Enumerable.Range(1, Dataset.MaxDimensions).Where(s => (mask & (1 << (s - 1))) != 0);
}
