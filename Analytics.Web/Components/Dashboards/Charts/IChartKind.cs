using System.Text.Json.Nodes;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// One chart widget kind (line, bar, pie, …): turns a query result and the widget's chart options into an ECharts
/// option. Each kind is one class registered by <see cref="Kind"/> in <see cref="ChartOptionsBuilder"/>.
/// </summary>
public interface IChartKind
{
    /// <summary>The widget type as the dashboard contract names it (<c>line</c>, <c>donut</c>, …).</summary>
    string Kind { get; }

    JsonObject Build(ChartRequest request);
}

/// <param name="Data">The result, already split into its time, dimension and metric columns.</param>
public sealed record ChartRequest(ChartData Data, ChartWidgetOptions Options)
{
    /// <summary>Forecasts of the result's metrics (one per metric), drawn after the last actual point when the options show them.</summary>
    public IReadOnlyList<Analytics.Domain.Forecasting.ForecastResult>? Forecasts { get; init; }
}

/// <summary>
/// Conventions shared by the option JSON and <c>wwwroot/js/charts.js</c>. ECharts formatters are functions, which JSON
/// cannot carry, so a formatter is written as a marker string that charts.js replaces with its formatter of that name.
/// </summary>
public static class ChartMarkers
{
    /// <summary>A full value formatter (tooltips, labels, gauge detail): <c>$fmt:currency</c>.</summary>
    public static string Value(string format) => "$fmt:" + format;

    /// <summary>A compact value formatter for axis labels (<c>$12.3K</c>): <c>$axis:currency</c>.</summary>
    public static string Axis(string format) => "$axis:" + format;

    /// <summary>A date formatter for the bucket granularity (axis pointer, tooltip header): <c>$date:day</c>.</summary>
    public static string Date(string granularity) => "$date:" + granularity;

    /// <summary>Separates the dimension value from the metric name in a series id (charts.js splits on it for drill-down).</summary>
    public const char SeriesKeySeparator = '\u001f';

    /// <summary>
    /// The root key describing which dimension a click filters by (<c>{ category, series, x, y }</c>); charts.js removes
    /// it before handing the option to ECharts.
    /// </summary>
    public const string Drill = "drill";
}
