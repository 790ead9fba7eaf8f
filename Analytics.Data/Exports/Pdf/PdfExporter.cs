using Analytics.Domain.Dashboards;
using Analytics.Domain.Exports;
using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Analytics.Data.Exports.Pdf;

/// <summary>
/// Renders an <see cref="ExportDocument"/> as a PDF on the server, without a browser: a header with the title, the
/// filters and time range applied and a generated-at stamp; an optional executive summary; every widget drawn as vector
/// graphics and text (so it stays sharp and searchable) either where it sits on the 12-column grid or flowed full width;
/// and a footer with page numbers. Pages break only between grid rows no widget straddles; a band taller than a page is
/// scaled to fit it; tables and text that outgrow their box go on after the grid with their header repeated, so nothing
/// is ever cut off.
/// </summary>
public sealed class PdfExporter(IOptions<ExportOptions> options, PdfWidgetRenderers? renderers = null)
{
    private readonly PdfWidgetRenderers _renderers = renderers ?? PdfWidgetRenderers.Default;

    public const string ContentType = "application/pdf";

    /// <summary>Writes the PDF to <paramref name="output"/> (left open).</summary>
    public void Write(ExportDocument document, Stream output)
    {
        PdfSharpRuntime.Initialize(options.Value.FontDirectory);
        using var pdf = new PdfDocument();
        new PdfLayout(pdf, document, options.Value, _renderers).Render();
        pdf.Save(output, false);
    }

    public byte[] Render(ExportDocument document)
    {
        using var buffer = new MemoryStream();
        Write(document, buffer);
        return buffer.ToArray();
    }
}

/// <summary>One rendering: the pages, the current page's graphics and where on it the next thing goes.</summary>
internal sealed class PdfLayout
{
    private readonly PdfDocument _pdf;
    private readonly ExportDocument _doc;
    private readonly ExportOptions _options;
    private readonly PdfWidgetRenderers _renderers;
    private readonly PdfTheme _theme = new();
    private readonly ExportFormatter _formatter;
    private readonly double _pageWidth;
    private readonly double _pageHeight;
    private XGraphics? _graphics;
    private double _y;

    public PdfLayout(PdfDocument pdf, ExportDocument document, ExportOptions options, PdfWidgetRenderers renderers)
    {
        _pdf = pdf;
        _doc = document;
        _options = options;
        _renderers = renderers;
        _formatter = ExportFormatter.For(document);
        var (w, h) = document.Page.Size == ExportPageSize.Letter ? (612.0, 792.0) : (595.28, 841.89);
        (_pageWidth, _pageHeight) = document.Page.Orientation == ExportOrientation.Landscape ? (h, w) : (w, h);
        pdf.Info.Title = document.Title;
        if (!string.IsNullOrWhiteSpace(document.Description)) pdf.Info.Subject = document.Description;
        pdf.Info.Creator = "Analytics";
        pdf.Info.CreationDate = document.GeneratedAt.UtcDateTime;
    }

    private double Left => PdfTheme.Margin;
    private double Right => _pageWidth - PdfTheme.Margin;
    private double Top => PdfTheme.Margin;
    private double Bottom => _pageHeight - PdfTheme.Margin - PdfTheme.FooterHeight;
    private double Width => Right - Left;
    private XGraphics G => _graphics!;
    private PdfWidgetContext Context => new(G, _theme, _formatter, _options);

    public void Render()
    {
        NewPage();
        DrawHeader();
        if (_doc.Summary is { } summary)
        {
            DrawSummary(summary);
            if (_doc.Widgets.Count > 0) NewPage();
        }
        var widgets = _doc.Widgets.OrderBy(w => w.Position.Y).ThenBy(w => w.Position.X).ToList();
        if (_doc.Page.Layout == ExportLayout.Grid) LayoutGrid(widgets);
        else FlowAll(widgets);
        _graphics?.Dispose();
        _graphics = null;
        DrawFooters();
    }

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = _pdf.AddPage();
        page.Width = XUnit.FromPoint(_pageWidth);
        page.Height = XUnit.FromPoint(_pageHeight);
        _graphics = XGraphics.FromPdfPage(page);
        _y = Top;
    }

    private void DrawHeader()
    {
        var t = _theme;
        var stamp = "Generated " + _formatter.FormatStamp(_doc.GeneratedAt);
        var stampWidth = G.MeasureString(stamp, t.Small).Width;
        PdfDraw.Text(G, PdfDraw.Fit(G, _doc.Title, t.Title, Width - stampWidth - 16), t.Title, t.Ink, new XRect(Left, _y, Width, 24), XStringFormats.TopLeft);
        PdfDraw.Text(G, stamp, t.Small, t.Muted, new XRect(Left, _y + 8, Width, 10), XStringFormats.TopRight);
        _y += 26;
        if (!string.IsNullOrWhiteSpace(_doc.Description))
        {
            foreach (var line in PdfDraw.Wrap(G, _doc.Description, t.Subtitle, Width).Take(4))
            {
                PdfDraw.Text(G, line, t.Subtitle, t.Muted, new XRect(Left, _y, Width, 12), XStringFormats.TopLeft);
                _y += 12.5;
            }
            _y += 3;
        }
        var chips = new List<ExportLabel>();
        if (_doc.TimeRange is { } range) chips.Add(range);
        chips.AddRange(_doc.Filters);
        var x = Left;
        const double chipHeight = 15;
        foreach (var chip in chips)
        {
            var label = chip.Label + ": ";
            var value = PdfDraw.Fit(G, chip.Value, t.SmallBold, 320);
            var w = G.MeasureString(label, t.Small).Width + G.MeasureString(value, t.SmallBold).Width + 12;
            if (x > Left && x + w > Right)
            {
                x = Left;
                _y += chipHeight + 4;
            }
            G.DrawRoundedRectangle(new XPen(t.Rule, 0.6), new XSolidBrush(t.Panel), x, _y, w, chipHeight, 6, 6);
            PdfDraw.Text(G, label, t.Small, t.Muted, new XRect(x + 6, _y, w, chipHeight), XStringFormats.CenterLeft);
            PdfDraw.Text(G, value, t.SmallBold, t.Ink, new XRect(x + 6 + G.MeasureString(label, t.Small).Width, _y, w, chipHeight), XStringFormats.CenterLeft);
            x += w + 6;
        }
        if (chips.Count > 0) _y += chipHeight + 6;
        G.DrawLine(new XPen(t.Rule, 0.8), Left, _y, Right, _y);
        _y += 10;
    }

    private void DrawSummary(ExecutiveSummary summary)
    {
        var t = _theme;
        PdfDraw.Text(G, "Executive summary", t.Heading1, t.Ink, new XRect(Left, _y, Width, 16), XStringFormats.TopLeft);
        _y += 22;
        var perRow = _doc.Page.Orientation == ExportOrientation.Landscape ? 4 : 3;
        const double cardHeight = 84, gap = 10;
        var cardWidth = (Width - gap * (perRow - 1)) / perRow;
        for (var i = 0; i < summary.Kpis.Count; i++)
        {
            if (i % perRow == 0 && i > 0) _y += cardHeight + gap;
            if (i % perRow == 0 && _y + cardHeight > Bottom) NewPage();
            var card = new XRect(Left + i % perRow * (cardWidth + gap), _y, cardWidth, cardHeight);
            G.DrawRoundedRectangle(new XPen(t.Rule, 0.7), XBrushes.White, card, new XSize(8, 8));
            var inner = new XRect(card.X + 10, card.Y + 8, card.Width - 20, card.Height - 14);
            Widgets.KpiRenderer.DrawKpi(Context, summary.Kpis[i], inner, showLabel: true);
        }
        if (summary.Kpis.Count > 0) _y += cardHeight + 16;
        if (summary.Insights.Count == 0) return;
        if (_y + 40 > Bottom) NewPage();
        PdfDraw.Text(G, "Latest insights", t.Heading2, t.Ink, new XRect(Left, _y, Width, 14), XStringFormats.TopLeft);
        _y += 18;
        foreach (var insight in summary.Insights)
        {
            var lines = PdfDraw.Wrap(G, insight.Text, t.Body, Width - 14);
            var height = 13 + lines.Count * 11.5 + 8;
            if (_y + height > Bottom) NewPage();
            var color = insight.Priority?.ToLowerInvariant() switch
            {
                "critical" or "high" => t.Bad,
                "medium" => PdfTheme.SeriesColor(1),
                _ => t.Accent,
            };
            G.DrawEllipse(new XSolidBrush(color), Left, _y + 3, 6, 6);
            var title = insight.Priority is null ? insight.Title : $"{insight.Title}  ·  {insight.Priority}";
            PdfDraw.Text(G, PdfDraw.Fit(G, title, t.BodyBold, Width - 14), t.BodyBold, t.Ink, new XRect(Left + 14, _y, Width - 14, 12), XStringFormats.TopLeft);
            _y += 13;
            foreach (var line in lines)
            {
                PdfDraw.Text(G, line, t.Body, t.Muted, new XRect(Left + 14, _y, Width - 14, 11.5), XStringFormats.TopLeft);
                _y += 11.5;
            }
            _y += 8;
        }
    }

    /// <summary>
    /// Widgets where they sit on the 12-column grid. A page ends at a grid row that no widget straddles; a band of rows
    /// that no such row splits and that is taller than a page is squeezed onto one page (charts scale; tables and text
    /// carry on after the grid).
    /// </summary>
    private void LayoutGrid(List<ExportWidget> widgets)
    {
        if (widgets.Count == 0) return;
        var placed = widgets.Select(w =>
        {
            var x = Math.Clamp(w.Position.X, 0, GridPosition.Columns - 1);
            return (Widget: w, X: x, Y: Math.Max(0, w.Position.Y), W: Math.Clamp(w.Position.W, 1, GridPosition.Columns - x), H: Math.Max(1, w.Position.H));
        }).ToList();
        var columnWidth = Width / GridPosition.Columns;
        var unit = Math.Clamp(columnWidth * 0.62, 26, 44);
        var last = placed.Max(p => p.Y + p.H);
        bool IsCut(int row) => placed.All(p => row <= p.Y || row >= p.Y + p.H);
        var cuts = Enumerable.Range(1, last).Where(IsCut).ToList();
        var overflow = new List<(ExportWidget Widget, int Next)>();
        var r0 = placed.Min(p => p.Y);
        while (r0 < last)
        {
            var available = Bottom - _y;
            var fits = cuts.Where(b => b > r0 && (b - r0) * unit <= available + 0.01).DefaultIfEmpty(-1).Max();
            var rowUnit = unit;
            if (fits < 0)
            {
                if (_y > Top + 0.5)
                {
                    NewPage();
                    continue;
                }
                fits = cuts.First(b => b > r0);
                rowUnit = available / (fits - r0);
            }
            foreach (var p in placed.Where(p => p.Y >= r0 && p.Y < fits))
            {
                var rect = new XRect(
                    Left + p.X * columnWidth + PdfTheme.Gutter / 2,
                    _y + (p.Y - r0) * rowUnit + PdfTheme.Gutter / 2,
                    p.W * columnWidth - PdfTheme.Gutter,
                    p.H * rowUnit - PdfTheme.Gutter);
                var body = Frame(p.Widget.Title, rect);
                if (_renderers.For(p.Widget.Kind).Draw(Context, p.Widget, body, 0) is { } next) overflow.Add((p.Widget, next));
            }
            _y += (fits - r0) * rowUnit;
            r0 = fits;
        }
        if (overflow.Count == 0) return;
        NewPage();
        foreach (var (widget, next) in overflow) Flow(widget, next, continued: true);
    }

    /// <summary>Widgets one after another, full width; runs of KPI and gauge cards share rows.</summary>
    private void FlowAll(List<ExportWidget> widgets)
    {
        static bool IsCard(ExportWidget w) => WidgetKinds.Find(w.Kind)?.Compact == true;
        for (var i = 0; i < widgets.Count;)
        {
            if (!IsCard(widgets[i]))
            {
                Flow(widgets[i++], 0, continued: false);
                continue;
            }
            var run = widgets.Skip(i).TakeWhile(IsCard).ToList();
            i += run.Count;
            var perRow = _doc.Page.Orientation == ExportOrientation.Landscape ? 4 : 2;
            var width = (Width - PdfTheme.Gutter * (perRow - 1)) / perRow;
            var chrome = PdfTheme.WidgetTitleHeight + 2 * PdfTheme.WidgetPadding;
            foreach (var row in run.Chunk(perRow))
            {
                var height = row.Max(w => _renderers.For(w.Kind).FlowHeight(Context, w, width - 2 * PdfTheme.WidgetPadding)) + chrome;
                if (_y + height > Bottom) NewPage();
                for (var k = 0; k < row.Length; k++)
                {
                    var body = Frame(row[k].Title, new XRect(Left + k * (width + PdfTheme.Gutter), _y, width, height));
                    _renderers.For(row[k].Kind).Draw(Context, row[k], body, 0);
                }
                _y += height + PdfTheme.Gutter;
            }
        }
    }

    /// <summary>A widget full width at the current position, on as many pages as it needs.</summary>
    private void Flow(ExportWidget widget, int start, bool continued)
    {
        var renderer = _renderers.For(widget.Kind);
        var splittable = renderer.Splits;
        var chrome = PdfTheme.WidgetTitleHeight + 2 * PdfTheme.WidgetPadding;
        var pageHeight = Bottom - Top;
        int? next = start;
        while (next is { } from)
        {
            var natural = renderer.FlowHeight(Context, widget, Width - 2 * PdfTheme.WidgetPadding, from) + chrome;
            var height = Math.Min(natural, pageHeight);
            var needed = splittable ? Math.Min(height, chrome + 60) : height;
            if (_y + needed > Bottom) NewPage();
            height = Math.Min(height, Bottom - _y);
            var title = continued ? widget.Title + " (continued)" : widget.Title;
            var body = Frame(title, new XRect(Left, _y, Width, height));
            next = renderer.Draw(Context, widget, body, from);
            _y += height + PdfTheme.Gutter;
            if (next is null) break;
            if (next == from) throw new InvalidOperationException($"The {widget.Kind} widget '{widget.Title}' made no progress on a page.");
            continued = true;
            NewPage();
        }
    }

    /// <summary>The widget's card (border, title) and the body rectangle inside it.</summary>
    private XRect Frame(string title, XRect rect)
    {
        var t = _theme;
        G.DrawRoundedRectangle(new XPen(t.Rule, 0.7), XBrushes.White, rect, new XSize(6, 6));
        PdfDraw.Text(G, PdfDraw.Fit(G, title, t.WidgetTitle, rect.Width - 2 * PdfTheme.WidgetPadding), t.WidgetTitle, t.Ink,
            new XRect(rect.X + PdfTheme.WidgetPadding, rect.Y + PdfTheme.WidgetPadding - 1, rect.Width - 2 * PdfTheme.WidgetPadding, 12), XStringFormats.TopLeft);
        var top = rect.Y + PdfTheme.WidgetPadding + PdfTheme.WidgetTitleHeight;
        return new XRect(rect.X + PdfTheme.WidgetPadding, top, Math.Max(1, rect.Width - 2 * PdfTheme.WidgetPadding), Math.Max(1, rect.Bottom - PdfTheme.WidgetPadding - top));
    }

    private void DrawFooters()
    {
        var t = _theme;
        var count = _pdf.PageCount;
        var left = $"{_doc.Title} · {_formatter.FormatStamp(_doc.GeneratedAt)}";
        for (var i = 0; i < count; i++)
        {
            using var g = XGraphics.FromPdfPage(_pdf.Pages[i], XGraphicsPdfPageOptions.Append);
            var y = _pageHeight - PdfTheme.Margin - PdfTheme.FooterHeight + 6;
            g.DrawLine(new XPen(t.Rule, 0.6), Left, y, Right, y);
            var pageText = $"Page {i + 1} of {count}";
            PdfDraw.Text(g, PdfDraw.Fit(g, left, t.Small, Width - 80), t.Small, t.Muted, new XRect(Left, y + 3, Width, 10), XStringFormats.TopLeft);
            PdfDraw.Text(g, pageText, t.Small, t.Muted, new XRect(Left, y + 3, Width, 10), XStringFormats.TopRight);
        }
    }
}
