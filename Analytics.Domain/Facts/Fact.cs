namespace Analytics.Domain.Facts;

/// <summary>
/// One row of a dataset. The key is (dataset, time, dimension hash): writing the same key again replaces the row, so
/// re-running an overlapping window never duplicates.
/// </summary>
public sealed class Fact
{
    public int DatasetId { get; set; }
    /// <summary>Bucket start, Unix seconds, UTC.</summary>
    public long Ts { get; set; }
    /// <summary><see cref="DimensionKey.Hash"/> of the dimension values in slot order.</summary>
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

    /// <summary>The dimension value in <paramref name="slot"/> (1-based).</summary>
    public string? Dimension(int slot) => slot switch
    {
        1 => D1, 2 => D2, 3 => D3, 4 => D4, 5 => D5, 6 => D6,
        _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "Dimension slots are 1..6."),
    };

    /// <summary>The measure value in <paramref name="slot"/> (1-based).</summary>
    public double? Measure(int slot) => slot switch
    {
        1 => M1, 2 => M2, 3 => M3, 4 => M4, 5 => M5, 6 => M6, 7 => M7, 8 => M8, 9 => M9, 10 => M10,
        _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "Measure slots are 1..10."),
    };
}

/// <summary>A fact row as produced by generators and connectors: values by slot (index 0 = slot 1).</summary>
public readonly record struct FactRow(long Ts, string?[] Dimensions, double?[] Measures)
{
    public long DimHash => DimensionKey.Hash(Dimensions);
}

public static class DimensionKey
{
    /// <summary>
    /// 64-bit FNV-1a over the dimension values, with a separator between values and a distinct marker for null, so
    /// (“a”, null) and (null, “a”) and (“a”, “”) all differ. Stable across processes and platforms.
    /// </summary>
    public static long Hash(ReadOnlySpan<string?> values)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        foreach (var value in values)
        {
            if (value is null)
            {
                hash = (hash ^ 0xFE) * prime;
            }
            else
            {
                foreach (var ch in value)
                {
                    hash = (hash ^ (byte)ch) * prime;
                    hash = (hash ^ (byte)(ch >> 8)) * prime;
                }
            }
            hash = (hash ^ 0x1F) * prime;
        }
        return unchecked((long)hash);
    }
}
