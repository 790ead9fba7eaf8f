using System.Text.Json.Nodes;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The builder's widget settings as form fields: kind, title, what it shows (metrics × group-by × granularity, sort,
/// limit, its own filter), and the kind's chart options; <see cref="ToConfig"/> gives the widget config and
/// <see cref="Problems"/> the same checks the server applies, so the panel shows them as the user types.
/// </summary>
public sealed class WidgetConfigForm
{
    public static readonly IReadOnlyList<string> Granularities = ["none", "hour", "day", "week", "month"];

    public string Kind { get; set; } = "line";
    public string Title { get; set; } = "";
    public List<string> Metrics { get; set; } = [];
    public List<string> GroupBy { get; set; } = [];
    public string Granularity { get; set; } = "none";
    public string? SortBy { get; set; }
    public bool SortDesc { get; set; } = true;
    public int? Limit { get; set; }
    /// <summary>A dataset key or id to read (null: every dataset that has the metrics).</summary>
    public string? Dataset { get; set; }
    public string? FilterDimension { get; set; }
    public List<string> FilterValues { get; set; } = [];
    /// <summary>Operational metric name when the widget shows the app's own time series.</summary>
    public string? SeriesMetric { get; set; }
    public string SeriesAggregation { get; set; } = "avg";
    public string Markdown { get; set; } = "";
    public bool Stacked { get; set; }
    public bool Horizontal { get; set; }
    public bool Smooth { get; set; }
    /// <summary>Line and area: draw the forecast and its 80% band after the last point (<see cref="WidgetConfig.ShowForecastOption"/>).</summary>
    public bool ShowForecast { get; set; }
    public bool Legend { get; set; } = true;
    public double? Min { get; set; }
    public double? Max { get; set; }
    /// <summary>The widget's own time range, a preset of <see cref="DateRangePresets"/>; <see cref="FollowDashboard"/> follows the dashboard's.</summary>
    public string TimeRange { get; set; } = FollowDashboard;
    /// <summary>The instances the widget reads (none: every instance the viewer may see, narrowed by the dashboard's instance filter).</summary>
    public List<string> SourceIds { get; set; } = [];
    /// <summary>Metric → colour of its series (absent: the chart's palette).</summary>
    public Dictionary<string, string> Colors { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public bool LogScale { get; set; }
    /// <summary>One of <see cref="WidgetOptions.AxisFormats"/>, or null for the metric's own format.</summary>
    public string? AxisFormat { get; set; }
    public List<ThresholdRow> Thresholds { get; set; } = [];
    public List<ColourRuleRow> Rules { get; set; } = [];
    /// <summary>Conditions on metric values applied after aggregation (<see cref="SemanticQuery.Having"/>).</summary>
    public List<ValueFilterRow> ValueFilters { get; set; } = [];
    private JsonObject _otherOptions = [];

    public const string FollowDashboard = "dashboard";

    /// <summary>The options this form edits; any other key of the widget's options is kept as it was.</summary>
    private static readonly string[] EditedOptions =
    [
        WidgetKinds.AlertRuleIds, "markdown", "stacked", "horizontal", "smooth", "legend", WidgetOptions.Min, WidgetOptions.Max, WidgetConfig.ShowForecastOption,
        WidgetOptions.TimeRange, WidgetOptions.Colors, WidgetOptions.LogScale, WidgetOptions.AxisFormat, WidgetOptions.Thresholds, WidgetOptions.Rules,
    ];

    public WidgetKind? KindInfo => WidgetKinds.Find(Kind);

    /// <summary>Whether the kind offers a chart option (stacked, horizontal, smooth, legend, range) in the panel.</summary>
    public bool Offers(WidgetToggles toggle) => KindInfo?.Offers(toggle) == true;

    public static WidgetConfigForm From(string kind, WidgetConfig config)
    {
        var q = config.Query;
        var form = new WidgetConfigForm
        {
            Kind = kind,
            Title = config.Title ?? "",
            Metrics = [.. q?.Metrics ?? []],
            GroupBy = [.. q?.GroupBy ?? []],
            Granularity = (q?.Granularity ?? "none").ToLowerInvariant(),
            SortBy = q?.Sort?.FirstOrDefault()?.By,
            SortDesc = q?.Sort?.FirstOrDefault()?.Desc ?? true,
            Limit = q?.Limit,
            Dataset = q?.Dataset,
            SeriesMetric = config.Series?.MetricName,
            SeriesAggregation = config.Series?.Aggregation ?? "avg",
            Markdown = config.Options?["markdown"]?.GetValue<string>() ?? "",
            Stacked = config.Option("stacked"),
            Horizontal = config.Option("horizontal"),
            Smooth = config.Option("smooth"),
            ShowForecast = config.ShowsForecast,
            Legend = config.Option("legend", true),
            Min = WidgetOptions.Number(config.Options?["min"]),
            Max = WidgetOptions.Number(config.Options?["max"]),
            TimeRange = WidgetOptions.OwnTimeRange(config.Options) ?? FollowDashboard,
            SourceIds = [.. q?.SourceIds ?? []],
            Colors = new Dictionary<string, string>(WidgetOptions.SeriesColors(config.Options), StringComparer.OrdinalIgnoreCase),
            LogScale = config.Option(WidgetOptions.LogScale),
            AxisFormat = WidgetOptions.Text(config.Options?[WidgetOptions.AxisFormat]),
            Thresholds = (config.Options?[WidgetOptions.Thresholds] as JsonArray ?? []).OfType<JsonObject>()
                .Select(t => new ThresholdRow { Value = WidgetOptions.Number(t["value"]), Color = WidgetOptions.Text(t["color"]) ?? ThresholdRow.DefaultColor }).ToList(),
            Rules = (config.Options?[WidgetOptions.Rules] as JsonArray ?? []).OfType<JsonObject>()
                .Select(r => new ColourRuleRow
                {
                    Column = WidgetOptions.Text(r["column"]), Op = WidgetOptions.Text(r["op"]) ?? "lt", Value = WidgetOptions.Number(r["value"]),
                    Value2 = WidgetOptions.Number(r["value2"]), Color = WidgetOptions.Text(r["color"]), Background = WidgetOptions.Text(r["background"]),
                }).ToList(),
            ValueFilters = (q?.Having ?? []).Select(h => new ValueFilterRow { Metric = h.Metric, Op = h.Op ?? "<", Value = h.Value }).ToList(),
        };
        if (q?.Filters is { Count: > 0 } filters)
        {
            var (dimension, values) = filters.First();
            form.FilterDimension = dimension;
            form.FilterValues = values.OfType<string>().ToList();
        }
        if (config.Options?[WidgetKinds.AlertRuleIds] is JsonArray ruleIds)
            form.AlertRuleIds = ruleIds.Select(i => i is JsonValue v && v.TryGetValue<string>(out var id) ? id : null).OfType<string>().ToList();
        form._otherOptions = config.Options?.DeepClone().AsObject() ?? [];
        foreach (var known in EditedOptions) form._otherOptions.Remove(known);
        return form;
    }

    /// <summary>Switching kind keeps what still fits (a line's metrics make a bar) and drops what does not.</summary>
    public void ChangeKind(string kind)
    {
        var previous = Kind;
        Kind = kind;
        if (WidgetKinds.Find(kind) is not { } info) return;
        if (info.Data != WidgetData.Query || WidgetKinds.Find(previous) is { Data: not WidgetData.Query })
        {
            var starter = From(kind, info.Starter);
            Metrics = starter.Metrics;
            GroupBy = starter.GroupBy;
            Granularity = starter.Granularity;
            Markdown = starter.Markdown;
            if (string.IsNullOrWhiteSpace(Title)) Title = starter.Title;
            return;
        }
        if (!info.AllowsTime) Granularity = "none";
        if (!info.AllowsGroupBy) GroupBy.Clear();
        if (info.MaxMetrics is { } most) Metrics = Metrics.Take(most).ToList();
        if (info.NeedsTime && Granularity == "none") Granularity = "day";
        if (info.NeedsGroupBy is { } dimension && GroupBy.Count == 0) GroupBy.Add(dimension);
    }

    /// <summary>An alert widget's rules (empty: every rule the viewer can see).</summary>
    public List<string> AlertRuleIds { get; set; } = [];

    public WidgetConfig ToConfig()
    {
        var options = _otherOptions.DeepClone().AsObject();
        if (KindInfo?.Data == WidgetData.Alerts)
        {
            options[WidgetKinds.AlertRuleIds] = new JsonArray([.. AlertRuleIds.Select(id => (JsonNode)JsonValue.Create(id))]);
            return new WidgetConfig { Title = Blank(Title), Options = options };
        }
        if (KindInfo?.Data == WidgetData.Text)
        {
            options["markdown"] = Markdown;
            return new WidgetConfig { Title = Blank(Title), Options = options };
        }
        if (Stacked) options["stacked"] = true;
        if (Horizontal) options["horizontal"] = true;
        if (Smooth) options["smooth"] = true;
        if (ShowForecast && KindInfo?.CanForecast == true) options[WidgetConfig.ShowForecastOption] = true;
        if (!Legend) options["legend"] = false;
        if (Min is { } min) options[WidgetOptions.Min] = min;
        if (Max is { } max) options[WidgetOptions.Max] = max;
        var axis = Offers(WidgetToggles.Axis);
        if (TimeRange != FollowDashboard) options[WidgetOptions.TimeRange] = TimeRange;
        if (axis && LogScale) options[WidgetOptions.LogScale] = true;
        if (axis && AxisFormat is { Length: > 0 } format) options[WidgetOptions.AxisFormat] = format;
        var colors = Colors.Where(c => Metrics.Contains(c.Key, StringComparer.OrdinalIgnoreCase) && c.Value.Length > 0).ToList();
        if (Offers(WidgetToggles.Colors) && colors.Count > 0) options[WidgetOptions.Colors] = new JsonObject(colors.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
        if (Offers(WidgetToggles.Thresholds) && Thresholds.Count > 0)
            options[WidgetOptions.Thresholds] = new JsonArray(Thresholds.Select(t => (JsonNode)new JsonObject { ["value"] = t.Value, ["color"] = t.Color }).ToArray());
        if (Offers(WidgetToggles.Rules) && Rules.Count > 0)
            options[WidgetOptions.Rules] = new JsonArray(Rules.Select(r => (JsonNode)r.ToJson()).ToArray());
        if (SeriesMetric is { Length: > 0 } series)
            return new WidgetConfig { Title = Blank(Title), Series = new WidgetSeries(series, SeriesAggregation), Options = options.Count > 0 ? options : null };
        var sort = SortBy is { Length: > 0 } by ? new List<QuerySort> { new(by, SortDesc) } : null;
        var filters = FilterDimension is { Length: > 0 } dim && FilterValues.Count > 0
            ? new Dictionary<string, IReadOnlyList<string?>> { [dim] = FilterValues.Cast<string?>().ToList() }
            : null;
        return new WidgetConfig
        {
            Title = Blank(Title),
            Query = new SemanticQuery
            {
                Metrics = [.. Metrics], GroupBy = [.. GroupBy], Granularity = Granularity, Sort = sort, Limit = Limit, Filters = filters, Dataset = Dataset,
                SourceIds = SourceIds.Count > 0 ? [.. SourceIds] : null,
                Having = ValueFilters.Count > 0 ? ValueFilters.Select(v => new ValueFilter(v.Metric, v.Op, v.Value)).ToList() : null,
            },
            Options = options.Count > 0 ? options : null,
        };
    }

    /// <summary>The server's checks for this widget, by field, at the given position.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems(WidgetPosition position) =>
        new WidgetDefinition { Type = Kind, Position = position, Config = ToConfig() }.Problems().ToList();

    /// <summary>The widget's own filter values as typed: comma-separated.</summary>
    public string FilterText
    {
        get => string.Join(", ", FilterValues);
        set => FilterValues = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>Output columns a sort can use.</summary>
    public IEnumerable<string> SortColumns => (Granularity != "none" ? new[] { "time" } : []).Concat(GroupBy).Concat(Metrics);

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

}

/// <summary>A gauge band being edited: the arc up to <see cref="Value"/> takes <see cref="Color"/>.</summary>
public sealed class ThresholdRow
{
    public const string DefaultColor = "#2e7d32";
    public double? Value { get; set; }
    public string Color { get; set; } = DefaultColor;
}

/// <summary>A table colour rule being edited (<see cref="WidgetOptions.Rules"/>).</summary>
public sealed class ColourRuleRow
{
    public string? Column { get; set; }
    public string Op { get; set; } = "lt";
    public double? Value { get; set; }
    public double? Value2 { get; set; }
    public string? Color { get; set; } = "#b71c1c";
    public string? Background { get; set; } = "#ffebee";

    public JsonObject ToJson()
    {
        var rule = new JsonObject { ["column"] = Column, ["op"] = Op, ["value"] = Value };
        if (Op == "between") rule["value2"] = Value2;
        if (Color is { Length: > 0 }) rule["color"] = Color;
        if (Background is { Length: > 0 }) rule["background"] = Background;
        return rule;
    }
}

/// <summary>A condition on a metric's value being edited (<see cref="ValueFilter"/>).</summary>
public sealed class ValueFilterRow
{
    public string? Metric { get; set; }
    public string Op { get; set; } = "<";
    public double? Value { get; set; }
}
