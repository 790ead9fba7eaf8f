using Analytics.Domain.Facts;

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
/// </summary>
public sealed class QueryAssembler(QueryPlan plan)
{
    private readonly Dictionary<GroupKey, Partial[]> _groups = new();
    private readonly Dictionary<long, long> _buckets = new();
    private readonly NormalizedQuery _q = plan.Query;

    /// <summary>What the caller should know about how the rows were built (e.g. empty buckets left out).</summary>
    public List<string> Warnings { get; } = [];

    public void Add(AggregateRow row)
    {
        var bucket = 0L;
        if (_q.Granularity != Granularity.None && !_buckets.TryGetValue(row.Ts, out bucket))
        {
            bucket = TimeBuckets.Start(row.Ts, _q.Granularity, _q.Zone);
            _buckets[row.Ts] = bucket;
        }
        var key = new GroupKey(bucket, row.Dimensions);
        if (!_groups.TryGetValue(key, out var acc))
        {
            _groups[key] = (Partial[])row.Measures.Clone();
            return;
        }
        for (var i = 0; i < acc.Length; i++) acc[i] = Combine(plan.Aggregations[i], acc[i], row.Measures[i]);
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

    public (IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, int Total) Build(Func<string, (string? Label, string? Format)> describe)
    {
        var columns = new List<QueryColumn>();
        if (_q.Granularity != Granularity.None) columns.Add(new QueryColumn(NormalizedQuery.TimeColumn, "time", "time"));
        columns.AddRange(_q.GroupBy.Select(g => new QueryColumn(g, "string", "dimension", describe(g).Label)));
        columns.AddRange(plan.Metrics.Select(m => new QueryColumn(m.Name, "number", "metric", describe(m.Name).Label, describe(m.Name).Format)));

        if (_q.FillEmpty) FillEmptyBuckets();

        var empty = new Partial[plan.BaseMeasures.Count];
        var rows = new List<object?[]>(_groups.Count);
        var measureIndex = plan.BaseMeasures.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, partials) in _groups)
        {
            if (_q.Granularity != Granularity.None && (key.Bucket >= _q.End)) continue;
            var row = new object?[columns.Count];
            var c = 0;
            if (_q.Granularity != Granularity.None) row[c++] = DateTimeOffset.FromUnixTimeSeconds(key.Bucket).UtcDateTime;
            foreach (var d in key.Dimensions) row[c++] = d;
            foreach (var metric in plan.Metrics)
            {
                row[c++] = metric.Formula.Evaluate(name => measureIndex.TryGetValue(name, out var i) ? Final(plan.Aggregations[i], partials[i]) : null);
            }
            rows.Add(row);
        }
        rows.Sort(Comparer(columns));
        var total = rows.Count;
        if (rows.Count > _q.Limit) rows.RemoveRange(_q.Limit, rows.Count - _q.Limit);
        return (columns, rows, total);
    }

    private static double? Final(Aggregation aggregation, Partial p) =>
        aggregation == Aggregation.Avg ? (p.Count == 0 || p.Value is null ? null : p.Value / p.Count) : p.Value;

    /// <summary>Every bucket of the range appears: once when not grouped, else once per group-by combination seen (bounded).</summary>
    private void FillEmptyBuckets()
    {
        var buckets = TimeBuckets.Enumerate(_q.Start, _q.End, _q.Granularity, _q.Zone, NormalizedQuery.MaxBuckets);
        var combinations = _q.GroupBy.Count == 0
            ? [Array.Empty<string?>()]
            : _groups.Keys.Select(k => k.Dimensions).Distinct(DimensionsComparer.Instance).ToList();
        if ((long)combinations.Count * buckets.Count > 4L * NormalizedQuery.MaxLimit)
        {
            Warnings.Add($"Empty buckets are not listed: {combinations.Count} groups × {buckets.Count} buckets is too many; group by fewer values or choose a coarser granularity.");
            return;
        }
        foreach (var dims in combinations)
        {
            foreach (var bucket in buckets)
            {
                _groups.TryAdd(new GroupKey(bucket, dims), new Partial[plan.BaseMeasures.Count]);
            }
        }
    }

    private Comparison<object?[]> Comparer(List<QueryColumn> columns)
    {
        var order = _q.Sort.Select(s => (Index: columns.FindIndex(c => c.Name == s.By), s.Desc)).ToList();
        // Then time ascending, then dimensions ascending: a stable, readable default.
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Role != "metric" && order.All(o => o.Index != i)) order.Add((i, false));
        }
        return (a, b) =>
        {
            foreach (var (index, desc) in order)
            {
                var x = a[index];
                var y = b[index];
                if (x is null && y is null) continue;
                if (x is null) return 1; // nulls last, whichever direction
                if (y is null) return -1;
                var cmp = x switch
                {
                    double dx => dx.CompareTo((double)y),
                    DateTime tx => tx.CompareTo((DateTime)y),
                    string sx => string.CompareOrdinal(sx, (string)y),
                    _ => 0,
                };
                if (cmp != 0) return desc ? -cmp : cmp;
            }
            return 0;
        };
    }

    private readonly record struct GroupKey(long Bucket, string?[] Dimensions)
    {
        public bool Equals(GroupKey other) => Bucket == other.Bucket && DimensionsComparer.Instance.Equals(Dimensions, other.Dimensions);
        public override int GetHashCode() => HashCode.Combine(Bucket, DimensionsComparer.Instance.GetHashCode(Dimensions));
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
