using Analytics.Domain.Query;

namespace Analytics.Domain.Exports;

public sealed record ChartSeries(string Name, double?[] Values);

/// <summary>
/// A query result shaped for a chart: categories along one axis (the time column, else the first dimension) and one
/// series per metric — or, when a dimension is left over, one series per value of it for the first metric (the
/// largest <c>maxSeries</c>, the rest folded into "Other" when the metric adds up). Rows keep their order; time sorts.
/// </summary>
public sealed record ChartData(
    QueryColumn? CategoryColumn,
    IReadOnlyList<object?> Categories,
    IReadOnlyList<ChartSeries> Series,
    string? ValueFormat,
    string? Granularity)
{
    public const string Other = "Other";

    public bool IsEmpty => Categories.Count == 0 || Series.Count == 0;

    public static bool IsAdditive(string? format) => format is null or "number" or "integer" or "currency";

    public static ChartData From(QueryResult? result, int maxSeries = 8)
    {
        if (result is null) return new ChartData(null, [], [], null, null);
        var columns = result.Columns;
        var time = IndexWhere(columns, c => c.Role == "time");
        var dims = Indexes(columns, c => c.Role == "dimension");
        var metrics = Indexes(columns, c => c.Role == "metric" || (c.Role != "time" && c.Role != "dimension" && c.Type == "number"));
        var granularity = result.Meta?.Granularity;
        if (metrics.Count == 0) return new ChartData(null, [], [], null, granularity);

        var category = time >= 0 ? time : dims.Count > 0 ? dims[0] : -1;
        if (category < 0)
        {
            // One row of totals: each metric is a category of one series.
            var row = result.Rows.FirstOrDefault();
            var values = metrics.Select(m => ExportFormatter.ToDouble(row?[m])).ToArray();
            return new ChartData(null, metrics.Select(m => (object?)Label(columns[m])).ToList(),
                [new ChartSeries(Label(columns[metrics[0]]), values)], columns[metrics[0]].Format, granularity);
        }

        var categoryIndex = new Dictionary<object, int>();
        var categories = new List<object?>();
        foreach (var row in result.Rows)
        {
            var key = row[category] ?? ExportFormatter.Missing;
            if (categoryIndex.ContainsKey(key)) continue;
            categoryIndex[key] = categories.Count;
            categories.Add(row[category]);
        }
        if (time >= 0)
        {
            var sorted = categories.OrderBy(c => c is DateTime t ? t.Ticks : long.MaxValue).ToList();
            categories = sorted;
            categoryIndex = sorted.Select((c, i) => (c, i)).ToDictionary(x => x.c ?? ExportFormatter.Missing, x => x.i);
        }

        var pivot = time >= 0 ? dims.FirstOrDefault(-1) : dims.Skip(1).FirstOrDefault(-1);
        var format = columns[metrics[0]].Format;
        List<ChartSeries> series;
        if (pivot >= 0)
        {
            var metric = metrics[0];
            var byName = new Dictionary<string, double?[]>();
            var order = new List<string>();
            foreach (var row in result.Rows)
            {
                var name = row[pivot]?.ToString() ?? "(none)";
                if (!byName.TryGetValue(name, out var values))
                {
                    byName[name] = values = new double?[categories.Count];
                    order.Add(name);
                }
                var c = categoryIndex[row[category] ?? ExportFormatter.Missing];
                if (ExportFormatter.ToDouble(row[metric]) is { } v) values[c] = (values[c] ?? 0) + v;
            }
            var ranked = order.OrderByDescending(n => byName[n].Sum(v => Math.Abs(v ?? 0))).ToList();
            var keep = ranked.Count <= maxSeries ? ranked : ranked.Take(IsAdditive(format) ? maxSeries - 1 : maxSeries).ToList();
            series = order.Where(keep.Contains).Select(n => new ChartSeries(n, byName[n])).ToList();
            if (keep.Count < ranked.Count && IsAdditive(format))
            {
                var other = new double?[categories.Count];
                foreach (var n in ranked.Skip(keep.Count))
                {
                    for (var i = 0; i < other.Length; i++)
                    {
                        if (byName[n][i] is { } v) other[i] = (other[i] ?? 0) + v;
                    }
                }
                series.Add(new ChartSeries(Other, other));
            }
        }
        else
        {
            series = metrics.Take(maxSeries).Select(m =>
            {
                var values = new double?[categories.Count];
                foreach (var row in result.Rows) values[categoryIndex[row[category] ?? ExportFormatter.Missing]] = ExportFormatter.ToDouble(row[m]);
                return new ChartSeries(Label(columns[m]), values);
            }).ToList();
        }
        return new ChartData(columns[category], categories, series, format, granularity);
    }

    public static string Label(QueryColumn column) => string.IsNullOrWhiteSpace(column.Label) ? column.Name : column.Label;

    internal static int IndexWhere(IReadOnlyList<QueryColumn> columns, Func<QueryColumn, bool> predicate)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (predicate(columns[i])) return i;
        }
        return -1;
    }

    internal static List<int> Indexes(IReadOnlyList<QueryColumn> columns, Func<QueryColumn, bool> predicate) =>
        Enumerable.Range(0, columns.Count).Where(i => predicate(columns[i])).ToList();
}

/// <summary>A heatmap's grid: columns (time or first dimension) × rows (the next dimension), one metric in the cells.</summary>
public sealed record HeatmapData(
    IReadOnlyList<object?> Columns,
    IReadOnlyList<string> Rows,
    double?[,] Cells,
    QueryColumn? ColumnAxis,
    string? ValueFormat,
    string? Granularity)
{
    public static HeatmapData From(QueryResult? result, int maxRows = 20)
    {
        if (result is null) return new HeatmapData([], [], new double?[0, 0], null, null, null);
        var chart = ChartData.From(result, maxRows);
        var rows = chart.Series.Select(s => s.Name).ToList();
        var cells = new double?[rows.Count, chart.Categories.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < chart.Categories.Count; c++) cells[r, c] = chart.Series[r].Values[c];
        }
        return new HeatmapData(chart.Categories, rows, cells, chart.CategoryColumn, chart.ValueFormat, chart.Granularity);
    }
}

/// <summary>A KPI's figures: the mapper's when it gave them, else read from the widget's rows.</summary>
public static class KpiFigures
{
    /// <summary>
    /// Without a time column the first row's first metric is the value. With one, the series is the sparkline and the
    /// value is its total for metrics that add up (integer, number, currency) or its last point for rates and ratios
    /// (which cannot be summed; a mapper that knows the period's true ratio passes <see cref="ExportWidget.Kpi"/>).
    /// The change compares the second half of the series with the first.
    /// </summary>
    public static ExportKpi From(ExportWidget widget)
    {
        if (widget.Kpi is not null) return widget.Kpi;
        var result = widget.Data;
        if (result is null || result.Rows.Count == 0) return new ExportKpi(widget.Title, null);
        var metric = ChartData.IndexWhere(result.Columns, c => c.Role == "metric");
        if (metric < 0) return new ExportKpi(widget.Title, null);
        var column = result.Columns[metric];
        var time = ChartData.IndexWhere(result.Columns, c => c.Role == "time");
        if (time < 0) return new ExportKpi(ChartData.Label(column), ExportFormatter.ToDouble(result.Rows[0][metric]), column.Format ?? "number");
        var points = result.Rows.OrderBy(r => r[time] is DateTime t ? t.Ticks : 0).Select(r => ExportFormatter.ToDouble(r[metric])).ToList();
        var additive = ChartData.IsAdditive(column.Format);
        double? value = additive ? points.Sum(p => p ?? 0) : points.LastOrDefault(p => p is not null);
        double? change = null;
        if (points.Count >= 4)
        {
            var half = points.Count / 2;
            var before = points.Take(half).Where(p => p is not null).Select(p => p!.Value).ToList();
            var after = points.Skip(points.Count - half).Where(p => p is not null).Select(p => p!.Value).ToList();
            if (before.Count > 0 && after.Count > 0)
            {
                var b = additive ? before.Sum() : before.Average();
                var a = additive ? after.Sum() : after.Average();
                if (b != 0) change = (a - b) / Math.Abs(b);
            }
        }
        return new ExportKpi(ChartData.Label(column), value, column.Format ?? "number", change, true, points);
    }
}
