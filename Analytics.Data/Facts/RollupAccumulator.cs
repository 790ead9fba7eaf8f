using Analytics.Domain.Facts;

namespace Analytics.Data.Facts;

/// <summary>
/// Builds the weekly and monthly rollup rows of a batch in memory while it streams to the database — used when a batch
/// is inserted into a dataset that had no facts, where the rollups are exactly the batch's own aggregates. Same rules
/// as the SQL refresh: UTC ISO weeks and UTC months, SUM ignoring nulls (null when all are null), MIN/MAX per the
/// measure's aggregation (and MIN for averages, which never read rollups). Gives up past <see cref="MaxEntries"/> groups.
/// </summary>
internal sealed class RollupAccumulator
{
    public const int MaxEntries = 1_500_000;

    private readonly Dictionary<(long Bucket, long DimHash), Entry> _weeks = new();
    private readonly Dictionary<(long Bucket, long DimHash), Entry> _months = new();
    private readonly int[] _dimensionIndexes;
    private readonly int[] _measureIndexes;
    private readonly Aggregation[] _aggregations;
    private long _monthDay = long.MinValue;
    private long _monthStart;

    public RollupAccumulator(Dataset dataset)
    {
        _dimensionIndexes = FactColumns.DimensionIndexes(dataset);
        _measureIndexes = FactColumns.MeasureIndexes(dataset);
        _aggregations = dataset.Measures.OrderBy(m => m.Slot).Select(m => m.Aggregation).ToArray();
    }

    public bool Overflowed { get; private set; }

    public IEnumerable<FactRow> Track(IEnumerable<FactRow> rows)
    {
        foreach (var row in rows)
        {
            if (!Overflowed) Add(row);
            yield return row;
        }
    }

    private void Add(FactRow row)
    {
        var day = row.Ts >= 0 ? row.Ts / 86_400 : (row.Ts - 86_399) / 86_400;
        var week = (day - (((day + 3) % 7) + 7) % 7) * 86_400;
        if (day != _monthDay)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(day * 86_400);
            _monthStart = new DateTimeOffset(date.Year, date.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
            _monthDay = day;
        }
        var hash = row.DimHash;
        Accumulate(_weeks, (week, hash), row);
        Accumulate(_months, (_monthStart, hash), row);
        if (_weeks.Count + _months.Count > MaxEntries)
        {
            Overflowed = true;
            _weeks.Clear();
            _months.Clear();
        }
    }

    private void Accumulate(Dictionary<(long, long), Entry> entries, (long, long) key, FactRow row)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(_dimensionIndexes.Select(i => i < row.Dimensions.Length ? row.Dimensions[i] : null).ToArray(), new double?[_measureIndexes.Length]);
            entries[key] = entry;
        }
        for (var m = 0; m < _measureIndexes.Length; m++)
        {
            var index = _measureIndexes[m];
            if (index >= row.Measures.Length || row.Measures[index] is not { } value) continue;
            entry.Values[m] = entry.Values[m] is not { } current ? value : _aggregations[m] switch
            {
                Aggregation.Max => Math.Max(current, value),
                Aggregation.Min or Aggregation.Avg => Math.Min(current, value),
                _ => current + value,
            };
        }
    }

    /// <summary>Rows for <c>fact_rollups</c> in the column order dataset_id, grain, ts, dim_hash, dN…, mN… (slot order).</summary>
    public IEnumerable<object?[]> Rows(int datasetId)
    {
        foreach (var (grain, entries) in new[] { (FactRollup.Week, _weeks), (FactRollup.Month, _months) })
        {
            foreach (var ((bucket, hash), entry) in entries)
            {
                var row = new object?[4 + entry.Dimensions.Length + entry.Values.Length];
                row[0] = datasetId;
                row[1] = grain;
                row[2] = bucket;
                row[3] = hash;
                for (var i = 0; i < entry.Dimensions.Length; i++) row[4 + i] = entry.Dimensions[i];
                for (var i = 0; i < entry.Values.Length; i++) row[4 + entry.Dimensions.Length + i] = entry.Values[i];
                yield return row;
            }
        }
    }

    private sealed record Entry(string?[] Dimensions, double?[] Values);
}
