using System.Text.Json.Nodes;
using Analytics.Domain.Forecasting;
using Analytics.Domain.Query;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// The registry of chart kinds: widget kind + chart options + query result → ECharts option (JSON). Plain C#, so every
/// kind is unit-tested without a browser; <c>wwwroot/js/charts.js</c> draws the result (see <see cref="ChartMarkers"/>).
/// </summary>
public sealed class ChartOptionsBuilder
{
    private readonly Dictionary<string, IChartKind> _kinds;

    public ChartOptionsBuilder(IEnumerable<IChartKind> kinds)
    {
        _kinds = new Dictionary<string, IChartKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in kinds)
        {
            if (!_kinds.TryAdd(kind.Kind, kind)) throw new ArgumentException($"Chart kind '{kind.Kind}' is registered twice.", nameof(kinds));
        }
    }

    /// <summary>Every built-in kind: line, area, bar, pie, donut, heatmap, gauge.</summary>
    public static ChartOptionsBuilder Default { get; } = new(
    [
        new LineChartKind(), new AreaChartKind(), new BarChartKind(), new PieChartKind(), new DonutChartKind(),
        new HeatmapChartKind(), new GaugeChartKind(),
    ]);

    public IReadOnlyCollection<string> Kinds => _kinds.Keys;

    public bool Supports(string kind) => _kinds.ContainsKey(kind);

    /// <exception cref="ArgumentException">The kind is not a chart kind (KPI, table and text widgets are components of their own).</exception>
    public JsonObject Build(string kind, JsonObject? options, QueryResult result, IReadOnlyList<ForecastResult>? forecasts = null) =>
        Build(kind, ChartWidgetOptions.From(options), result, forecasts);

    /// <param name="forecasts">The widget's forecasts (<see cref="ChartWidgetOptions.ShowForecast"/>): line and area charts draw them.</param>
    public JsonObject Build(string kind, ChartWidgetOptions options, QueryResult result, IReadOnlyList<ForecastResult>? forecasts = null)
    {
        if (!_kinds.TryGetValue(kind, out var chart))
        {
            throw new ArgumentException($"'{kind}' is not a chart kind; expected one of {string.Join(", ", _kinds.Keys)}.", nameof(kind));
        }
        var data = new ChartData(result);
        var option = chart.Build(new ChartRequest(data, options) { Forecasts = forecasts });
        option["useUTC"] = true; // times are the query zone's wall clock (see ChartData.TimeKey)
        option["animationDuration"] = 300;
        if (result.Rows.Count == 0)
        {
            option["title"] = new JsonObject
            {
                ["text"] = "No data for these filters", ["left"] = "center", ["top"] = "middle",
                ["textStyle"] = new JsonObject { ["fontSize"] = 13, ["fontWeight"] = "normal", ["color"] = "#888" },
            };
        }
        return option;
    }
}
