using System.Globalization;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>
/// A table of the widget's rows: header repeated on every page it runs over, numbers right-aligned and formatted by
/// their column's format, zebra rows. It draws what fits and returns the next row, so the layout carries the rest on.
/// </summary>
public sealed class TableRenderer : IPdfWidgetRenderer
{
    public const double RowHeight = 12;
    public const double HeaderHeight = 15;

    public string Kind => ExportWidgetKinds.Table;

    public bool Splits => true;

    public double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0)
    {
        var (rows, hidden) = RowCount(context, widget);
        return rows == 0 ? 30 : HeaderHeight + Math.Max(1, rows - start) * RowHeight + (hidden > 0 ? RowHeight + 2 : 0) + 2;
    }

    private static (int Shown, int Hidden) RowCount(PdfWidgetContext c, ExportWidget widget)
    {
        var total = widget.Data?.Rows.Count ?? 0;
        var shown = Math.Min(total, c.Options.MaxPdfTableRows);
        return (shown, total - shown);
    }

    public int? Draw(PdfWidgetContext c, ExportWidget widget, XRect body, int start)
    {
        var result = widget.Data;
        var (shown, hidden) = RowCount(c, widget);
        if (result is null || result.Columns.Count == 0 || shown == 0)
        {
            PdfDraw.Empty(c, body, "No rows");
            return null;
        }
        var g = c.Graphics;
        var columns = result.Columns;
        var granularity = result.Meta?.Granularity;
        var widths = Widths(c, result, body.Width);
        var numeric = columns.Select(col => col.Type == "number").ToArray();

        // Header.
        g.DrawRectangle(new XSolidBrush(c.Theme.Panel), body.X, body.Y, body.Width, HeaderHeight);
        g.DrawLine(new XPen(c.Theme.Muted, 0.6), body.X, body.Y + HeaderHeight, body.Right, body.Y + HeaderHeight);
        var x = body.X;
        for (var i = 0; i < columns.Count; i++)
        {
            var label = PdfDraw.Fit(g, ChartData.Label(columns[i]), c.Theme.TableHeader, widths[i] - 6);
            PdfDraw.Text(g, label, c.Theme.TableHeader, c.Theme.Ink, new XRect(x + 3, body.Y, widths[i] - 6, HeaderHeight), numeric[i] ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
            x += widths[i];
        }

        var y = body.Y + HeaderHeight;
        var row = start;
        var zebra = new XSolidBrush(XColor.FromArgb(0xFA, 0xFB, 0xFC));
        var rule = new XPen(c.Theme.Grid, 0.4);
        // At least one row per call, so a table always moves on.
        while (row < shown && (row == start || y + RowHeight <= body.Bottom))
        {
            if (row % 2 == 1) g.DrawRectangle(zebra, body.X, y, body.Width, RowHeight);
            x = body.X;
            var values = result.Rows[row];
            for (var i = 0; i < columns.Count; i++)
            {
                var text = c.Formatter.Format(i < values.Length ? values[i] : null, columns[i], granularity);
                if (!numeric[i]) text = PdfDraw.Fit(g, text, c.Theme.Table, widths[i] - 6);
                PdfDraw.Text(g, text, c.Theme.Table, c.Theme.Ink, new XRect(x + 3, y, widths[i] - 6, RowHeight), numeric[i] ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
                x += widths[i];
            }
            y += RowHeight;
            g.DrawLine(rule, body.X, y, body.Right, y);
            row++;
        }
        if (row < shown) return row;
        if (hidden > 0 && y + RowHeight <= body.Bottom + RowHeight)
        {
            var note = string.Create(CultureInfo.InvariantCulture, $"Showing {shown:N0} of {shown + hidden:N0} rows; the XLSX and CSV exports have them all.");
            PdfDraw.Text(g, note, c.Theme.Small, c.Theme.Muted, new XRect(body.X + 3, y + 2, body.Width - 6, RowHeight), XStringFormats.CenterLeft);
        }
        return null;
    }

    /// <summary>Column widths from the header and a sample of cells, scaled to the width available.</summary>
    private static double[] Widths(PdfWidgetContext c, QueryResult result, double width)
    {
        var g = c.Graphics;
        var columns = result.Columns;
        var natural = new double[columns.Count];
        var sample = Math.Min(result.Rows.Count, 60);
        for (var i = 0; i < columns.Count; i++)
        {
            var w = g.MeasureString(ChartData.Label(columns[i]), c.Theme.TableHeader).Width;
            for (var r = 0; r < sample; r++)
            {
                var values = result.Rows[r];
                if (i >= values.Length) continue;
                w = Math.Max(w, g.MeasureString(c.Formatter.Format(values[i], columns[i], result.Meta?.Granularity), c.Theme.Table).Width);
            }
            natural[i] = Math.Min(w, 220) + 8;
        }
        var sum = natural.Sum();
        return natural.Select(n => n * width / sum).ToArray();
    }
}
