using Analytics.Domain.Query;

namespace Analytics.Tests.Dashboards;

/// <summary>Query results as the query engine shapes them, for chart and widget tests.</summary>
internal static class ChartResults
{
    public static QueryColumn Time() => new("time", "time", "time");
    public static QueryColumn Dim(string name, string? label = null) => new(name, "string", "dimension", label);
    public static QueryColumn Metric(string name, string format, string? label = null) => new(name, "number", "metric", label ?? name.ToUpperInvariant(), format);

    public static QueryResult Result(IReadOnlyList<QueryColumn> columns, IEnumerable<object?[]> rows, string granularity = "day", string zone = "UTC") =>
        new(columns, rows.ToList(), new QueryMeta([], "raw", "miss", zone, granularity, 0, false, []));

    public static DateTime Day(int day) => new(2025, 1, day, 0, 0, 0, DateTimeKind.Utc);
}
