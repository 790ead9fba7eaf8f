using System.Text.Json.Nodes;
using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// What a widget reads: the semantic layer (<c>query</c>), the operational time series (<c>series</c>), nothing (text), or
/// the state of alert rules (<c>options.ruleIds</c>; none named = every rule the viewer can see).
/// </summary>
public enum WidgetData { Query, Text, Alerts }

/// <summary>How a widget kind shows its data: an ECharts chart, a value card, a table of rows, or markdown.</summary>
public enum WidgetPresentation { Chart, Card, Table, Text }

/// <summary>The chart options a kind offers in the builder (and honours when drawn).</summary>
[Flags]
public enum WidgetToggles
{
    None = 0,
    Stacked = 1,
    Horizontal = 2,
    Smooth = 4,
    Legend = 8,
    /// <summary>A min and max (a gauge's range).</summary>
    Range = 16,
    /// <summary>The value axis: min, max, logarithmic, label format (<see cref="WidgetOptions"/>).</summary>
    Axis = 32,
    /// <summary>A colour per metric's series (<see cref="WidgetOptions.Colors"/>).</summary>
    Colors = 64,
    /// <summary>Coloured bands of a gauge (<see cref="WidgetOptions.Thresholds"/>).</summary>
    Thresholds = 128,
    /// <summary>Cell colours by value (<see cref="WidgetOptions.Rules"/>).</summary>
    Rules = 256,
}

/// <summary>What a widget of a kind shows when first dropped on a dashboard (the demo workspace answers it).</summary>
/// <param name="Options">The widget's options as JSON (parsed afresh for each starter, so no two widgets share one object).</param>
public sealed record WidgetStarter(
    IReadOnlyList<string> Metrics, IReadOnlyList<string> GroupBy, string Granularity, int? Limit = null, string? Title = null, string? Options = null);

/// <summary>
/// One kind of widget and every trait of it: its palette entry, default and minimum size, how it is presented, the shape
/// its query may take (metric count, group-by, time), what it can draw (forecast, operational series, chart toggles) and
/// its starter config. The one home of every widget variation: callers ask the kind (<see cref="IsChart"/>,
/// <see cref="Presentation"/>, <see cref="CanForecast"/>) instead of comparing names. What draws a kind lives in the
/// layer that can draw it, keyed by <see cref="Name"/>: the screen component and chart options builder in
/// <c>Analytics.Web</c> (<c>WidgetScreens</c>, <c>ChartOptionsBuilder</c>), the PDF renderer in <c>Analytics.Data</c>
/// (<c>PdfWidgetRenderers</c>); <c>WidgetKindRegistryTests</c> proves every kind has each it needs.
/// </summary>
public sealed record WidgetKind(
    string Name, string Label, string Icon, string Description, WidgetData Data,
    int DefaultW, int DefaultH, int MinW, int MinH,
    Func<WidgetShape, string?> Check)
{
    public required WidgetPresentation Presentation { get; init; }

    /// <summary>The most metrics the query may have (null: any number).</summary>
    public int? MaxMetrics { get; init; }

    /// <summary>Whether the query may group by dimensions.</summary>
    public bool AllowsGroupBy { get; init; } = true;

    /// <summary>Whether the query may be bucketed by time.</summary>
    public bool AllowsTime { get; init; } = true;

    /// <summary>Whether the query must be bucketed by time (line, area).</summary>
    public bool NeedsTime { get; init; }

    /// <summary>Whether the query must group by a dimension (pie, donut): switching to the kind adds this one if none is chosen.</summary>
    public string? NeedsGroupBy { get; init; }

    /// <summary>Whether a widget of this kind can show an operational metric series instead of a query.</summary>
    public bool AcceptsSeries { get; init; }

    /// <summary>Whether the kind can draw a forecast after its last point (<see cref="WidgetConfig.ShowsForecast"/>).</summary>
    public bool CanForecast { get; init; }

    /// <summary>A small card-sized widget: the PDF puts runs of them side by side.</summary>
    public bool Compact { get; init; }

    public WidgetToggles Toggles { get; init; }

    public required WidgetStarter StarterSpec { get; init; }

    public bool IsChart => Presentation == WidgetPresentation.Chart;

    /// <summary>One value, no group-by, no time buckets (KPI card, gauge): computed as one window aggregate.</summary>
    public bool IsSingleValue => MaxMetrics == 1 && !AllowsGroupBy && !AllowsTime;

    public bool Offers(WidgetToggles toggle) => (Toggles & toggle) == toggle;

    /// <summary>What a widget of this kind shows when first dropped on a dashboard (a new object on every call).</summary>
    public WidgetConfig Starter
    {
        get
        {
            var s = StarterSpec;
            var options = s.Options is { } json ? JsonNode.Parse(json)!.AsObject() : null;
            if (s.Metrics.Count == 0) return new WidgetConfig { Title = s.Title, Options = options };
            return new WidgetConfig
            {
                Title = s.Title ?? StarterTitle(s),
                Query = new SemanticQuery
                {
                    Metrics = [.. s.Metrics], GroupBy = [.. s.GroupBy], Granularity = s.Granularity, Limit = s.Limit,
                    Sort = s.GroupBy.Count > 0 && s.Granularity == "none" ? [new QuerySort(s.Metrics[0], Desc: true)] : null,
                },
                Options = options,
            };
        }
    }

    private static string StarterTitle(WidgetStarter s) =>
        string.Join(" and ", s.Metrics.Take(2).Select(m => m.ToUpperInvariant() is "ROAS" or "ACOS" or "CTR" or "CPC" ? m.ToUpperInvariant() : char.ToUpperInvariant(m[0]) + m[1..]))
        + (s.GroupBy.Count > 0 ? $" by {s.GroupBy[0].Replace('_', ' ')}" : "") + (s.Granularity is "day" or "week" ? $" by {s.Granularity}" : "");
}

/// <summary>The shape of a widget's query that kinds check: how many metrics, group-by dimensions, and whether it is bucketed by time.</summary>
public sealed record WidgetShape(int Metrics, int GroupBy, bool ByTime);

public static class WidgetKinds
{
    public static readonly IReadOnlyList<WidgetKind> All =
    [
        new("line", "Line", "show_chart", "Metrics over time; one line per metric or per value of a dimension.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime ? null : "A line chart needs a time granularity (hour, day, week or month).")
        {
            Presentation = WidgetPresentation.Chart, NeedsTime = true, AcceptsSeries = true, CanForecast = true,
            Toggles = WidgetToggles.Smooth | WidgetToggles.Legend | WidgetToggles.Axis | WidgetToggles.Colors, StarterSpec = new(["spend", "sales"], [], "day"),
        },
        new("area", "Area", "area_chart", "Metrics over time, filled; stack them in the options.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime ? null : "An area chart needs a time granularity (hour, day, week or month).")
        {
            Presentation = WidgetPresentation.Chart, NeedsTime = true, AcceptsSeries = true, CanForecast = true,
            Toggles = WidgetToggles.Stacked | WidgetToggles.Smooth | WidgetToggles.Legend | WidgetToggles.Axis | WidgetToggles.Colors, StarterSpec = new(["spend", "sales"], [], "day"),
        },
        new("bar", "Bar", "bar_chart", "Compare a metric across a dimension or over time; stacked or horizontal in the options.", WidgetData.Query, 6, 4, 2, 2,
            s => s.ByTime || s.GroupBy > 0 ? null : "A bar chart needs a dimension to group by or a time granularity.")
        {
            Presentation = WidgetPresentation.Chart, AcceptsSeries = true,
            Toggles = WidgetToggles.Stacked | WidgetToggles.Horizontal | WidgetToggles.Legend | WidgetToggles.Axis | WidgetToggles.Colors, StarterSpec = new(["spend"], ["campaign"], "none", Limit: 10),
        },
        new("pie", "Pie", "pie_chart", "Shares of one metric across one dimension.", WidgetData.Query, 4, 4, 2, 2,
            s => s is { Metrics: 1, GroupBy: 1, ByTime: false } ? null : "A pie chart shows one metric by one dimension, without time buckets.")
        {
            Presentation = WidgetPresentation.Chart, MaxMetrics = 1, AllowsTime = false, NeedsGroupBy = "campaign",
            Toggles = WidgetToggles.Legend, StarterSpec = new(["spend"], ["campaign_type"], "none"),
        },
        new("donut", "Donut", "donut_large", "A pie with a hole: shares of one metric across one dimension.", WidgetData.Query, 4, 4, 2, 2,
            s => s is { Metrics: 1, GroupBy: 1, ByTime: false } ? null : "A donut chart shows one metric by one dimension, without time buckets.")
        {
            Presentation = WidgetPresentation.Chart, MaxMetrics = 1, AllowsTime = false, NeedsGroupBy = "campaign",
            Toggles = WidgetToggles.Legend, StarterSpec = new(["spend"], ["campaign_type"], "none"),
        },
        new("heatmap", "Heatmap", "grid_on", "One metric over two axes: two dimensions, or a dimension by time.", WidgetData.Query, 6, 5, 3, 3,
            s => s.Metrics == 1 && s.GroupBy + (s.ByTime ? 1 : 0) == 2 ? null : "A heatmap shows one metric over two axes: group by two dimensions, or by one dimension with a time granularity.")
        {
            Presentation = WidgetPresentation.Chart, MaxMetrics = 1,
            Toggles = WidgetToggles.Legend, StarterSpec = new(["roas"], ["campaign"], "week"),
        },
        new("gauge", "Gauge", "speed", "One metric's value against a range.", WidgetData.Query, 3, 3, 2, 2,
            s => s is { Metrics: 1, GroupBy: 0, ByTime: false } ? null : "A gauge shows one metric, without group-by or time buckets.")
        {
            Presentation = WidgetPresentation.Chart, MaxMetrics = 1, AllowsGroupBy = false, AllowsTime = false, AcceptsSeries = true, Compact = true,
            Toggles = WidgetToggles.Range | WidgetToggles.Thresholds, StarterSpec = new(["roas"], [], "none", Options: """{"min":0,"max":8}"""),
        },
        new("kpi", "KPI card", "speed", "A metric's value, its change against the previous period and a sparkline.", WidgetData.Query, 3, 2, 2, 2,
            s => s is { Metrics: 1, GroupBy: 0, ByTime: false } ? null : "A KPI card shows one metric, without group-by or time buckets (the sparkline is added for you).")
        {
            Presentation = WidgetPresentation.Card, MaxMetrics = 1, AllowsGroupBy = false, AllowsTime = false, AcceptsSeries = true, Compact = true,
            StarterSpec = new(["spend"], [], "none"),
        },
        new("table", "Table", "table_chart", "Rows of metrics by dimensions, sortable and paged, with conditional colours.", WidgetData.Query, 12, 4, 3, 2,
            _ => null)
        {
            Presentation = WidgetPresentation.Table, AcceptsSeries = true, Toggles = WidgetToggles.Rules,
            StarterSpec = new(["impressions", "clicks", "spend", "sales", "roas", "acos"], ["campaign"], "none"),
        },
        new("text", "Text", "notes", "Markdown: headings, notes, links.", WidgetData.Text, 4, 2, 1, 1,
            _ => null)
        {
            Presentation = WidgetPresentation.Text,
            StarterSpec = new([], [], "none", Title: "Notes",
                Options: """{"markdown":"## Notes\n\nWrite **markdown** here: what this dashboard is for, where the data comes from."}"""),
        },
        new("alert", "Alerts", "notifications_active", "Alert rules and their state: firing or ok, since when, the last value.", WidgetData.Alerts, 6, 3, 3, 2,
            _ => null)
        {
            Presentation = WidgetPresentation.Table,
            StarterSpec = new([], [], "none", Title: "Alerts", Options: """{"ruleIds":[]}"""),
        },
    ];

    /// <summary>The option of an <c>alert</c> widget naming the rules it shows (empty or missing: all the viewer can see).</summary>
    public const string AlertRuleIds = "ruleIds";

    /// <summary>At most this many rules named by one alert widget.</summary>
    public const int MaxAlertRules = 50;

    private static readonly Dictionary<string, WidgetKind> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static WidgetKind? Find(string? name) => name is not null && ByName.TryGetValue(name, out var kind) ? kind : null;

    public static WidgetKind Get(string name) => Find(name) ?? throw new ValidationException("type", $"Unknown widget type '{name}'; use one of {string.Join(", ", All.Select(k => k.Name))}.");

    public static WidgetShape ShapeOf(SemanticQuery query) =>
        new(query.Metrics?.Count ?? 0, query.GroupBy?.Count ?? 0, query.Granularity is { } g && g.Trim().ToLowerInvariant() is not ("" or "none"));
}
