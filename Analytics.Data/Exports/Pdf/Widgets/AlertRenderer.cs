using Analytics.Domain.Exports;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>An alert widget: its rules as a table (rule, state, since, last value, condition, checked), run on over pages like any table.</summary>
public sealed class AlertRenderer : IPdfWidgetRenderer
{
    private readonly TableRenderer _table = new();

    public string Kind => ExportWidgetKinds.Alert;

    public bool Splits => true;

    public double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0) => _table.FlowHeight(context, widget, width, start);

    public int? Draw(PdfWidgetContext context, ExportWidget widget, XRect body, int start)
    {
        if (widget.Data is not { Rows.Count: > 0 })
        {
            PdfDraw.Empty(context, body, "No alert rules to show");
            return null;
        }
        return _table.Draw(context, widget, body, start);
    }
}
