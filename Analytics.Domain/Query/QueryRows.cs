using System.Collections;

namespace Analytics.Domain.Query;

/// <summary>
/// A query's rows in the default order, kept by column and made into <c>object?[]</c> rows when read: each row is a
/// bucket number, a combination number and its metric values, in chunks below the large-object threshold. The boxed
/// bucket times and the group-by values are shared by every row that has them.
/// Why not a list of rows: a year of daily ROAS by campaign is 50,005 rows; as arrays with boxed numbers that is
/// ~3.6 MB of objects that live exactly as long as the query, so the collector copied them from generation to
/// generation and the benchmark's slowest runs were collections (measured with <c>bench query</c>: 7.6 MB allocated
/// per run and 5 full collections in 48 runs). Read this way, a row is garbage as soon as its reader (the JSON writer,
/// a chart, an export) moves on. Rows are values: each read makes a new array, and changing it changes nothing here.
/// </summary>
public sealed class QueryRows : IReadOnlyList<object?[]>
{
    /// <summary>Rows per chunk: a chunk's values (2,048 × 8 bytes per metric) stay below the large-object threshold up to five metrics.</summary>
    internal const int ChunkRows = 2048;

    private readonly object?[] _times;
    private readonly IReadOnlyList<string?[]> _dimensions;
    private readonly int _metrics;
    private readonly int _width;
    private readonly List<int[]> _buckets = [];
    private readonly List<int[]> _combinations = [];
    /// <summary>Metric values, <see cref="ChunkRows"/> × metrics per chunk; NaN is null (metrics are never NaN: non-finite results are null).</summary>
    private readonly List<double[]> _values = [];

    private readonly bool _timed;

    /// <param name="timed">Whether rows start with their bucket's time.</param>
    /// <param name="times">The boxed time of each bucket number.</param>
    /// <param name="dimensions">The group-by values of each combination number.</param>
    internal QueryRows(bool timed, object?[] times, IReadOnlyList<string?[]> dimensions, int dimensionCount, int metrics)
    {
        _timed = timed;
        _times = times;
        _dimensions = dimensions;
        _metrics = metrics;
        _width = (timed ? 1 : 0) + dimensionCount + metrics;
    }

    public int Count { get; private set; }

    /// <summary>Appends a row; returns the span its metric values go into.</summary>
    internal Span<double> Add(int bucket, int combination)
    {
        var chunk = Count / ChunkRows;
        var index = Count % ChunkRows;
        if (chunk == _buckets.Count)
        {
            _buckets.Add(new int[ChunkRows]);
            _combinations.Add(new int[ChunkRows]);
            _values.Add(new double[ChunkRows * Math.Max(1, _metrics)]);
        }
        _buckets[chunk][index] = bucket;
        _combinations[chunk][index] = combination;
        Count++;
        return _values[chunk].AsSpan(index * _metrics, _metrics);
    }

    /// <summary>The metric values of a chunk, row by row (metrics per row).</summary>
    internal Span<double> Values(int chunk) => _values[chunk];

    internal int Bucket(int row) => _buckets[row / ChunkRows][row % ChunkRows];

    internal int Combination(int row) => _combinations[row / ChunkRows][row % ChunkRows];

    /// <summary>A metric's value, NaN for null.</summary>
    internal double Value(int row, int metric) => _values[row / ChunkRows][row % ChunkRows * _metrics + metric];

    /// <summary>Appends row <paramref name="row"/> of this to <paramref name="to"/> (which has the same buckets, combinations and metrics).</summary>
    internal void CopyTo(int row, QueryRows to)
    {
        var values = to.Add(Bucket(row), Combination(row));
        for (var m = 0; m < _metrics; m++) values[m] = Value(row, m);
    }

    public object?[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var chunk = index / ChunkRows;
            var i = index % ChunkRows;
            var row = new object?[_width];
            var k = 0;
            if (_timed) row[k++] = _times[_buckets[chunk][i]];
            foreach (var d in _dimensions[_combinations[chunk][i]]) row[k++] = d;
            var values = _values[chunk];
            for (var m = 0; m < _metrics; m++)
            {
                var v = values[i * _metrics + m];
                row[k++] = double.IsNaN(v) ? null : v;
            }
            return row;
        }
    }

    public IEnumerator<object?[]> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
