using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// The widget settings kept in <c>config.options</c> beside the query: its own time range, series colours, value-axis
/// options, gauge thresholds and table colour rules. The names, the allowed values and their checks live here, so the
/// server, the builder's panel, the tile and the exports read them alike.
/// <code>{ "timeRange": "last7days", "colors": { "spend": "#1e88e5" }, "min": 0, "max": 10, "logScale": true, "axisFormat": "compact",
///   "thresholds": [{ "value": 2, "color": "#2e7d32" }], "rules": [{ "column": "acos", "op": "gt", "value": 0.3, "color": "#b71c1c" }] }</code>
/// </summary>
public static partial class WidgetOptions
{
    /// <summary>A preset of <see cref="DateRangePresets"/>: the widget keeps that range whatever the dashboard's; absent, it follows the dashboard.</summary>
    public const string TimeRange = "timeRange";
    /// <summary>Series name (a metric, or a dimension value) → colour.</summary>
    public const string Colors = "colors";
    public const string Min = "min";
    public const string Max = "max";
    /// <summary>A logarithmic value axis (values ≤ 0 are not drawn on it).</summary>
    public const string LogScale = "logScale";
    /// <summary>How the value axis labels its ticks: one of <see cref="AxisFormats"/> (absent: by the metric's format).</summary>
    public const string AxisFormat = "axisFormat";
    /// <summary>Gauge bands: <c>[{ value, color }]</c>, each colours the arc up to its value.</summary>
    public const string Thresholds = "thresholds";
    /// <summary>Table cell colours: <c>[{ column, op, value, value2?, color?, background? }]</c>, the first match wins.</summary>
    public const string Rules = "rules";

    public static readonly IReadOnlyList<string> AxisFormats = ["number", "percent", "currency", "compact"];

    /// <summary>The comparisons of a table colour rule (<c>between</c> takes <c>value2</c> too, inclusive).</summary>
    public static readonly IReadOnlyList<string> RuleOps = ["gt", "gte", "lt", "lte", "eq", "between"];

    public const int MaxColors = 50;
    public const int MaxThresholds = 10;
    public const int MaxRules = 20;

    /// <summary>The preset the widget keeps as its own time range, or null when it follows the dashboard's.</summary>
    public static string? OwnTimeRange(JsonObject? options) =>
        Text(options?[TimeRange]) is { } preset && DateRangePresets.Names.Contains(preset) ? preset : null;

    /// <summary>Colours are hex codes (#rgb, #rrggbb, #rrggbbaa) or colour names: nothing else reaches a style or a chart.</summary>
    public static string? SafeColor(string? color) => color is not null && ColorPattern().IsMatch(color) ? color : null;

    /// <summary>Series name → colour, as stored (invalid entries left out).</summary>
    public static IReadOnlyDictionary<string, string> SeriesColors(JsonObject? options)
    {
        var colors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (options?[Colors] is not JsonObject map) return colors;
        foreach (var (name, value) in map)
        {
            if (SafeColor(Text(value)) is { } color) colors[name] = color;
        }
        return colors;
    }

    /// <summary>What is wrong with the options this kind reads, keyed by field (<c>config.options.timeRange</c>, <c>config.options.rules[1].value</c>).</summary>
    public static IEnumerable<(string Field, string Message)> Problems(WidgetKind kind, JsonObject? options)
    {
        if (options is null) yield break;
        const string prefix = "config.options.";
        if (options[TimeRange] is { } range && (Text(range) is not { } preset || !DateRangePresets.Names.Contains(preset)))
            yield return (prefix + TimeRange, $"One of {string.Join(", ", DateRangePresets.Names)}, or leave it out to follow the dashboard's time range.");
        if (options[Colors] is { } colors)
        {
            if (colors is not JsonObject map) yield return (prefix + Colors, "An object of series name → colour, e.g. { \"spend\": \"#1e88e5\" }.");
            else if (map.Count > MaxColors) yield return (prefix + Colors, $"At most {MaxColors} colours.");
            else
            {
                foreach (var (name, value) in map)
                {
                    if (SafeColor(Text(value)) is null) yield return ($"{prefix}{Colors}.{name}", "A colour: #rgb, #rrggbb or a colour name.");
                }
            }
        }
        double? min = null, max = null;
        if (options[Min] is { } minNode && (min = Number(minNode)) is null) yield return (prefix + Min, "A number.");
        if (options[Max] is { } maxNode && (max = Number(maxNode)) is null) yield return (prefix + Max, "A number.");
        if (min is { } lo && max is { } hi && hi <= lo) yield return (prefix + Max, $"Must be greater than min ({lo.ToString(CultureInfo.InvariantCulture)}).");
        if (options[LogScale] is { } log && log.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) yield return (prefix + LogScale, "true or false.");
        else if (options[LogScale]?.GetValue<bool>() == true && min is <= 0) yield return (prefix + Min, "A logarithmic axis starts above 0.");
        if (options[AxisFormat] is { } format && (Text(format) is not { } f || !AxisFormats.Contains(f)))
            yield return (prefix + AxisFormat, $"One of {string.Join(", ", AxisFormats)}.");
        if (options[Thresholds] is { } thresholds)
        {
            if (thresholds is not JsonArray bands) yield return (prefix + Thresholds, "A list of { value, color }.");
            else if (bands.Count > MaxThresholds) yield return (prefix + Thresholds, $"At most {MaxThresholds} thresholds.");
            else
            {
                for (var i = 0; i < bands.Count; i++)
                {
                    var at = $"{prefix}{Thresholds}[{i}]";
                    if (bands[i] is not JsonObject band) { yield return (at, "{ value, color }."); continue; }
                    if (Number(band["value"]) is null) yield return (at + ".value", "A number: the arc up to it takes the colour.");
                    if (SafeColor(Text(band["color"])) is null) yield return (at + ".color", "A colour: #rgb, #rrggbb or a colour name.");
                }
            }
        }
        if (options[Rules] is { } rules)
        {
            if (rules is not JsonArray list) yield return (prefix + Rules, "A list of { column, op, value, color?, background? }.");
            else if (list.Count > MaxRules) yield return (prefix + Rules, $"At most {MaxRules} rules.");
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    var at = $"{prefix}{Rules}[{i}]";
                    if (list[i] is not JsonObject rule) { yield return (at, "{ column, op, value, color?, background? }."); continue; }
                    if (string.IsNullOrWhiteSpace(Text(rule["column"]))) yield return (at + ".column", "Required: the column the rule colours.");
                    var op = Text(rule["op"]);
                    if (op is null || !RuleOps.Contains(op)) yield return (at + ".op", $"One of {string.Join(", ", RuleOps)}.");
                    if (Number(rule["value"]) is null) yield return (at + ".value", "A number to compare with.");
                    if (op == "between" && Number(rule["value2"]) is null) yield return (at + ".value2", "Between needs a second number.");
                    var color = Text(rule["color"]);
                    var background = Text(rule["background"]);
                    if (color is null && background is null) yield return (at + ".color", "Give a text colour, a background, or both.");
                    if (color is not null && SafeColor(color) is null) yield return (at + ".color", "A colour: #rgb, #rrggbb or a colour name.");
                    if (background is not null && SafeColor(background) is null) yield return (at + ".background", "A colour: #rgb, #rrggbb or a colour name.");
                }
            }
        }
    }

    public static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A number as parsed JSON or as built in code (an int, a decimal, a double).</summary>
    public static double? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
        ? d
        : null;

    [GeneratedRegex("^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")]
    private static partial Regex ColorPattern();
}
