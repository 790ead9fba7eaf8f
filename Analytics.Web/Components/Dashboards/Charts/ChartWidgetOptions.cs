using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Dashboards;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// The chart part of a widget's <c>config.options</c>. Unknown keys are ignored; missing keys take the defaults below.
/// <code>{ "stacked": true, "horizontal": true, "smooth": false, "legend": true, "zoom": true, "min": 0, "max": 1,
///   "thresholds": [{ "value": 0.2, "color": "#2e7d32" }], "heatmap": "weekdayHour", "seriesLimit": 12, "sliceLimit": 10,
///   "currency": "USD", "showForecast": true, "forecastHorizon": 14 }</code>
/// </summary>
public sealed record ChartWidgetOptions
{
    public bool Stacked { get; init; }
    /// <summary>Bars run left to right (categories on the vertical axis).</summary>
    public bool Horizontal { get; init; }
    public bool Smooth { get; init; }
    public bool Legend { get; init; } = true;
    /// <summary>Zoom and pan (mouse wheel, drag, pinch, and a slider) on time series.</summary>
    public bool Zoom { get; init; } = true;
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>Gauge bands, ascending: each colours the arc up to its value; the last colours the rest.</summary>
    public IReadOnlyList<GaugeThreshold> Thresholds { get; init; } = [];
    /// <summary><c>weekdayHour</c> folds a time series into a weekday × hour-of-day grid.</summary>
    public string? Heatmap { get; init; }
    public int SeriesLimit { get; init; } = 12;
    public int SliceLimit { get; init; } = 10;
    public string Currency { get; init; } = "USD";
    /// <summary>Line and area charts draw the forecast and its 80% band after the last actual point (<c>showForecast</c>).</summary>
    public bool ShowForecast { get; init; }
    /// <summary>A logarithmic value axis (<c>logScale</c>).</summary>
    public bool LogScale { get; init; }
    /// <summary>The value axis's label format (<c>axisFormat</c>: number, percent, currency, compact); null: the metric's.</summary>
    public string? AxisFormat { get; init; }
    /// <summary>Series colours by metric name or series name (<c>colors</c>).</summary>
    public IReadOnlyDictionary<string, string> Colors { get; init; } = new Dictionary<string, string>();

    public static ChartWidgetOptions Default { get; } = new();

    public static ChartWidgetOptions From(JsonObject? options)
    {
        if (options is null) return Default;
        return new ChartWidgetOptions
        {
            Stacked = Bool(options, "stacked") ?? false,
            Horizontal = Bool(options, "horizontal") ?? false,
            Smooth = Bool(options, "smooth") ?? false,
            Legend = Bool(options, "legend") ?? true,
            Zoom = Bool(options, "zoom") ?? true,
            Min = Number(options["min"]),
            Max = Number(options["max"]),
            Thresholds = options["thresholds"] is JsonArray array
                ? array.OfType<JsonObject>()
                    .Select(t => (Value: Number(t["value"]), Color: Text(t["color"])))
                    .Where(t => t.Value is not null && !string.IsNullOrWhiteSpace(t.Color))
                    .Select(t => new GaugeThreshold(t.Value!.Value, t.Color!))
                    .OrderBy(t => t.Value)
                    .ToList()
                : [],
            Heatmap = Text(options["heatmap"]),
            SeriesLimit = Math.Clamp((int)(Number(options["seriesLimit"]) ?? 12), 1, 100),
            SliceLimit = Math.Clamp((int)(Number(options["sliceLimit"]) ?? 10), 1, 100),
            ShowForecast = Bool(options, Analytics.Domain.Dashboards.WidgetConfig.ShowForecastOption) ?? false,
            Currency = Text(options["currency"]) is { Length: 3 } currency ? currency.ToUpperInvariant() : "USD",
            LogScale = Bool(options, WidgetOptions.LogScale) ?? false,
            AxisFormat = Text(options[WidgetOptions.AxisFormat]) is { } format && WidgetOptions.AxisFormats.Contains(format) ? format : null,
            Colors = WidgetOptions.SeriesColors(options),
        };
    }

    private static bool? Bool(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    private static double? Number(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            // Parsed JSON and values built in code (an int, a decimal) alike.
            JsonValueKind.Number => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.String when double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        }
        : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}

public sealed record GaugeThreshold(double Value, string Color);
