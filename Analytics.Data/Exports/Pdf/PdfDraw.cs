using System.Text;
using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf;

/// <summary>Drawing helpers shared by the widget drawers: fitted text, wrapping, legends, empty states.</summary>
public static class PdfDraw
{
    /// <summary>Text cut with an ellipsis to fit <paramref name="width"/>.</summary>
    public static string Fit(XGraphics g, string text, XFont font, double width)
    {
        if (width <= 0) return "";
        if (g.MeasureString(text, font).Width <= width) return text;
        var lo = 0;
        var hi = text.Length;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (g.MeasureString(text[..mid] + "…", font).Width <= width) lo = mid;
            else hi = mid - 1;
        }
        return lo == 0 ? "" : text[..lo].TrimEnd() + "…";
    }

    /// <summary>
    /// <paramref name="text"/> shortened in the middle to fit: its start and its end stay, the end as whole words where
    /// they fit (<c>Fabrikam…Competitor</c>), else as many characters as fit.
    /// </summary>
    public static string FitMiddle(XGraphics g, string text, XFont font, double width)
    {
        if (width <= 0) return "";
        if (g.MeasureString(text, font).Width <= width) return text;
        bool Fits(string s) => g.MeasureString(s, font).Width <= width;
        // The longest tail of whole words that leaves room for at least three characters of the start.
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i - 1] != ' ' || text[i] == ' ') continue;
            var tail = text[i..].TrimStart(' ', '-', '–', '·', '|', '/');
            if (tail.Length == 0 || !Fits(text[..3] + "…" + tail)) continue;
            var head = 3;
            while (head < i && Fits(text[..(head + 1)].TrimEnd() + "…" + tail)) head++;
            return text[..head].TrimEnd(' ', '-', '–', '·', '|', '/') + "…" + tail;
        }
        // No word fits: characters, a third from the start and two thirds from the end.
        static string Cut(string s, int keep) => s[..(keep / 3)].TrimEnd() + "…" + s[^(keep - keep / 3)..].TrimStart();
        var lo = 0;
        var hi = text.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Fits(Cut(text, mid))) lo = mid;
            else hi = mid - 1;
        }
        return lo < 3 ? Fit(g, text, font, width) : Cut(text, lo);
    }

    /// <summary>
    /// Category labels fitted to <paramref name="width"/>: cut at the end, unless that makes different labels read the
    /// same (campaigns that share a long prefix), then cut in the middle so their distinct ends stay readable.
    /// </summary>
    public static List<string> FitLabels(XGraphics g, IReadOnlyList<string> labels, XFont font, double width) =>
        FitLabels(g, labels, font, labels.Select(_ => width).ToList());

    /// <summary>As <see cref="FitLabels(XGraphics, IReadOnlyList{string}, XFont, double)"/>, each label with its own width.</summary>
    public static List<string> FitLabels(XGraphics g, IReadOnlyList<string> labels, XFont font, IReadOnlyList<double> widths)
    {
        var ends = labels.Select((l, i) => Fit(g, l, font, widths[i])).ToList();
        var distinct = labels.Distinct(StringComparer.Ordinal).Count();
        if (ends.Distinct(StringComparer.Ordinal).Count() == distinct) return ends;
        var middles = labels.Select((l, i) => FitMiddle(g, l, font, widths[i])).ToList();
        return middles.Distinct(StringComparer.Ordinal).Count() > ends.Distinct(StringComparer.Ordinal).Count() ? middles : ends;
    }

    public static void Text(XGraphics g, string text, XFont font, XColor color, XRect rect, XStringFormat format) =>
        g.DrawString(text, font, new XSolidBrush(color), rect, format);

    /// <summary>Words wrapped onto lines no wider than <paramref name="width"/>; a word longer than a line is cut.</summary>
    public static List<string> Wrap(XGraphics g, string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "").Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (g.MeasureString(candidate, font).Width <= width)
                {
                    line.Clear().Append(candidate);
                    continue;
                }
                if (line.Length > 0) lines.Add(line.ToString());
                line.Clear().Append(g.MeasureString(word, font).Width <= width ? word : Fit(g, word, font, width));
            }
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>A one-line legend (wrapping onto more lines when needed) at the top of <paramref name="area"/>; returns the area left below it.</summary>
    public static XRect Legend(PdfWidgetContext c, IReadOnlyList<string> names, XRect area)
    {
        if (names.Count <= 1) return area;
        var g = c.Graphics;
        var font = c.Theme.Small;
        const double swatch = 6, gap = 10, lineHeight = 10;
        var x = area.X;
        var y = area.Y;
        for (var i = 0; i < names.Count; i++)
        {
            var label = Fit(g, names[i], font, Math.Min(140, area.Width - swatch - 3));
            var w = swatch + 3 + g.MeasureString(label, font).Width;
            if (x > area.X && x + w > area.Right)
            {
                x = area.X;
                y += lineHeight;
            }
            g.DrawRectangle(new XSolidBrush(PdfTheme.SeriesColor(i)), x, y + 2, swatch, swatch);
            Text(g, label, font, c.Theme.Ink, new XRect(x + swatch + 3, y, w, lineHeight), XStringFormats.TopLeft);
            x += w + gap;
        }
        var used = y + lineHeight + 4 - area.Y;
        return new XRect(area.X, area.Y + used, area.Width, Math.Max(0, area.Height - used));
    }

    public static void Empty(PdfWidgetContext c, XRect body, string message = "No data for this period")
    {
        Text(c.Graphics, message, c.Theme.Body, c.Theme.Muted, body, XStringFormats.Center);
    }

    /// <summary>Category labels along an axis: times at the result's granularity, the rest as text.</summary>
    public static string CategoryLabel(PdfWidgetContext c, object? category, string? granularity, bool compact = true) => category switch
    {
        null => "(none)",
        DateTime t => c.Formatter.FormatTime(t, granularity, compact),
        _ => ExportFormatter.ToDouble(category) is { } d ? c.Formatter.FormatNumber(d, "number") : category.ToString() ?? "",
    };

    /// <summary>A colour between two others (t in 0..1).</summary>
    public static XColor Blend(XColor from, XColor to, double t)
    {
        t = Math.Clamp(t, 0, 1);
        return XColor.FromArgb(
            (int)Math.Round(from.R + (to.R - from.R) * t),
            (int)Math.Round(from.G + (to.G - from.G) * t),
            (int)Math.Round(from.B + (to.B - from.B) * t));
    }
}
