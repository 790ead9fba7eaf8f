using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>A KPI card: the value, its change against the previous period (green when good news), and a sparkline.</summary>
public sealed class KpiRenderer : ChartRenderer
{
    public override string Kind => ExportWidgetKinds.Kpi;

    public override double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0) => 80;

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body) => DrawKpi(c, KpiFigures.From(widget), body, showLabel: false);

    /// <summary>Draws a KPI's figures in a box; the summary page uses it for its cards (with the label on top).</summary>
    public static void DrawKpi(PdfWidgetContext c, ExportKpi kpi, XRect body, bool showLabel)
    {
        var g = c.Graphics;
        var y = body.Y;
        if (showLabel)
        {
            PdfDraw.Text(g, PdfDraw.Fit(g, kpi.Label, c.Theme.BodyBold, body.Width), c.Theme.BodyBold, c.Theme.Muted, new XRect(body.X, y, body.Width, 11), XStringFormats.TopLeft);
            y += 13;
        }
        var text = c.Formatter.FormatNumber(kpi.Value, kpi.Format);
        var hasSpark = kpi.Sparkline is { Count: > 1 };
        // A wide, short card puts the sparkline beside the figures; otherwise it goes underneath.
        var beside = hasSpark && body.Width >= 160 && body.Bottom - y < 70;
        var top = y;
        var textWidth = beside ? body.Width * 0.6 : body.Width;
        var size = Math.Min(22, Math.Max(9, (body.Bottom - y) * (hasSpark && !beside ? 0.34 : 0.45)));
        var font = new XFont(DejaVuFontResolver.Family, size, XFontStyleEx.Bold);
        while (size > 8 && g.MeasureString(text, font).Width > textWidth)
        {
            size -= 1;
            font = new XFont(DejaVuFontResolver.Family, size, XFontStyleEx.Bold);
        }
        PdfDraw.Text(g, text, font, c.Theme.Ink, new XRect(body.X, y, body.Width, size * 1.25), XStringFormats.TopLeft);
        y += size * 1.25 + 2;
        if (kpi.Change is { } change && y + 9 <= body.Bottom)
        {
            var good = change == 0 || (change > 0) == kpi.HigherIsBetter;
            var arrow = change > 0 ? "▲" : change < 0 ? "▼" : "■";
            var line = $"{arrow} {ExportFormatter.FormatChange(change)}";
            PdfDraw.Text(g, line, c.Theme.SmallBold, good ? c.Theme.Good : c.Theme.Bad, new XRect(body.X, y, textWidth, 9), XStringFormats.TopLeft);
            var w = g.MeasureString(line, c.Theme.SmallBold).Width;
            if (textWidth - w > 0)
                PdfDraw.Text(g, PdfDraw.Fit(g, " vs previous period", c.Theme.Small, textWidth - w), c.Theme.Small, c.Theme.Muted, new XRect(body.X + w, y, textWidth - w, 9), XStringFormats.TopLeft);
            y += 12;
        }
        var points = kpi.Sparkline?.ToList() ?? [];
        // A small card (a short grid tile on a portrait page) may have no room left under the figures: no sparkline then.
        var spark = beside
            ? new XRect(body.X + body.Width * 0.64, top + 4, body.Width * 0.36, Math.Max(0, body.Bottom - top - 6))
            : new XRect(body.X, y + 2, body.Width, Math.Max(0, body.Bottom - y - 2));
        if (points.Count < 2 || spark.Height < 8) return;
        var values = points.Where(p => p is not null).Select(p => p!.Value).ToList();
        if (values.Count < 2) return;
        double min = values.Min(), max = values.Max();
        if (max - min < 1e-12) max = min + 1;
        XPoint At(int i, double v) => new(spark.X + i * spark.Width / (points.Count - 1), spark.Bottom - (v - min) / (max - min) * spark.Height);
        var line2 = new XPen(c.Theme.Accent, 1.1) { LineJoin = XLineJoin.Round };
        foreach (var run in LineChartRenderer.Runs(points.ToArray(), At))
        {
            if (run.Length < 2) continue;
            g.DrawPolygon(new XSolidBrush(XColor.FromArgb(40, c.Theme.Accent)),
                [.. run, new XPoint(run[^1].X, spark.Bottom), new XPoint(run[0].X, spark.Bottom)], XFillMode.Winding);
            g.DrawLines(line2, run);
        }
    }
}

/// <summary>A half-circle gauge: the value's share of min..max as a coloured arc, min and max at the ends, an optional target mark.</summary>
public sealed class GaugeRenderer : ChartRenderer
{
    public override string Kind => ExportWidgetKinds.Gauge;

    public override double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0) => 150;

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        var kpi = KpiFigures.From(widget);
        if (kpi.Value is not { } value)
        {
            PdfDraw.Empty(c, body);
            return;
        }
        var g = c.Graphics;
        var min = widget.Options.Min ?? 0;
        var max = widget.Options.Max ?? (kpi.Format == "percent" && value <= 1 ? 1 : NiceScale.For(min, Math.Max(value, widget.Options.Target ?? value) * 1.15, 4).Max);
        if (max <= min) max = min + 1;
        var t = Math.Clamp((value - min) / (max - min), 0, 1);
        var radius = Math.Max(10, Math.Min(body.Width / 2 - 8, body.Height - 22));
        var thickness = radius * 0.24;
        var center = new XPoint(body.X + body.Width / 2, body.Y + 4 + radius);
        var r = radius - thickness / 2;
        var arc = new XRect(center.X - r, center.Y - r, 2 * r, 2 * r);
        g.DrawArc(new XPen(c.Theme.Rule, thickness), arc, 180, 180);
        if (t > 0) g.DrawArc(new XPen(c.Theme.Accent, thickness), arc, 180, 180 * t);
        if (widget.Options.Target is { } target)
        {
            var a = (180 + 180 * Math.Clamp((target - min) / (max - min), 0, 1)) * Math.PI / 180;
            g.DrawLine(new XPen(c.Theme.Ink, 1.4),
                center.X + Math.Cos(a) * (radius - thickness - 2), center.Y + Math.Sin(a) * (radius - thickness - 2),
                center.X + Math.Cos(a) * (radius + 2), center.Y + Math.Sin(a) * (radius + 2));
        }
        var text = c.Formatter.FormatNumber(value, kpi.Format);
        var size = Math.Clamp(radius * 0.3, 8, 20);
        var font = new XFont(DejaVuFontResolver.Family, size, XFontStyleEx.Bold);
        while (size > 7 && g.MeasureString(text, font).Width > 1.6 * (radius - thickness))
        {
            size -= 1;
            font = new XFont(DejaVuFontResolver.Family, size, XFontStyleEx.Bold);
        }
        PdfDraw.Text(g, text, font, c.Theme.Ink, new XRect(center.X - radius, center.Y - size * 1.3, 2 * radius, size * 1.2), XStringFormats.BottomCenter);
        var labelY = center.Y + 2;
        PdfDraw.Text(g, c.Formatter.FormatCompact(min, kpi.Format), c.Theme.Small, c.Theme.Muted, new XRect(center.X - radius - 10, labelY, thickness + 20, 9), XStringFormats.TopCenter);
        PdfDraw.Text(g, c.Formatter.FormatCompact(max, kpi.Format), c.Theme.Small, c.Theme.Muted, new XRect(center.X + radius - thickness - 10, labelY, thickness + 20, 9), XStringFormats.TopCenter);
        if (widget.Options.Target is { } goal)
        {
            PdfDraw.Text(g, "Target " + c.Formatter.FormatNumber(goal, kpi.Format), c.Theme.Small, c.Theme.Muted, new XRect(center.X - radius, labelY + 10, 2 * radius, 9), XStringFormats.TopCenter);
        }
    }
}
