using Analytics.Domain.Facts;

namespace Analytics.Data.Facts;

/// <summary>
/// Builds the weekly and monthly rollup rows and the day projections of a batch in memory while it streams to the
/// database — used when a batch is inserted into a dataset that had no facts, where they are exactly the batch's own
/// aggregates. Same rules as the SQL refresh: UTC days, ISO weeks and months, SUM ignoring nulls (null when all are
/// null), MIN/MAX per the measure's aggregation (and MIN for averages, which never read aggregates). The full rollups
/// give up past <see cref="MaxEntries"/> groups (the caller then refreshes them in SQL).
/// Every <see cref="FactProjections.Candidates"/> projection is tracked until it proves too large (more than
/// <see cref="FactProjections.MaxShareOfFacts"/> of the rows seen, checked from <see cref="WarmUpRows"/> rows on),
/// so the ASIN-level projection of an ad dataset is dropped after a few thousand rows instead of growing as big as
/// the facts. Per row the work is one hash of the dimension values (reused for every table), one lookup of the
/// dimension combination, and one dictionary update per live projection keyed by (day, group number).
/// </summary>
internal sealed class RollupAccumulator
{
    public const int MaxEntries = 1_500_000;
    public const int WarmUpRows = 4_096;
    /// <summary>Projection groups held in memory at most, over all projections.</summary>
    public const int MaxProjectionEntries = 2_000_000;

    private readonly Dictionary<(long Bucket, long DimHash), Entry> _weeks = new();
    private readonly Dictionary<(long Bucket, long DimHash), Entry> _months = new();
    private readonly int[] _dimensionIndexes;
    private readonly int[] _measureIndexes;
    private readonly Aggregation[] _aggregations;
    private readonly Candidate[] _candidates;
    /// <summary>Dimension combination (fact hash) → the group number of each candidate projection.</summary>
    private readonly Dictionary<long, int[]> _combinations = new();
    private long _monthDay = long.MinValue;
    private long _monthStart;
    private long _rows;
    private int _projectionEntries;

    public RollupAccumulator(Dataset dataset)
    {
        _dimensionIndexes = FactColumns.DimensionIndexes(dataset);
        _measureIndexes = FactColumns.MeasureIndexes(dataset);
        _aggregations = dataset.Measures.OrderBy(m => m.Slot).Select(m => m.Aggregation).ToArray();
        _candidates = FactProjections.Candidates(dataset).Select(mask => new Candidate(mask)).ToArray();
    }

    public bool Overflowed { get; private set; }

    public IEnumerable<FactRow> Track(IEnumerable<FactRow> rows)
    {
        foreach (var row in rows)
        {
            Add(row);
            yield return row;
        }
    }

    private void Add(FactRow row)
    {
        _rows++;
        var day = row.Ts >= 0 ? row.Ts / 86_400 : (row.Ts - 86_399) / 86_400;
        var hash = row.DimHash;
        if (!Overflowed)
        {
            var week = (day - (((day + 3) % 7) + 7) % 7) * 86_400;
            if (day != _monthDay)
            {
                var date = DateTimeOffset.FromUnixTimeSeconds(day * 86_400);
                _monthStart = new DateTimeOffset(date.Year, date.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
                _monthDay = day;
            }
            Accumulate(_weeks, (week, hash), row);
            Accumulate(_months, (_monthStart, hash), row);
            if (_weeks.Count + _months.Count > MaxEntries)
            {
                Overflowed = true;
                _weeks.Clear();
                _months.Clear();
            }
        }
        Project(day, hash, row);
    }

    private void Project(long day, long hash, FactRow row)
    {
        if (!_combinations.TryGetValue(hash, out var groups))
        {
            groups = new int[_candidates.Length];
            for (var c = 0; c < _candidates.Length; c++) groups[c] = _candidates[c].Group(row.Dimensions);
            _combinations[hash] = groups;
        }
        var check = _rows >= WarmUpRows;
        for (var c = 0; c < _candidates.Length; c++)
        {
            var candidate = _candidates[c];
            if (candidate.Dropped) continue;
            var key = (day << 24) | (uint)groups[c];
            if (!candidate.Days.TryGetValue(key, out var entry))
            {
                entry = new Projected(hash, new double?[_measureIndexes.Length]);
                candidate.Days[key] = entry;
                _projectionEntries++;
            }
            else if (hash < entry.MinHash) entry.MinHash = hash;
            Combine(entry.Values, row);
            if (check && (candidate.Days.Count > _rows * FactProjections.MaxShareOfFacts || groups[c] >= 1 << 24))
            {
                _projectionEntries -= candidate.Days.Count;
                candidate.Drop();
            }
        }
        if (_projectionEntries > MaxProjectionEntries)
        {
            // Too much to hold: give up on the largest.
            var largest = _candidates.Where(x => !x.Dropped).MaxBy(x => x.Days.Count)!;
            _projectionEntries -= largest.Days.Count;
            largest.Drop();
        }
    }

    private void Accumulate(Dictionary<(long, long), Entry> entries, (long, long) key, FactRow row)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(_dimensionIndexes.Select(i => i < row.Dimensions.Length ? row.Dimensions[i] : null).ToArray(), new double?[_measureIndexes.Length]);
            entries[key] = entry;
        }
        Combine(entry.Values, row);
    }

    private void Combine(double?[] values, FactRow row)
    {
        for (var m = 0; m < _measureIndexes.Length; m++)
        {
            var index = _measureIndexes[m];
            if (index >= row.Measures.Length || row.Measures[index] is not { } value) continue;
            values[m] = values[m] is not { } current ? value : _aggregations[m] switch
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

    public long WeekRows => _weeks.Count;
    public long MonthRows => _months.Count;

    /// <summary>The projections worth keeping (see <see cref="FactProjections.Keep"/>) with their row counts, given the rows written.</summary>
    public IReadOnlyList<(int Mask, long Rows)> KeptProjections(long facts)
    {
        var live = _candidates.Where(c => !c.Dropped).ToDictionary(c => c.Mask, c => (long)c.Days.Count);
        return FactProjections.Keep(live, facts).Select(m => (m, live[m])).ToList();
    }

    /// <summary>
    /// Rows for <c>fact_projection_rows</c> of projection <paramref name="mask"/> in (day, hash) order, in the column order
    /// dataset_id, projection, ts, dim_hash, dN…, mN… (slot order; dimensions the projection drops are null).
    /// </summary>
    public IEnumerable<object?[]> ProjectionRows(int datasetId, int mask)
    {
        var candidate = _candidates.Single(c => c.Mask == mask);
        var width = _dimensionIndexes.Length;
        foreach (var (key, entry) in candidate.Days.OrderBy(e => e.Key >> 24).ThenBy(e => e.Value.MinHash))
        {
            var row = new object?[4 + width + entry.Values.Length];
            row[0] = datasetId;
            row[1] = mask;
            row[2] = (key >> 24) * 86_400;
            row[3] = entry.MinHash;
            var values = candidate.Values[(int)(key & 0xFFFFFF)];
            for (var i = 0; i < width; i++) row[4 + i] = values[_dimensionIndexes[i]];
            for (var i = 0; i < entry.Values.Length; i++) row[4 + width + i] = entry.Values[i];
            yield return row;
        }
    }

    private sealed record Entry(string?[] Dimensions, double?[] Values);

    private sealed class Projected(long minHash, double?[] values)
    {
        public long MinHash { get; set; } = minHash;
        public double?[] Values { get; } = values;
    }

    /// <summary>One candidate projection: its groups (kept values, by slot index) numbered in order of appearance, and its day entries.</summary>
    private sealed class Candidate(int mask)
    {
        private readonly Dictionary<long, int> _byHash = new();

        public int Mask { get; } = mask;
        public bool Dropped { get; private set; }
        public Dictionary<long, Projected> Days { get; private set; } = new();
        /// <summary>Per group number, the dimension values by slot index (null where the projection drops the dimension).</summary>
        public List<string?[]> Values { get; } = [];

        public int Group(string?[] dimensions)
        {
            var kept = new string?[Dataset.MaxDimensions];
            for (var i = 0; i < kept.Length && i < dimensions.Length; i++)
            {
                if ((Mask & (1 << i)) != 0) kept[i] = dimensions[i];
            }
            var hash = DimensionKey.Hash(kept);
            if (_byHash.TryGetValue(hash, out var group)) return group;
            _byHash[hash] = group = Values.Count;
            Values.Add(kept);
            return group;
        }

        public void Drop()
        {
            Dropped = true;
            Days = new();
        }
    }
}
