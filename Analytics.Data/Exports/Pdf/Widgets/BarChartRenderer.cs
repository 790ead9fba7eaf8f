using Analytics.Domain.Dashboards;
using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>Bars: grouped or stacked, vertical or horizontal (options <c>stacked</c>, <c>horizontal</c>); values labelled when there is room.</summary>
public sealed class BarChartRenderer : CartesianChartRenderer
{
    public override string Kind => ExportWidgetKinds.Bar;
    protected override bool BoundaryGap => true;

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        if (widget.Options.Horizontal || LongLabels(widget)) DrawHorizontal(c, widget, body);
        else base.DrawChart(c, widget, body);
    }

    protected override void DrawMarks(PdfWidgetContext c, ExportWidget widget, ChartData data, XRect plot, NiceScale scale, Func<int, double, XPoint> at)
    {
        var n = data.Categories.Count;
        var m = data.Series.Count;
        var stacked = widget.Options.Stacked && m > 1;
        var slot = plot.Width / n;
        var groupWidth = slot * 0.72;
        var barWidth = stacked ? groupWidth : groupWidth / m;
        var labels = !stacked && n * m <= 16 && barWidth >= 14;
        var zero = Y(plot, scale, Math.Clamp(0, scale.Min, scale.Max));
        for (var i = 0; i < n; i++)
        {
            var center = plot.X + (i + 0.5) * slot;
            double pos = 0, neg = 0;
            for (var s = 0; s < m; s++)
            {
                if (data.Series[s].Values[i] is not { } v) continue;
                double from, to;
                if (stacked)
                {
                    from = v >= 0 ? pos : neg;
                    to = from + v;
                    if (v >= 0) pos = to;
                    else neg = to;
                }
                else (from, to) = (0, v);
                var x = stacked ? center - groupWidth / 2 : center - groupWidth / 2 + s * barWidth;
                var y1 = Y(plot, scale, from);
                var y2 = Y(plot, scale, to);
                var rect = new XRect(x + (stacked ? 0 : 0.5), Math.Min(y1, y2), Math.Max(0.5, barWidth - (stacked ? 0 : 1)), Math.Abs(y2 - y1));
                c.Graphics.DrawRectangle(new XSolidBrush(PdfTheme.SeriesColor(s)), rect);
                if (labels) ValueLabel(c, c.Formatter.FormatCompact(v, data.ValueFormat), rect.X + rect.Width / 2, v >= 0 ? rect.Top - 1 : rect.Bottom + 10);
            }
        }
        c.Graphics.DrawLine(new XPen(c.Theme.Muted, 0.6), plot.X, zero, plot.Right, zero);
    }

    /// <summary>Category names too long or too many to stand under the bars: the one rule the screen follows too (<see cref="CategoryLabels"/>).</summary>
    private static bool LongLabels(ExportWidget widget)
    {
        var data = ChartData.From(widget.Data, widget.Options.MaxSeries);
        if (data.Granularity is not (null or "" or "none")) return false;
        var names = data.Categories.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        return CategoryLabels.Choose(names, canTurn: true) == CategoryLabelLayout.Horizontal;
    }

    private static void DrawHorizontal(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        var data = ChartData.From(widget.Data, widget.Options.MaxSeries);
        if (data.IsEmpty)
        {
            PdfDraw.Empty(c, body);
            return;
        }
        var g = c.Graphics;
        var area = PdfDraw.Legend(c, data.Series.Select(s => s.Name).ToList(), body);
        var stacked = widget.Options.Stacked && data.Series.Count > 1;
        var (min, max) = Range(data, stacked);
        var scale = NiceScale.For(min, max, (int)Math.Clamp(area.Width / 70, 2, 7));
        var n = data.Categories.Count;
        var m = data.Series.Count;
        var labels = data.Categories.Select(cat => PdfDraw.CategoryLabel(c, cat, data.Granularity)).ToList();
        var labelWidth = Math.Min(area.Width * 0.32, labels.Max(l => g.MeasureString(l, c.Theme.Small).Width) + 6);
        var plot = new XRect(area.X + labelWidth, area.Y + 2, Math.Max(10, area.Width - labelWidth - 26), Math.Max(10, area.Height - 2 - 13));
        var fitted = PdfDraw.FitLabels(g, labels, c.Theme.Small, labelWidth - 5);
        double XOf(double v) => plot.X + (v - scale.Min) / (scale.Max - scale.Min) * plot.Width;

        var grid = new XPen(c.Theme.Grid, 0.6);
        foreach (var t in scale.Ticks())
        {
            var x = XOf(t);
            g.DrawLine(t == 0 ? new XPen(c.Theme.Muted, 0.6) : grid, x, plot.Y, x, plot.Bottom);
            PdfDraw.Text(g, c.Formatter.FormatCompact(t, data.ValueFormat), c.Theme.Small, c.Theme.Muted, new XRect(x - 30, plot.Bottom + 3, 60, 10), XStringFormats.TopCenter);
        }
        var slot = plot.Height / n;
        var groupHeight = slot * 0.72;
        var barHeight = stacked ? groupHeight : groupHeight / m;
        var showValues = !stacked && barHeight >= 6;
        var every = Math.Max(1, (int)Math.Ceiling(9 / slot));
        for (var i = 0; i < n; i++)
        {
            var center = plot.Y + (i + 0.5) * slot;
            if (i % every == 0)
            {
                PdfDraw.Text(g, fitted[i], c.Theme.Small, c.Theme.Ink,
                    new XRect(area.X, center - 5, labelWidth - 5, 10), XStringFormats.CenterRight);
            }
            double pos = 0, neg = 0;
            for (var s = 0; s < m; s++)
            {
                if (data.Series[s].Values[i] is not { } v) continue;
                double from;
                if (stacked)
                {
                    from = v >= 0 ? pos : neg;
                    if (v >= 0) pos += v;
                    else neg += v;
                }
                else from = 0;
                var x1 = XOf(from);
                var x2 = XOf(from + v);
                var y = stacked ? center - groupHeight / 2 : center - groupHeight / 2 + s * barHeight;
                var rect = new XRect(Math.Min(x1, x2), y + (stacked ? 0 : 0.4), Math.Max(0.5, Math.Abs(x2 - x1)), Math.Max(0.5, barHeight - (stacked ? 0 : 0.8)));
                g.DrawRectangle(new XSolidBrush(PdfTheme.SeriesColor(s)), rect);
                if (showValues)
                {
                    PdfDraw.Text(g, c.Formatter.FormatCompact(v, data.ValueFormat), c.Theme.Small, c.Theme.Ink,
                        new XRect(rect.Right + 2, rect.Y + rect.Height / 2 - 5, 40, 10), XStringFormats.CenterLeft);
                }
            }
        }
    }
}
