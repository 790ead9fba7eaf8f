using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf;

/// <summary>What a widget drawer gets: the page's graphics, the theme, the formatter and the export's limits.</summary>
public sealed record PdfWidgetContext(XGraphics Graphics, PdfTheme Theme, ExportFormatter Formatter, ExportOptions Options);

/// <summary>
/// Draws one widget kind as vector graphics. Charts always fit their box; tables and text may not, so
/// <see cref="Draw"/> takes where to start (0 = the beginning) and returns where to go on, or null once all is drawn:
/// the layout continues the rest on further pages, so nothing is ever cut off.
/// </summary>
public interface IPdfWidgetRenderer
{
    string Kind { get; }

    /// <summary>Whether the widget may run on over further pages (tables, text); charts and cards always fit their box.</summary>
    bool Splits => false;

    /// <summary>The body's height when the widget is flowed at <paramref name="width"/> from <paramref name="start"/> (tables and text: all the rest of it).</summary>
    double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0);

    int? Draw(PdfWidgetContext context, ExportWidget widget, XRect body, int start);
}

/// <summary>
/// The drawers by widget kind (<see cref="Analytics.Domain.Dashboards.WidgetKind.Name"/>): one class per kind, one place
/// that lists them; <c>WidgetKindRegistryTests</c> proves every widget kind has one.
/// </summary>
public sealed class PdfWidgetRenderers
{
    private readonly Dictionary<string, IPdfWidgetRenderer> _byKind;

    public PdfWidgetRenderers(IEnumerable<IPdfWidgetRenderer> renderers)
    {
        _byKind = new Dictionary<string, IPdfWidgetRenderer>(StringComparer.OrdinalIgnoreCase);
        foreach (var renderer in renderers)
        {
            if (!_byKind.TryAdd(renderer.Kind, renderer)) throw new ArgumentException($"PDF renderer for '{renderer.Kind}' is registered twice.", nameof(renderers));
        }
    }

    public static PdfWidgetRenderers Default { get; } = new(
    [
        new Widgets.LineChartRenderer(), new Widgets.AreaChartRenderer(), new Widgets.BarChartRenderer(),
        new Widgets.PieChartRenderer(), new Widgets.DonutChartRenderer(), new Widgets.HeatmapRenderer(),
        new Widgets.GaugeRenderer(), new Widgets.KpiRenderer(), new Widgets.TableRenderer(), new Widgets.TextRenderer(), new Widgets.AlertRenderer(),
    ]);

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The drawer of a kind; an unknown kind is drawn as a table of its rows (never dropped).</summary>
    public IPdfWidgetRenderer For(string kind) =>
        _byKind.TryGetValue(kind, out var renderer) ? renderer : _byKind[ExportWidgetKinds.Table];
}
