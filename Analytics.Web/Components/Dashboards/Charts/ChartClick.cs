namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// A click on a chart's point, bar, slice or heatmap cell, as charts.js reports it.
/// </summary>
/// <param name="SeriesName">The series as the legend shows it (a metric label, or a dimension value).</param>
/// <param name="Name">The category, slice name or bucket clicked (heatmaps: <c>x × y</c>).</param>
/// <param name="Value">The number under the pointer.</param>
/// <param name="Metric">The metric column's name, when the series is one metric's.</param>
/// <param name="Filters">Dimension → value that the click singles out, ready for drill-down (empty for a time point
/// of an ungrouped series).</param>
public sealed record ChartClick(string SeriesName, string Name, double? Value, string? Metric, Dictionary<string, string> Filters);
