using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>Cells coloured by value (light to dark), rows = a dimension's values, columns = time or another dimension; values printed when cells are big enough.</summary>
public sealed class HeatmapRenderer : ChartRenderer
{
    private static readonly XColor Low = XColor.FromArgb(0xEF, 0xF6, 0xFF);
    private static readonly XColor High = XColor.FromArgb(0x1E, 0x40, 0xAF);

    public override string Kind => ExportWidgetKinds.Heatmap;

    protected override void DrawChart(PdfWidgetContext c, ExportWidget widget, XRect body)
    {
        var data = HeatmapData.From(widget.Data, Math.Max(widget.Options.MaxSeries, 12));
        if (data.Rows.Count == 0 || data.Columns.Count == 0)
        {
            PdfDraw.Empty(c, body);
            return;
        }
        var g = c.Graphics;
        double min = double.MaxValue, max = double.MinValue;
        foreach (var v in data.Cells)
        {
            if (v is not { } x) continue;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        if (min > max) (min, max) = (0, 1);
        var rowLabelWidth = Math.Min(body.Width * 0.28, data.Rows.Max(r => g.MeasureString(r, c.Theme.Small).Width) + 6);
        const double scaleHeight = 16;
        var grid = new XRect(body.X + rowLabelWidth, body.Y, body.Width - rowLabelWidth, body.Height - 12 - scaleHeight);
        var rows = data.Rows.Count;
        var columns = data.Columns.Count;
        var cw = grid.Width / columns;
        var ch = grid.Height / rows;
        var showValues = cw >= 26 && ch >= 10;
        for (var r = 0; r < rows; r++)
        {
            PdfDraw.Text(g, PdfDraw.Fit(g, data.Rows[r], c.Theme.Small, rowLabelWidth - 5), c.Theme.Small, c.Theme.Ink,
                new XRect(body.X, grid.Y + r * ch, rowLabelWidth - 5, ch), XStringFormats.CenterRight);
            for (var col = 0; col < columns; col++)
            {
                var cell = new XRect(grid.X + col * cw, grid.Y + r * ch, cw, ch);
                if (data.Cells[r, col] is not { } v)
                {
                    g.DrawRectangle(new XSolidBrush(c.Theme.Panel), cell);
                    continue;
                }
                var t = max > min ? (v - min) / (max - min) : 0.5;
                g.DrawRectangle(new XPen(XColors.White, 0.5), new XSolidBrush(PdfDraw.Blend(Low, High, t)), cell);
                if (showValues)
                {
                    PdfDraw.Text(g, c.Formatter.FormatCompact(v, data.ValueFormat), c.Theme.Small, t > 0.55 ? XColors.White : c.Theme.Ink, cell, XStringFormats.Center);
                }
            }
        }
        var labelWidth = Math.Max(g.MeasureString("00 MMM", c.Theme.Small).Width + 4, 24);
        var every = Math.Max(1, (int)Math.Ceiling(labelWidth / cw));
        for (var col = 0; col < columns; col += every)
        {
            var text = PdfDraw.CategoryLabel(c, data.Columns[col], data.Granularity);
            var w = Math.Max(cw * every, labelWidth);
            PdfDraw.Text(g, PdfDraw.Fit(g, text, c.Theme.Small, w - 2), c.Theme.Small, c.Theme.Muted,
                new XRect(grid.X + col * cw + cw / 2 - w / 2, grid.Bottom + 2, w, 10), XStringFormats.TopCenter);
        }
        // Colour scale: min → max.
        var scaleY = grid.Bottom + 14;
        var scaleWidth = Math.Min(120, grid.Width / 2);
        const int steps = 24;
        for (var i = 0; i < steps; i++)
        {
            g.DrawRectangle(new XSolidBrush(PdfDraw.Blend(Low, High, i / (steps - 1.0))), grid.X + i * scaleWidth / steps, scaleY, scaleWidth / steps + 0.3, 5);
        }
        PdfDraw.Text(g, c.Formatter.FormatCompact(min, data.ValueFormat), c.Theme.Small, c.Theme.Muted, new XRect(grid.X - 40, scaleY - 2, 37, 9), XStringFormats.CenterRight);
        PdfDraw.Text(g, c.Formatter.FormatCompact(max, data.ValueFormat), c.Theme.Small, c.Theme.Muted, new XRect(grid.X + scaleWidth + 3, scaleY - 2, 60, 9), XStringFormats.CenterLeft);
    }
}
