using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>A chart always fits its box: it is drawn whole, at whatever size the layout gives it.</summary>
public abstract class ChartRenderer : IPdfWidgetRenderer
{
    public abstract string Kind { get; }

    public virtual double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0) => Math.Clamp(width * 0.36, 150, 250);

    public int? Draw(PdfWidgetContext context, ExportWidget widget, XRect body, int start)
    {
        DrawChart(context, widget, body);
        return null;
    }

    protected abstract void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body);
}

/// <summary>
/// Charts with a category axis across and a value axis up (line, area, vertical bars): legend, nice ticks with
/// formatted labels, light grid lines, category labels thinned so they never overlap. Subclasses draw the marks.
/// </summary>
public abstract class CartesianChartRenderer : ChartRenderer
{
    /// <summary>Whether categories sit in the middle of slots (bars) or on the edges (lines).</summary>
    protected abstract bool BoundaryGap { get; }

    protected virtual bool IsStacked(ExportWidget widget) => widget.Options.Stacked;

    /// <summary>Whether the kind draws a widget's forecasts after the last actual point (line and area).</summary>
    protected virtual bool DrawsForecast => false;

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        var forecasts = DrawsForecast && !IsStacked(widget) ? PdfForecast.Applicable(widget) : [];
        var data = ChartData.From(forecasts.Count > 0 ? PdfForecast.WithFutureBuckets(widget.Data!, forecasts) : widget.Data, widget.Options.MaxSeries);
        if (data.IsEmpty)
        {
            PdfDraw.Empty(c, body);
            return;
        }
        var area = PdfDraw.Legend(c, data.Series.Select(s => s.Name).Concat(forecasts.Count > 0 ? ["Forecast (80% range)"] : []).ToList(), body);
        var (min, max) = Range(data, IsStacked(widget));
        foreach (var f in forecasts.SelectMany(f => f.Points))
        {
            min = Math.Min(min, f.Lower ?? f.Value);
            max = Math.Max(max, f.Upper ?? f.Value);
        }
        var scale = NiceScale.For(min, max, (int)Math.Clamp(area.Height / 26, 2, 6));
        var n = data.Categories.Count;
        var labels = data.Categories.Select(cat => PdfDraw.CategoryLabel(c, cat, data.Granularity)).ToList();
        var widest = labels.Max(l => c.Graphics.MeasureString(l, c.Theme.Small).Width) + 6;
        // Bars whose labels don't fit their slot get them slanted, as long as there are few enough to read.
        var slanted = BoundaryGap && n <= 24 && widest > (area.Width - 40) / n;
        var reserve = slanted ? Math.Min(area.Height * 0.36, Math.Sin(Slant * Math.PI / 180) * Math.Min(widest, MaxSlantedLabel) + 10) : 13;
        var plot = ValuePlot(c, area, scale, data.ValueFormat, reserve);
        XPoint At(int i, double value) => new(X(plot, i, n), Y(plot, scale, value));
        if (slanted) SlantedLabels(c, labels, plot, n, reserve, body.X);
        else CategoryLabels(c, data, plot, n);
        DrawMarks(c, widget, data, plot, scale, At);
        if (forecasts.Count > 0) PdfForecast.Draw(c, widget, data, forecasts, At);
    }

    protected abstract void DrawMarks(PdfWidgetContext c, ExportWidget widget, ChartData data, XRect plot, NiceScale scale, Func<int, double, XPoint> at);

    protected double X(XRect plot, int i, int n) => BoundaryGap
        ? plot.X + (i + 0.5) * plot.Width / n
        : n == 1 ? plot.X + plot.Width / 2 : plot.X + i * plot.Width / (n - 1);

    public static double Y(XRect plot, NiceScale scale, double value) =>
        plot.Bottom - (value - scale.Min) / (scale.Max - scale.Min) * plot.Height;

    public static (double Min, double Max) Range(ChartData data, bool stacked)
    {
        double min = 0, max = 0;
        if (stacked)
        {
            for (var i = 0; i < data.Categories.Count; i++)
            {
                double pos = 0, neg = 0;
                foreach (var s in data.Series)
                {
                    var v = s.Values[i] ?? 0;
                    if (v >= 0) pos += v;
                    else neg += v;
                }
                max = Math.Max(max, pos);
                min = Math.Min(min, neg);
            }
            return (min, max);
        }
        foreach (var v in data.Series.SelectMany(s => s.Values))
        {
            if (v is not { } x) continue;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        return (min, max);
    }

    /// <summary>Draws the value axis (grid lines and tick labels) and returns the plot rectangle right of it.</summary>
    public static XRect ValuePlot(PdfWidgetContext c, XRect area, NiceScale scale, string? format, double bottomReserve = 13)
    {
        var g = c.Graphics;
        var ticks = scale.Ticks().ToList();
        var labels = ticks.Select(t => c.Formatter.FormatCompact(t, format)).ToList();
        var labelWidth = labels.Max(l => g.MeasureString(l, c.Theme.Small).Width) + 5;
        var plot = new XRect(area.X + labelWidth, area.Y + 4, Math.Max(10, area.Width - labelWidth - 4), Math.Max(10, area.Height - 4 - bottomReserve));
        var grid = new XPen(c.Theme.Grid, 0.6);
        for (var i = 0; i < ticks.Count; i++)
        {
            var y = Y(plot, scale, ticks[i]);
            g.DrawLine(ticks[i] == 0 ? new XPen(c.Theme.Muted, 0.6) : grid, plot.X, y, plot.Right, y);
            PdfDraw.Text(g, labels[i], c.Theme.Small, c.Theme.Muted, new XRect(area.X, y - 5, labelWidth - 4, 10), XStringFormats.CenterRight);
        }
        return plot;
    }

    private void CategoryLabels(PdfWidgetContext c, ChartData data, XRect plot, int n)
    {
        var g = c.Graphics;
        var labels = data.Categories.Select(cat => PdfDraw.CategoryLabel(c, cat, data.Granularity)).ToList();
        var widest = labels.Max(l => g.MeasureString(l, c.Theme.Small).Width) + 6;
        var slot = plot.Width / Math.Max(1, BoundaryGap ? n : n - 1);
        // Bars with room for a few characters each keep every label (shortened); otherwise labels are thinned.
        var every = BoundaryGap && slot >= 34 ? 1 : Math.Max(1, (int)Math.Ceiling(widest / Math.Max(1, slot)));
        var width = Math.Min(Math.Max(slot * every, 20), 120);
        var shown = Enumerable.Range(0, n).Where(i => i % every == 0).ToList();
        var fitted = PdfDraw.FitLabels(g, shown.Select(i => labels[i]).ToList(), c.Theme.Small, width - 2);
        for (var k = 0; k < shown.Count; k++)
        {
            var i = shown[k];
            var x = X(plot, i, n);
            var label = fitted[k];
            var format = !BoundaryGap && i == 0 ? XStringFormats.TopLeft : XStringFormats.TopCenter;
            var left = format == XStringFormats.TopLeft ? x : x - width / 2;
            PdfDraw.Text(g, label, c.Theme.Small, c.Theme.Muted, new XRect(left, plot.Bottom + 3, width, 10), format);
        }
    }

    private const double Slant = 35;
    private const double MaxSlantedLabel = 110;

    /// <summary>Category labels slanted up to the left, each ending under its bar and starting inside the card (<paramref name="left"/>).</summary>
    private void SlantedLabels(PdfWidgetContext c, List<string> labels, XRect plot, int n, double reserve, double left)
    {
        var g = c.Graphics;
        var room = Math.Min(MaxSlantedLabel, (reserve - 8) / Math.Sin(Slant * Math.PI / 180));
        var rooms = Enumerable.Range(0, n).Select(i => Math.Max(0, Math.Min(room, (X(plot, i, n) - left - 2) / Math.Cos(Slant * Math.PI / 180)))).ToList();
        var fitted = PdfDraw.FitLabels(g, labels, c.Theme.Small, rooms);
        for (var i = 0; i < n; i++)
        {
            var x = X(plot, i, n);
            var text = fitted[i];
            var state = g.Save();
            g.RotateAtTransform(-Slant, new XPoint(x, plot.Bottom + 4));
            PdfDraw.Text(g, text, c.Theme.Small, c.Theme.Muted, new XRect(x - room - 2, plot.Bottom + 1, room, 8), XStringFormats.TopRight);
            g.Restore(state);
        }
    }

    /// <summary>A value's short label above a point or bar, when there is room for one per mark.</summary>
    protected static void ValueLabel(PdfWidgetContext c, string text, double x, double y) =>
        PdfDraw.Text(c.Graphics, text, c.Theme.Small, c.Theme.Ink, new XRect(x - 30, y - 10, 60, 9), XStringFormats.BottomCenter);
}

public sealed class LineChartRenderer : CartesianChartRenderer
{
    public override string Kind => ExportWidgetKinds.Line;
    protected override bool BoundaryGap => false;
    protected override bool DrawsForecast => true;
    protected override bool IsStacked(ExportWidget widget) => false;

    protected override void DrawMarks(PdfWidgetContext c, ExportWidget widget, ChartData data, XRect plot, NiceScale scale, Func<int, double, XPoint> at)
    {
        var n = data.Categories.Count;
        var labels = data.Series.Count == 1 && n <= 14;
        for (var s = 0; s < data.Series.Count; s++)
        {
            var color = PdfTheme.SeriesColor(s);
            var pen = new XPen(color, 1.4) { LineJoin = XLineJoin.Round, LineCap = XLineCap.Round };
            foreach (var run in Runs(data.Series[s].Values, at))
            {
                if (run.Length > 1) c.Graphics.DrawLines(pen, run);
            }
            if (n > 40) continue;
            var brush = new XSolidBrush(color);
            for (var i = 0; i < n; i++)
            {
                if (data.Series[s].Values[i] is not { } v) continue;
                var p = at(i, v);
                c.Graphics.DrawEllipse(XPens.White, brush, p.X - 1.8, p.Y - 1.8, 3.6, 3.6);
                if (labels) ValueLabel(c, c.Formatter.FormatCompact(v, data.ValueFormat), p.X, p.Y - 2);
            }
        }
    }

    /// <summary>Consecutive non-missing points: a gap in the data is a gap in the line.</summary>
    public static IEnumerable<XPoint[]> Runs(double?[] values, Func<int, double, XPoint> at)
    {
        var run = new List<XPoint>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v)
            {
                run.Add(at(i, v));
                continue;
            }
            if (run.Count > 0) yield return run.ToArray();
            run.Clear();
        }
        if (run.Count > 0) yield return run.ToArray();
    }
}

/// <summary>Lines with the area under them filled (translucent), stacked on request.</summary>
public sealed class AreaChartRenderer : CartesianChartRenderer
{
    public override string Kind => ExportWidgetKinds.Area;
    protected override bool BoundaryGap => false;
    protected override bool DrawsForecast => true;

    protected override void DrawMarks(PdfWidgetContext c, ExportWidget widget, ChartData data, XRect plot, NiceScale scale, Func<int, double, XPoint> at)
    {
        var n = data.Categories.Count;
        var stacked = widget.Options.Stacked;
        var baseline = new double[n];
        var zero = Math.Clamp(0, scale.Min, scale.Max);
        for (var s = 0; s < data.Series.Count; s++)
        {
            var color = PdfTheme.SeriesColor(s);
            var top = new double[n];
            for (var i = 0; i < n; i++) top[i] = (stacked ? baseline[i] : 0) + (data.Series[s].Values[i] ?? 0);
            var upper = Enumerable.Range(0, n).Select(i => at(i, top[i])).ToArray();
            var lower = Enumerable.Range(0, n).Select(i => at(i, stacked ? baseline[i] : zero)).Reverse().ToArray();
            if (n > 1)
            {
                c.Graphics.DrawPolygon(new XSolidBrush(XColor.FromArgb(stacked ? 150 : 70, color)), [.. upper, .. lower], XFillMode.Winding);
                c.Graphics.DrawLines(new XPen(color, 1.3) { LineJoin = XLineJoin.Round }, upper);
            }
            else
            {
                c.Graphics.DrawEllipse(new XSolidBrush(color), upper[0].X - 2, upper[0].Y - 2, 4, 4);
            }
            if (stacked) baseline = top;
        }
    }
}
