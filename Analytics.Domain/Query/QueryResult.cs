using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;

namespace Analytics.Domain.Query;

/// <summary><c>{ columns, rows, meta }</c>: rows are arrays in column order; times are UTC instants (bucket starts).</summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, QueryMeta Meta);

/// <param name="Type"><c>time</c>, <c>string</c> or <c>number</c>.</param>
/// <param name="Role"><c>time</c>, <c>dimension</c> or <c>metric</c>.</param>
public sealed record QueryColumn(string Name, string Type, string Role, string? Label = null, string? Format = null);

public sealed record QueryMeta(
    IReadOnlyList<DatasetReadMeta> Datasets,
    string Rollup,
    string Cache,
    string TimeZone,
    string Granularity,
    int TotalRows,
    bool Truncated,
    IReadOnlyList<string> Warnings,
    double ElapsedMs = 0,
    double SqlMs = 0);

/// <param name="Segments">Which table answered which part of the range, e.g. <c>raw 2025-01-03..2025-02-01</c>.</param>
public sealed record DatasetReadMeta(int Id, string Key, string SourceId, long DataVersion, IReadOnlyList<string> Segments);

/// <summary>One aggregated row as SQL returns it: a stored time (or 0 when not grouped by time), the group-by values in query order, and one partial per base measure.</summary>
public readonly record struct AggregateRow(long Ts, string?[] Dimensions, Partial[] Measures);

/// <summary>A partial aggregate: the value (sum, min or max), and for averages the count of values it sums.</summary>
public readonly record struct Partial(double? Value, long Count);

/// <summary>
/// The second stage of a query, in memory: maps each stored time to its bucket in the query's zone, re-aggregates the
/// base measures per output row, computes the metrics from those sums (ROAS of a week = Σsales / Σspend), adds the
/// empty buckets, sorts and limits.
/// Output rows are cells of (bucket, combination of group-by values). Buckets and combinations are numbered as they
/// first appear (a reader that knows a row's combination by a key of its own passes the number, so values are neither
/// read nor hashed per row); cells are found in a per-bucket array by combination number while buckets × combinations
/// stay under <see cref="DenseCells"/>, else in one dictionary; partials live in chunks below the large-object
/// threshold. Measured on the 2-core benchmark machine, fresh large allocations per query (a 50,000-entry dictionary,
/// a 50,000-row list to sort) cost more than the arithmetic, so the default order (time, then group-by values) is
/// produced by walking sorted buckets × sorted combinations, and only an explicit sort sorts rows.
/// </summary>
public sealed class QueryAssembler(QueryPlan plan)
{
    /// <summary>Cells indexed densely (4 bytes each) up to this many buckets × combinations.</summary>
    public const int DenseCells = 1 << 20;
    private const int ChunkPartials = 3_000;

    private readonly NormalizedQuery _q = plan.Query;
    private readonly int _width = Math.Max(1, plan.BaseMeasures.Count);
    private readonly Aggregation[] _aggregations = plan.Aggregations.ToArray();
    /// <summary>Stored time → bucket number.</summary>
    private readonly Dictionary<long, int> _bucketOfTs = new();
    /// <summary>Bucket start → bucket number, and the reverse.</summary>
    private readonly Dictionary<long, int> _bucketNumbers = new();
    private readonly List<long> _bucketStarts = [];
    private readonly Dictionary<string?[], int> _combinations = new(DimensionsComparer.Instance);
    private readonly List<string?[]> _combinationValues = [];
    /// <summary>Dense index: per bucket number, cell number + 1 by combination number (0 = none).</summary>
    private List<int[]>? _dense = [];
    /// <summary>Sparse index, once the dense one would be too large: (bucket &lt;&lt; 32 | combination) → cell number.</summary>
    private Dictionary<long, int>? _sparse;
    private readonly List<Partial[]> _chunks = [];
    private int _cellCount;
    private long _lastTs = long.MinValue;
    private int _lastBucket;

    /// <summary>What the caller should know about how the rows were built (e.g. empty buckets left out).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Adds one SQL row. Copies what it keeps: the caller may reuse <paramref name="row"/>'s arrays.</summary>
    public void Add(AggregateRow row) => Add(row.Ts, Combination(row.Dimensions), row.Measures);

    /// <summary>The number of a combination of group-by values (in query order); copies <paramref name="values"/> when new.</summary>
    public int Combination(string?[] values)
    {
        if (_combinations.TryGetValue(values, out var combination)) return combination;
        var copy = (string?[])values.Clone();
        combination = _combinationValues.Count;
        _combinations[copy] = combination;
        _combinationValues.Add(copy);
        return combination;
    }

    /// <summary>Adds the partials of one stored time and combination (see <see cref="Combination"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long ts, int combination, ReadOnlySpan<Partial> measures)
    {
        var bucket = BucketOf(ts);
        var cell = Cell(bucket, combination, out var exists);
        var acc = Partials(cell);
        if (!exists)
        {
            measures[..acc.Length].CopyTo(acc);
            return;
        }
        for (var i = 0; i < acc.Length; i++) acc[i] = Combine(_aggregations[i], acc[i], measures[i]);
    }

    private Span<Partial> Partials(int cell)
    {
        var perChunk = Math.Max(1, ChunkPartials / _width);
        return _chunks[cell / perChunk].AsSpan(cell % perChunk * _width, _width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFind(int bucket, int combination, out int cell)
    {
        if (_dense is not null)
        {
            var row = bucket < _dense.Count ? _dense[bucket] : null;
            cell = row is not null && combination < row.Length ? row[combination] - 1 : -1;
            return cell >= 0;
        }
        return _sparse!.TryGetValue(Key(bucket, combination), out cell);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Cell(int bucket, int combination, out bool exists)
    {
        if (TryFind(bucket, combination, out var cell))
        {
            exists = true;
            return cell;
        }
        exists = false;
        cell = _cellCount++;
        var perChunk = Math.Max(1, ChunkPartials / _width);
        if (cell / perChunk == _chunks.Count) _chunks.Add(new Partial[perChunk * _width]);
        if (_dense is not null && (long)_bucketStarts.Count * _combinationValues.Count > DenseCells) ToSparse();
        if (_dense is not null)
        {
            while (_dense.Count <= bucket) _dense.Add([]);
            var row = _dense[bucket];
            if (combination >= row.Length)
            {
                Array.Resize(ref row, Math.Max(combination + 1, Math.Min(_combinationValues.Count, row.Length * 2)));
                _dense[bucket] = row;
            }
            row[combination] = cell + 1;
        }
        else
        {
            _sparse![Key(bucket, combination)] = cell;
        }
        return cell;
    }

    private void ToSparse()
    {
        _sparse = new Dictionary<long, int>(_cellCount);
        for (var b = 0; b < _dense!.Count; b++)
        {
            var row = _dense[b];
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] > 0) _sparse[Key(b, c)] = row[c] - 1;
            }
        }
        _dense = null;
    }

    private static long Key(int bucket, int combination) => ((long)bucket << 32) | (uint)combination;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int BucketOf(long ts)
    {
        if (_q.Granularity == Granularity.None) return BucketNumber(0);
        if (ts == _lastTs) return _lastBucket;
        if (!_bucketOfTs.TryGetValue(ts, out var bucket))
        {
            bucket = BucketNumber(TimeBuckets.Start(ts, _q.Granularity, _q.Zone));
            _bucketOfTs[ts] = bucket;
        }
        _lastTs = ts;
        return _lastBucket = bucket;
    }

    private int BucketNumber(long start)
    {
        if (_bucketNumbers.TryGetValue(start, out var number)) return number;
        number = _bucketStarts.Count;
        _bucketNumbers[start] = number;
        _bucketStarts.Add(start);
        return number;
    }

    public static Partial Combine(Aggregation aggregation, Partial a, Partial b)
    {
        if (a.Value is not { } x) return b.Value is null ? new Partial(null, a.Count + b.Count) : b with { Count = a.Count + b.Count };
        if (b.Value is not { } y) return a with { Count = a.Count + b.Count };
        var value = aggregation switch
        {
            Aggregation.Min => Math.Min(x, y),
            Aggregation.Max => Math.Max(x, y),
            _ => x + y,
        };
        return new Partial(value, a.Count + b.Count);
    }

    /// <summary>
    /// The output rows: metrics are computed per cell into typed arrays, ordered, limited, and only the rows returned
    /// are boxed into <c>object?[]</c>; all rows of one bucket share one boxed time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, int Total) Build(Func<string, (string? Label, string? Format)> describe)
    {
        var columns = new List<QueryColumn>();
        var timed = _q.Granularity != Granularity.None;
        if (timed) columns.Add(new QueryColumn(NormalizedQuery.TimeColumn, "time", "time"));
        columns.AddRange(_q.GroupBy.Select(g => new QueryColumn(g, "string", "dimension", describe(g).Label)));
        columns.AddRange(plan.Metrics.Select(m => new QueryColumn(m.Name, "number", "metric", describe(m.Name).Label, describe(m.Name).Format)));

        var fill = _q.FillEmpty && FillEmptyBuckets();
        var buckets = Enumerable.Range(0, _bucketStarts.Count).Where(b => !timed || _bucketStarts[b] < _q.End).OrderBy(b => _bucketStarts[b]).ToList();
        var combinations = Enumerable.Range(0, _combinationValues.Count).ToList();
        combinations.Sort((a, b) => CompareDimensions(_combinationValues[a], _combinationValues[b]));

        var measureIndex = plan.BaseMeasures.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i, StringComparer.OrdinalIgnoreCase);
        var formulas = plan.Metrics.Select(m => Compile(m.Formula, measureIndex)).ToArray();
        var empty = new Partial[_width];
        var perChunk = Math.Max(1, ChunkPartials / _width);
        var sorted = _q.Sort.Count > 0;
        var entries = sorted ? new List<OutputRow>() : null;
        var rows = new List<object?[]>();
        var total = 0;
        foreach (var b in buckets)
        {
            object? time = timed ? DateTimeOffset.FromUnixTimeSeconds(_bucketStarts[b]).UtcDateTime : null;
            foreach (var c in combinations)
            {
                Partial[] chunk;
                int offset;
                if (TryFind(b, c, out var cell)) (chunk, offset) = (_chunks[cell / perChunk], cell % perChunk * _width);
                else if (fill) (chunk, offset) = (empty, 0);
                else continue;
                total++;
                if (sorted)
                {
                    var metrics = new double?[formulas.Length];
                    for (var m = 0; m < formulas.Length; m++) metrics[m] = formulas[m](chunk, offset);
                    entries!.Add(new OutputRow(_bucketStarts[b], time, _combinationValues[c], metrics));
                    continue;
                }
                // Walking sorted buckets × sorted combinations is already the default order: rows past the limit are only counted.
                if (rows.Count >= _q.Limit) continue;
                var row = new object?[columns.Count];
                var k = 0;
                if (timed) row[k++] = time;
                foreach (var d in _combinationValues[c]) row[k++] = d;
                for (var m = 0; m < formulas.Length; m++) row[k++] = formulas[m](chunk, offset);
                rows.Add(row);
            }
        }
        if (sorted)
        {
            entries!.Sort(Comparer());
            for (var r = 0; r < Math.Min(entries.Count, _q.Limit); r++) rows.Add(Box(entries[r], columns.Count));
        }
        return (columns, rows, total);
    }

    /// <summary>
    /// A metric formula as a delegate over one cell's partials (at an offset in a chunk): the same arithmetic as
    /// <see cref="Formula.Evaluate"/> (null operands and division by zero give null, non-finite results give null),
    /// with each measure's position resolved once instead of looked up by name per row.
    /// </summary>
    private Func<Partial[], int, double?> Compile(Formula formula, Dictionary<string, int> measureIndex)
    {
        switch (formula)
        {
            case Formula.Number n:
                double? constant = n.Value;
                return (_, _) => constant;
            case Formula.Reference r when measureIndex.TryGetValue(r.Name, out var i):
                var aggregation = _aggregations[i];
                return (p, o) => Finite(Final(aggregation, p[o + i]));
            case Formula.Reference:
                return (_, _) => null;
            case Formula.Negate neg:
                var operand = Compile(neg.Operand, measureIndex);
                return (p, o) => -operand(p, o);
            case Formula.Binary bin:
                var left = Compile(bin.Left, measureIndex);
                var right = Compile(bin.Right, measureIndex);
                return bin.Operator switch
                {
                    '+' => (p, o) => left(p, o) is { } l && right(p, o) is { } r ? Finite(l + r) : null,
                    '-' => (p, o) => left(p, o) is { } l && right(p, o) is { } r ? Finite(l - r) : null,
                    '*' => (p, o) => left(p, o) is { } l && right(p, o) is { } r ? Finite(l * r) : null,
                    '/' => (p, o) => left(p, o) is { } l && right(p, o) is { } r && r != 0 ? Finite(l / r) : null,
                    _ => throw new InvalidOperationException($"Unknown operator {bin.Operator}."),
                };
            default:
                return (p, o) => formula.Evaluate(name => measureIndex.TryGetValue(name, out var i) ? Final(_aggregations[i], p[o + i]) : null);
        }
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static object?[] Box(OutputRow entry, int width)
    {
        var row = new object?[width];
        var k = 0;
        if (entry.Time is not null) row[k++] = entry.Time;
        foreach (var d in entry.Dimensions) row[k++] = d;
        foreach (var m in entry.Metrics) row[k++] = m;
        return row;
    }

    /// <summary>A computed output row before boxing; <see cref="Time"/> is the bucket's boxed <see cref="DateTime"/>, shared by its rows.</summary>
    private readonly record struct OutputRow(long Bucket, object? Time, string?[] Dimensions, double?[] Metrics);

    private static double? Final(Aggregation aggregation, Partial p) =>
        aggregation == Aggregation.Avg ? (p.Count == 0 || p.Value is null ? null : p.Value / p.Count) : p.Value;

    /// <summary>
    /// Every bucket of the range appears: once when not grouped, else once per group-by combination seen (bounded).
    /// Returns whether the empty cells are to be listed.
    /// </summary>
    private bool FillEmptyBuckets()
    {
        var buckets = TimeBuckets.Enumerate(_q.Start, _q.End, _q.Granularity, _q.Zone, NormalizedQuery.MaxBuckets);
        // Not bucketed: the one "bucket" is there exactly when rows are.
        if (buckets.Count == 0) return true;
        if (_q.GroupBy.Count == 0 && _combinationValues.Count == 0)
        {
            _combinations[[]] = 0;
            _combinationValues.Add([]);
        }
        if ((long)_combinationValues.Count * buckets.Count > 4L * NormalizedQuery.MaxLimit)
        {
            Warnings.Add($"Empty buckets are not listed: {_combinationValues.Count} groups × {buckets.Count} buckets is too many; group by fewer values or choose a coarser granularity.");
            return false;
        }
        foreach (var bucket in buckets) BucketNumber(bucket);
        return true;
    }

    /// <summary>Group-by values in query order, each ascending (ordinal), nulls last.</summary>
    private static int CompareDimensions(string?[] a, string?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var cmp = CompareNullsLast(a[i], b[i]);
            if (cmp != 0) return cmp;
        }
        return 0;
    }

    private static int CompareNullsLast(string? x, string? y) => x is null ? (y is null ? 0 : 1) : y is null ? -1 : string.CompareOrdinal(x, y);

    /// <summary>The query's sort, then time ascending, then dimensions ascending: a stable, readable default. Nulls last, whichever direction.</summary>
    private Comparison<OutputRow> Comparer()
    {
        // A key is the time (-1), a group-by dimension (its index) or a metric (100 + its index).
        var groupBy = _q.GroupBy.ToList();
        var metrics = plan.Metrics.Select(m => m.Name).ToList();
        var order = new List<(int Key, bool Desc)>();
        foreach (var s in _q.Sort)
        {
            var by = s.By!;
            var key = by == NormalizedQuery.TimeColumn && _q.Granularity != Granularity.None ? -1
                : groupBy.IndexOf(by) is >= 0 and var d ? d
                : 100 + metrics.IndexOf(by);
            order.Add((key, s.Desc));
        }
        if (_q.Granularity != Granularity.None && order.All(o => o.Key != -1)) order.Add((-1, false));
        for (var i = 0; i < groupBy.Count; i++)
        {
            if (order.All(o => o.Key != i)) order.Add((i, false));
        }
        var keys = order.ToArray();
        return (a, b) =>
        {
            foreach (var (key, desc) in keys)
            {
                int cmp;
                if (key == -1)
                {
                    cmp = a.Bucket.CompareTo(b.Bucket);
                }
                else if (key < 100)
                {
                    var x = a.Dimensions[key];
                    var y = b.Dimensions[key];
                    if (x is null || y is null)
                    {
                        if (x is null && y is null) continue;
                        return x is null ? 1 : -1;
                    }
                    cmp = string.CompareOrdinal(x, y);
                }
                else
                {
                    var x = a.Metrics[key - 100];
                    var y = b.Metrics[key - 100];
                    if (x is null || y is null)
                    {
                        if (x is null && y is null) continue;
                        return x is null ? 1 : -1;
                    }
                    cmp = x.Value.CompareTo(y.Value);
                }
                if (cmp != 0) return desc ? -cmp : cmp;
            }
            return 0;
        };
    }

    private sealed class DimensionsComparer : IEqualityComparer<string?[]>
    {
        public static readonly DimensionsComparer Instance = new();

        public bool Equals(string?[]? x, string?[]? y) => x!.AsSpan().SequenceEqual(y, StringComparer.Ordinal);

        public int GetHashCode(string?[] values)
        {
            var hash = new HashCode();
            foreach (var v in values) hash.Add(v, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
