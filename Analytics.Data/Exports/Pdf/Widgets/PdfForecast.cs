using Analytics.Domain.Exports;
using Analytics.Domain.Forecasting;
using Analytics.Domain.Query;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>
/// A line or area widget's forecasts in the PDF, as on screen: the time axis runs on over the forecast buckets, the
/// prediction interval is a translucent band in the metric's colour and the forecast a dashed line from the last actual
/// point.
/// </summary>
internal static class PdfForecast
{
    /// <summary>The widget's forecasts that can be drawn: a time series without a dimension, and a forecast of one of its metrics.</summary>
    public static IReadOnlyList<ForecastResult> Applicable(ExportWidget widget)
    {
        if (widget.Forecasts is not { Count: > 0 } forecasts || widget.Data is not { } data) return [];
        if (!data.Columns.Any(c => c.Role == "time") || data.Columns.Any(c => c.Role == "dimension")) return [];
        return forecasts.Where(f => f.Points.Count > 0 && data.Columns.Any(c => c.Role == "metric" && c.Name == f.Metric)).ToList();
    }

    /// <summary>The rows plus an empty row per forecast bucket, so the category axis reaches the forecast's end.</summary>
    public static QueryResult WithFutureBuckets(QueryResult data, IReadOnlyList<ForecastResult> forecasts)
    {
        var time = data.Columns.ToList().FindIndex(c => c.Role == "time");
        var known = data.Rows.Select(r => r[time]).OfType<DateTime>().ToHashSet();
        var future = forecasts.SelectMany(f => f.Points).Select(p => p.Time.UtcDateTime).Where(t => !known.Contains(t)).Distinct().Order()
            .Select(t =>
            {
                var row = new object?[data.Columns.Count];
                row[time] = t;
                return row;
            });
        return data with { Rows = data.Rows.Concat(future).ToList() };
    }

    public static void Draw(PdfWidgetContext c, ExportWidget widget, ChartData chart, IReadOnlyList<ForecastResult> forecasts, Func<int, double, XPoint> at)
    {
        var metrics = widget.Data!.Columns.Where(col => col.Role == "metric").Select(col => col.Name).ToList();
        var index = chart.Categories.Select((cat, i) => (cat, i)).Where(x => x.cat is DateTime).ToDictionary(x => (DateTime)x.cat!, x => x.i);
        foreach (var forecast in forecasts)
        {
            var s = metrics.IndexOf(forecast.Metric);
            if (s < 0 || s >= chart.Series.Count) continue;
            var color = PdfTheme.SeriesColor(s);
            var points = forecast.Points.Where(p => index.ContainsKey(p.Time.UtcDateTime)).ToList();
            if (points.Count == 0) continue;
            var upper = points.Select(p => at(index[p.Time.UtcDateTime], p.Upper ?? p.Value)).ToArray();
            var lower = points.Select(p => at(index[p.Time.UtcDateTime], p.Lower ?? p.Value)).Reverse().ToArray();
            c.Graphics.DrawPolygon(new XSolidBrush(XColor.FromArgb(60, color)), [.. upper, .. lower], XFillMode.Winding);

            var line = new List<XPoint>();
            var values = chart.Series[s].Values;
            var last = Array.FindLastIndex(values, v => v is not null);
            if (last >= 0) line.Add(at(last, values[last]!.Value));
            line.AddRange(points.Select(p => at(index[p.Time.UtcDateTime], p.Value)));
            if (line.Count > 1) c.Graphics.DrawLines(new XPen(color, 1.3) { DashStyle = XDashStyle.Dash, LineJoin = XLineJoin.Round }, line.ToArray());
        }
    }
}
