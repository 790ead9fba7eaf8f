using System.Globalization;
using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>Slices of a whole: the first dimension's values (largest first, the rest as "Other"), with a legend of values and shares.</summary>
public class PieChartRenderer : ChartRenderer
{
    public override string Kind => ExportWidgetKinds.Pie;

    /// <summary>Inner radius as a share of the outer one (0 = a full pie).</summary>
    protected virtual double Hole => 0;

    public static List<(string Label, double Value)> Slices(ChartData data, int maxSlices)
    {
        IEnumerable<(string Label, double Value)> raw = data.CategoryColumn?.Role == "time" || data.Series.Count > 1
            ? data.Series.Select(s => (s.Name, s.Values.Sum(v => v ?? 0)))
            : data.Categories.Select((cat, i) => (cat?.ToString() ?? "(none)", data.Series[0].Values[i] ?? 0));
        var slices = raw.Where(s => s.Value > 0).OrderByDescending(s => s.Value).ToList();
        if (slices.Count <= maxSlices) return slices;
        var kept = slices.Take(maxSlices - 1).ToList();
        kept.Add((ChartData.Other, slices.Skip(maxSlices - 1).Sum(s => s.Value)));
        return kept;
    }

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        var data = ChartData.From(widget.Data, 50);
        var slices = data.IsEmpty ? [] : Slices(data, Math.Max(2, widget.Options.MaxSeries));
        if (slices.Count == 0)
        {
            PdfDraw.Empty(c, body);
            return;
        }
        var g = c.Graphics;
        var total = slices.Sum(s => s.Value);
        var font = c.Theme.Table;
        var legendWidth = Math.Min(body.Width * 0.62, 14 + slices.Max(s =>
            g.MeasureString(s.Label, font).Width + g.MeasureString(c.Formatter.FormatNumber(s.Value, data.ValueFormat) + "  100.0%", font).Width + 8));
        var diameter = Math.Max(20, Math.Min(body.Height - 6, body.Width - legendWidth - 12));
        var pie = new XRect(body.X + 4, body.Y + (body.Height - diameter) / 2, diameter, diameter);
        var angle = -90.0;
        var white = new XPen(XColors.White, 1);
        var centers = new List<(XPoint Point, string Text)>();
        for (var i = 0; i < slices.Count; i++)
        {
            var sweep = slices[i].Value / total * 360;
            g.DrawPie(white, new XSolidBrush(PdfTheme.SeriesColor(i)), pie, angle, sweep);
            if (sweep >= 20)
            {
                var mid = (angle + sweep / 2) * Math.PI / 180;
                var r = diameter / 2 * (Hole > 0 ? (1 + Hole) / 2 : 0.64);
                centers.Add((new XPoint(pie.X + diameter / 2 + Math.Cos(mid) * r, pie.Y + diameter / 2 + Math.Sin(mid) * r),
                    (slices[i].Value / total).ToString("0%", CultureInfo.InvariantCulture)));
            }
            angle += sweep;
        }
        if (Hole > 0)
        {
            var inner = diameter * Hole;
            g.DrawEllipse(XBrushes.White, pie.X + (diameter - inner) / 2, pie.Y + (diameter - inner) / 2, inner, inner);
            if (ChartData.IsAdditive(data.ValueFormat) && inner > 40)
            {
                PdfDraw.Text(g, c.Formatter.FormatCompact(total, data.ValueFormat), c.Theme.BodyBold, c.Theme.Ink,
                    new XRect(pie.X, pie.Y + diameter / 2 - 9, diameter, 11), XStringFormats.Center);
                PdfDraw.Text(g, "Total", c.Theme.Small, c.Theme.Muted, new XRect(pie.X, pie.Y + diameter / 2 + 2, diameter, 9), XStringFormats.Center);
            }
        }
        foreach (var (point, text) in centers)
        {
            PdfDraw.Text(g, text, c.Theme.SmallBold, XColors.White, new XRect(point.X - 15, point.Y - 5, 30, 10), XStringFormats.Center);
        }

        // Legend: swatch, label, value and share, one line each.
        var left = pie.Right + 12;
        var width = body.Right - left;
        var lineHeight = Math.Min(12, (body.Height - 4) / slices.Count);
        var top = body.Y + Math.Max(0, (body.Height - lineHeight * slices.Count) / 2);
        if (lineHeight < 9) font = c.Theme.Small;
        for (var i = 0; i < slices.Count; i++)
        {
            var y = top + i * lineHeight;
            g.DrawRectangle(new XSolidBrush(PdfTheme.SeriesColor(i)), left, y + lineHeight / 2 - 3, 6, 6);
            var value = c.Formatter.FormatNumber(slices[i].Value, data.ValueFormat) + "  " + (slices[i].Value / total).ToString("0.0%", CultureInfo.InvariantCulture);
            var valueWidth = g.MeasureString(value, font).Width;
            PdfDraw.Text(g, value, font, c.Theme.Muted, new XRect(left, y, width, lineHeight), XStringFormats.CenterRight);
            PdfDraw.Text(g, PdfDraw.Fit(g, slices[i].Label, font, width - valueWidth - 14), font, c.Theme.Ink, new XRect(left + 9, y, width, lineHeight), XStringFormats.CenterLeft);
        }
    }
}

/// <summary>A pie with a hole, the total in the middle.</summary>
public sealed class DonutChartRenderer : PieChartRenderer
{
    public override string Kind => ExportWidgetKinds.Donut;
    protected override double Hole => 0.58;
}
