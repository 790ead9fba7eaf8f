using Analytics.Domain.Exports;
using Analytics.Domain.Query;

namespace Analytics.Data.Exports;

/// <summary>
/// One table to export, with its rows as a stream: a widget's result, or a query's underlying rows read a page at a
/// time, so a million rows never sit in memory. <paramref name="Title"/> is what the summary sheet lists.
/// </summary>
public sealed record ExportSheet(string Name, IReadOnlyList<QueryColumn> Columns, IAsyncEnumerable<object?[]> Rows, string? Granularity = null, string? Title = null)
{
    /// <summary>A widget's rows (those already in memory), as a sheet named after its title.</summary>
    public static ExportSheet FromWidget(ExportWidget widget) =>
        new(widget.Title, widget.Data?.Columns ?? [], Stream(widget.Data?.Rows ?? []), widget.Data?.Meta?.Granularity, widget.Title);

    public static async IAsyncEnumerable<object?[]> Stream(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows) yield return row;
        await Task.CompletedTask;
    }

    /// <summary>The widgets that have rows to export (text widgets have none).</summary>
    public static IEnumerable<ExportWidget> Tabular(ExportDocument document) =>
        document.Widgets.Where(w => w.Kind != ExportWidgetKinds.Text && w.Data is { Columns.Count: > 0 });
}
