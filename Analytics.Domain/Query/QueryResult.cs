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
