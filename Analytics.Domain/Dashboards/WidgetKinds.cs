using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>What a widget reads: the semantic layer (<c>query</c>), the operational time series (<c>series</c>), or nothing (text).</summary>
public enum WidgetData { Query, Text }

/// <summary>
/// One kind of widget: its palette entry, default and minimum size, and the rule its query must follow (a pie needs one
/// metric by one dimension; a line needs time). The one home of every widget variation on the server; the browser's
/// chart options per kind live in <c>Analytics.Web/Components/Dashboards/Charts</c>.
/// </summary>
public sealed record WidgetKind(
    string Name, string Label, string Icon, string Description, WidgetData Data,
    int DefaultW, int DefaultH, int MinW, int MinH,
    Func<WidgetShape, string?> Check)
{
    /// <summary>What a widget of this kind shows when first dropped on a dashboard (the demo workspace answers it).</summary>
    public WidgetConfig Starter => Name switch
    {
        "line" or "area" => StarterOf(["spend", "sales"], [], "day"),
        "bar" => StarterOf(["spend"], ["campaign"], "none", limit: 10),
        "pie" or "donut" => StarterOf(["spend"], ["campaign_type"], "none"),
        "heatmap" => StarterOf(["roas"], ["campaign"], "week", limit: null),
        "gauge" => StarterOf(["roas"], [], "none") with { Options = new System.Text.Json.Nodes.JsonObject { ["min"] = 0, ["max"] = 8 } },
        "kpi" => StarterOf(["spend"], [], "none"),
        "table" => StarterOf(["impressions", "clicks", "spend", "sales", "roas", "acos"], ["campaign"], "none"),
        "text" => new WidgetConfig { Title = "Notes", Options = new System.Text.Json.Nodes.JsonObject { ["markdown"] = "## Notes\n\nWrite **markdown** here: what this dashboard is for, where the data comes from." } },
        _ => new WidgetConfig(),
    };

    private WidgetConfig StarterOf(string[] metrics, string[] groupBy, string granularity, int? limit = null) => new()
    {
        Title = $"{string.Join(" and ", metrics.Take(2).Select(m => m.ToUpperInvariant() is "ROAS" or "ACOS" or "CTR" or "CPC" ? m.ToUpperInvariant() : char.ToUpperInvariant(m[0]) + m[1..]))}"
                + (groupBy.Length > 0 ? $" by {groupBy[0].Replace('_', ' ')}" : "") + (granularity is "day" or "week" ? $" by {granularity}" : ""),
        Query = new SemanticQuery
        {
            Metrics = metrics, GroupBy = groupBy, Granularity = granularity, Limit = limit,
            Sort = groupBy.Length > 0 && granularity == "none" ? [new QuerySort(metrics[0], Desc: true)] : null,
        },
    };

    /// <summary>Whether a time-series widget of this kind can be drawn from operational metrics.</summary>
    /// <summary>Whether the kind can draw a forecast after its last point (<see cref="WidgetConfig.ShowsForecast"/>).</summary>
    public bool CanForecast => Name is "line" or "area";

    public bool AcceptsSeries => Data == WidgetData.Query && Name is "line" or "area" or "bar" or "kpi" or "gauge" or "table";
}

/// <summary>The shape of a widget's query that kinds check: how many metrics, group-by dimensions, and whether it is bucketed by time.</summary>
public sealed record WidgetShape(int Metrics, int GroupBy, bool ByTime);

public static class WidgetKinds
{
    public static readonly IReadOnlyList<WidgetKind> All =
    [
        new("line", "Line", "show_chart", "Metrics over time; one line per metric or per value of a dimension.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime ? null : "A line chart needs a time granularity (hour, day, week or month)."),
        new("area", "Area", "area_chart", "Metrics over time, filled; stack them in the options.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime ? null : "An area chart needs a time granularity (hour, day, week or month)."),
        new("bar", "Bar", "bar_chart", "Compare a metric across a dimension or over time; stacked or horizontal in the options.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime || s.GroupBy > 0 ? null : "A bar chart needs a dimension to group by or a time granularity."),
        new("pie", "Pie", "pie_chart", "Shares of one metric across one dimension.", WidgetData.Query, 4, 4, 2, 2,
            s => s is { Metrics: 1, GroupBy: 1, ByTime: false } ? null : "A pie chart shows one metric by one dimension, without time buckets."),
        new("donut", "Donut", "donut_large", "A pie with a hole: shares of one metric across one dimension.", WidgetData.Query, 4, 4, 2, 2,
            s => s is { Metrics: 1, GroupBy: 1, ByTime: false } ? null : "A donut chart shows one metric by one dimension, without time buckets."),
        new("heatmap", "Heatmap", "grid_on", "One metric over two axes: two dimensions, or a dimension by time.", WidgetData.Query, 6, 5, 3, 3,
            s => s.Metrics == 1 && s.GroupBy + (s.ByTime ? 1 : 0) == 2 ? null : "A heatmap shows one metric over two axes: group by two dimensions, or by one dimension with a time granularity."),
        new("gauge", "Gauge", "speed", "One metric's value against a range.", WidgetData.Query, 3, 3, 2, 2,
            s => s is { Metrics: 1, GroupBy: 0, ByTime: false } ? null : "A gauge shows one metric, without group-by or time buckets."),
        new("kpi", "KPI card", "speed", "A metric's value, its change against the previous period and a sparkline.", WidgetData.Query, 3, 2, 2, 2,
            s => s is { Metrics: 1, GroupBy: 0, ByTime: false } ? null : "A KPI card shows one metric, without group-by or time buckets (the sparkline is added for you)."),
        new("table", "Table", "table_chart", "Rows of metrics by dimensions, sortable and paged, with conditional colours.", WidgetData.Query, 12, 4, 3, 2,
            _ => null),
        new("text", "Text", "notes", "Markdown: headings, notes, links.", WidgetData.Text, 4, 2, 1, 1,
            _ => null),
    ];

    private static readonly Dictionary<string, WidgetKind> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static WidgetKind? Find(string? name) => name is not null && ByName.TryGetValue(name, out var kind) ? kind : null;

    public static WidgetKind Get(string name) => Find(name) ?? throw new ValidationException("type", $"Unknown widget type '{name}'; use one of {string.Join(", ", All.Select(k => k.Name))}.");

    public static WidgetShape ShapeOf(SemanticQuery query) =>
        new(query.Metrics?.Count ?? 0, query.GroupBy?.Count ?? 0, query.Granularity is { } g && g.Trim().ToLowerInvariant() is not ("" or "none"));
}
