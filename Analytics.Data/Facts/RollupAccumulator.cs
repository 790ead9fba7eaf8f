using System.Runtime.InteropServices;
using Analytics.Domain.Facts;

namespace Analytics.Data.Facts;

/// <summary>
/// Builds the weekly and monthly rollup rows and the day projections of a batch in memory while it streams to the
/// database — used when a batch is inserted into a dataset that had no facts, where they are exactly the batch's own
/// aggregates. Same rules as the SQL refresh: projections per stored time, ISO weeks and months, SUM ignoring nulls (null when all are
/// null), MIN/MAX per the measure's aggregation (and MIN for averages, which never read aggregates). The full rollups
/// give up past <see cref="MaxEntries"/> groups (the caller then refreshes them in SQL).
/// Every <see cref="FactProjections.Candidates"/> projection is tracked until it proves too large (more than
/// <see cref="FactProjections.MaxShareOfFacts"/> of the rows seen, checked from <see cref="WarmUpRows"/> rows on),
/// so the ASIN-level projection of an ad dataset is dropped after a few thousand rows instead of growing as big as
/// the facts. Per row the work is one hash of the dimension values (reused for every table), one lookup of the
/// dimension combination, and one dictionary update per live projection keyed by (stored time, group number).
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
    /// <summary>(smaller, larger) candidate pairs and whether each group of the smaller falls in one group of the larger.</summary>
    private readonly List<Pair> _pairs = [];
    private long _monthDay = long.MinValue;
    private long _monthStart;
    private long _rows;
    private int _projectionEntries;

    public RollupAccumulator(Dataset dataset)
    {
        _dimensionIndexes = FactColumns.DimensionIndexes(dataset);
        _measureIndexes = FactColumns.MeasureIndexes(dataset);
        _aggregations = dataset.Measures.OrderBy(m => m.Slot).Select(m => m.Aggregation).ToArray();
        _candidates = FactProjections.Candidates(dataset).Select(mask => new Candidate(mask, _measureIndexes.Length)).ToArray();
        for (var s = 0; s < _candidates.Length; s++)
            for (var l = 0; l < _candidates.Length; l++)
            {
                var (smaller, larger) = (_candidates[s].Mask, _candidates[l].Mask);
                if (s != l && (smaller & larger) == smaller) _pairs.Add(new Pair(_candidates[s], s, _candidates[l], l));
            }
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
        Project(row.Ts, hash, row);
    }

    /// <summary>Adds the fact to each live candidate projection's entry of (its stored time, its kept values).</summary>
    private void Project(long ts, long hash, FactRow row)
    {
        if (!_combinations.TryGetValue(hash, out var groups))
        {
            groups = new int[_candidates.Length];
            for (var c = 0; c < _candidates.Length; c++) groups[c] = _candidates[c].Group(row.Dimensions);
            _combinations[hash] = groups;
            foreach (var pair in _pairs) pair.See(groups);
            if (_rows > WarmUpRows) DropUnshadowed();
        }
        if (_rows == WarmUpRows) Shadow();
        var check = _rows >= WarmUpRows;
        for (var c = 0; c < _candidates.Length; c++)
        {
            var candidate = _candidates[c];
            if (candidate.Dropped || candidate.Shadowed) continue;
            if (candidate.Add(ts, groups[c], hash, row, _measureIndexes, _aggregations)) _projectionEntries++;
            if (check && (candidate.Count > _rows * FactProjections.MaxShareOfFacts || groups[c] >= 1 << 24))
            {
                _projectionEntries -= candidate.Count;
                candidate.Drop();
                DropUnshadowed();
            }
        }
        if (_projectionEntries > MaxProjectionEntries)
        {
            // Too much to hold: give up on the largest.
            var largest = _candidates.Where(x => !x.Dropped && !x.Shadowed).MaxBy(x => x.Count)!;
            _projectionEntries -= largest.Count;
            largest.Drop();
            DropUnshadowed();
        }
    }

    /// <summary>
    /// After the warm-up: a candidate whose groups each fall in one group of a larger live candidate (campaign in
    /// (campaign, type)) has as many rows as that one, so <see cref="FactProjections.Keep"/> would drop it; stop
    /// accumulating it. (The larger one answers everything it would.)
    /// </summary>
    private void Shadow()
    {
        foreach (var candidate in _candidates.Where(c => !c.Dropped && _pairs.Any(p => p.Smaller == c && p.Holds && !p.Larger.Dropped)))
        {
            _projectionEntries -= candidate.Count;
            candidate.Shadow();
        }
    }

    /// <summary>A shadowed candidate missed rows: once no larger live candidate covers it any more, it is dropped for good.</summary>
    private void DropUnshadowed()
    {
        foreach (var candidate in _candidates.Where(c => c.Shadowed && !c.Dropped && !_pairs.Any(p => p.Smaller == c && p.Holds && !p.Larger.Dropped && !p.Larger.Shadowed)))
            candidate.Drop();
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
        var live = _candidates.Where(c => !c.Dropped && !c.Shadowed).ToDictionary(c => c.Mask, c => (long)c.Count);
        return FactProjections.Keep(live, facts).Select(m => (m, live[m])).ToList();
    }

    /// <summary>
    /// Rows for <c>fact_projection_rows</c> of projection <paramref name="mask"/> in (time, hash) order, in the column order
    /// dataset_id, projection, ts, dim_hash, dN…, mN… (slot order; dimensions the projection drops are null).
    /// </summary>
    public IEnumerable<object?[]> ProjectionRows(int datasetId, int mask)
    {
        var candidate = _candidates.Single(c => c.Mask == mask);
        var width = _dimensionIndexes.Length;
        var measures = _measureIndexes.Length;
        var order = Enumerable.Range(0, candidate.Count).ToArray();
        Array.Sort(order, (a, b) => candidate.Times[a] != candidate.Times[b] ? candidate.Times[a].CompareTo(candidate.Times[b]) : candidate.MinHashes[a].CompareTo(candidate.MinHashes[b]));
        foreach (var entry in order)
        {
            var row = new object?[4 + width + measures];
            row[0] = datasetId;
            row[1] = mask;
            row[2] = candidate.Times[entry];
            row[3] = candidate.MinHashes[entry];
            var values = candidate.Values[candidate.Groups[entry]];
            for (var i = 0; i < width; i++) row[4 + i] = values[_dimensionIndexes[i]];
            for (var i = 0; i < measures; i++) row[4 + width + i] = candidate.Aggregates[entry * measures + i];
            yield return row;
        }
    }

    private sealed record Entry(string?[] Dimensions, double?[] Values);

    /// <summary>
    /// One candidate projection: its groups (kept values, by slot index) numbered in order of appearance, and its
    /// entries — one per (stored time, group) — in flat arrays (no object per entry: a bulk seed holds ~100,000 of them).
    /// </summary>
    private sealed class Candidate(int mask, int measures)
    {
        private readonly Dictionary<long, int> _byHash = new();
        private Dictionary<long, int> _entries = new();

        public int Mask { get; } = mask;
        public bool Dropped { get; private set; }
        public bool Shadowed { get; private set; }
        public int Count { get; private set; }
        /// <summary>Per group number, the dimension values by slot index (null where the projection drops the dimension).</summary>
        public List<string?[]> Values { get; } = [];
        /// <summary>Per entry, the facts' stored time (Unix seconds).</summary>
        public long[] Times { get; private set; } = new long[64];
        public int[] Groups { get; private set; } = new int[64];
        public long[] MinHashes { get; private set; } = new long[64];
        public double?[] Aggregates { get; private set; } = new double?[64 * measures];

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

        /// <summary>Aggregates one fact into its (stored time, group) entry; true when the entry is new.</summary>
        public bool Add(long ts, int group, long hash, FactRow row, int[] measureIndexes, Aggregation[] aggregations)
        {
            // Unix seconds fit 34 bits until the year 2514; groups are below 2^24 (larger candidates are dropped).
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, (ts << 24) | (uint)group, out var exists);
            if (!exists)
            {
                entry = Count++;
                if (entry == Times.Length)
                {
                    Times = Grow(Times);
                    Groups = Grow(Groups);
                    MinHashes = Grow(MinHashes);
                    var aggregates = Aggregates;
                    Array.Resize(ref aggregates, Times.Length * measures);
                    Aggregates = aggregates;
                }
                Times[entry] = ts;
                Groups[entry] = group;
                MinHashes[entry] = hash;
            }
            else if (hash < MinHashes[entry]) MinHashes[entry] = hash;
            var at = entry * measures;
            for (var m = 0; m < measures; m++)
            {
                var index = measureIndexes[m];
                if (index >= row.Measures.Length || row.Measures[index] is not { } value) continue;
                Aggregates[at + m] = Aggregates[at + m] is not { } current ? value : aggregations[m] switch
                {
                    Aggregation.Max => Math.Max(current, value),
                    Aggregation.Min or Aggregation.Avg => Math.Min(current, value),
                    _ => current + value,
                };
            }
            return !exists;
        }

        private static T[] Grow<T>(T[] array)
        {
            Array.Resize(ref array, array.Length * 2);
            return array;
        }

        public void Shadow()
        {
            Shadowed = true;
            Release();
        }

        public void Drop()
        {
            Dropped = true;
            Release();
        }

        private void Release()
        {
            _entries = new();
            Count = 0;
            Times = [];
            Groups = [];
            MinHashes = [];
            Aggregates = [];
        }
    }

    /// <summary>Whether every group of <see cref="Smaller"/> seen so far falls in one group of <see cref="Larger"/>.</summary>
    private sealed class Pair(Candidate smaller, int smallerIndex, Candidate larger, int largerIndex)
    {
        private readonly Dictionary<int, int> _map = new();

        public Candidate Smaller { get; } = smaller;
        public Candidate Larger { get; } = larger;
        public bool Holds { get; private set; } = true;

        public void See(int[] groups)
        {
            if (!Holds) return;
            ref var mapped = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, groups[smallerIndex], out var exists);
            if (!exists) mapped = groups[largerIndex];
            else if (mapped != groups[largerIndex]) Holds = false;
        }
    }
}
