using System.Globalization;
using System.Text;
using Analytics.Domain.Exports;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Analytics.Data.Exports.Xlsx;

/// <summary>
/// Writes an .xlsx: a "Summary" sheet (title, time range, filters, generated-at, what each sheet holds, notes) and one
/// sheet per table, with typed cells (numbers as numbers, times as dates in the document's zone, currency and percent
/// number formats from the column's format), a frozen bold header row, an auto-filter and column widths.
/// <para>
/// It streams: parts go straight into the zip (<see cref="XlsxPackage"/>), sheets are written with
/// <see cref="OpenXmlWriter"/> as rows arrive, strings are inline (no shared
/// string table), and column widths come from the first rows. Memory stays flat however many rows there are. A sheet
/// that reaches Excel's row limit carries on in a sheet of the same name with a number.
/// </para>
/// Writes synchronously to the output stream: for an HTTP response, write to a temporary file first.
/// </summary>
public sealed class XlsxExporter
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /// <summary>Excel's limit, header row included.</summary>
    public const int MaxRowsPerSheet = 1_048_576;
    private const int WidthSampleRows = 200;
    private const int MaxCellText = 32_767;

    private readonly int _maxRowsPerSheet;

    public XlsxExporter(int maxRowsPerSheet = MaxRowsPerSheet) => _maxRowsPerSheet = maxRowsPerSheet;

    /// <summary>The document's widgets, one sheet each, and the summary sheet.</summary>
    public Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct = default) =>
        WriteAsync(document, ExportSheet.Tabular(document).Select(ExportSheet.FromWidget).ToList(), output, ct);

    /// <summary>The given sheets (rows streamed), with a summary sheet describing <paramref name="document"/>.</summary>
    public async Task WriteAsync(ExportDocument document, IReadOnlyList<ExportSheet> sheets, Stream output, CancellationToken ct = default)
    {
        var formatter = ExportFormatter.For(document);
        using var package = new XlsxPackage(output);
        using (var styles = package.Open("xl/styles.xml")) styles.Writer.WriteElement(XlsxStyles.Stylesheet(formatter.Currency));

        var names = new SheetNames();
        var written = new List<WrittenSheet>();
        foreach (var sheet in sheets)
        {
            await using var rows = sheet.Rows.GetAsyncEnumerator(ct);
            var buffer = new List<object?[]>();
            while (buffer.Count < WidthSampleRows && await rows.MoveNextAsync()) buffer.Add(rows.Current);
            var widths = XlsxStyles.Widths(sheet.Columns, buffer, formatter, sheet.Granularity);
            var source = new RowSource(buffer, rows);
            var hasRow = await source.MoveNextAsync();
            var part = 0;
            do
            {
                ct.ThrowIfCancellationRequested();
                var name = names.Unique(part == 0 ? sheet.Name : $"{sheet.Name} ({part + 1})");
                var (relationshipId, worksheetPart) = package.AddWorksheet();
                long count;
                using (var writer = new SheetWriter(worksheetPart, sheet.Columns, formatter, sheet.Granularity, package.Strings))
                {
                    writer.Begin(widths);
                    // A row read past a full sheet stays current and opens the next one.
                    while (hasRow && writer.Rows < _maxRowsPerSheet - 1)
                    {
                        writer.Row(source.Current);
                        hasRow = await source.MoveNextAsync();
                    }
                    count = writer.Rows;
                    writer.End();
                }
                written.Add(new WrittenSheet(name, relationshipId, sheet.Columns.Count, count, sheet.Title ?? sheet.Name));
                part++;
            }
            while (hasRow);
        }

        var (summaryId, summaryPart) = package.AddWorksheet();
        using (summaryPart) WriteSummary(summaryPart.Writer, document, formatter, written);

        var sheetsElement = new Sheets(new Sheet { Name = "Summary", SheetId = 1U, Id = summaryId });
        var definedNames = new DefinedNames();
        for (var i = 0; i < written.Count; i++)
        {
            var s = written[i];
            sheetsElement.Append(new Sheet { Name = s.Name, SheetId = (uint)(i + 2), Id = s.RelationshipId });
            if (s.Columns > 0)
            {
                definedNames.Append(new DefinedName($"'{s.Name.Replace("'", "''")}'!$A$1:${SheetWriter.Column(s.Columns - 1)}${s.Rows + 1}")
                {
                    Name = "_xlnm._FilterDatabase", LocalSheetId = (uint)(i + 1), Hidden = true,
                });
            }
        }
        var workbook = new Workbook(new BookViews(new WorkbookView()), sheetsElement);
        if (definedNames.HasChildren) workbook.Append(definedNames);
        using (var part = package.Open("xl/workbook.xml")) part.Writer.WriteElement(workbook);
        package.Finish();
    }

    /// <summary>The rows sampled for column widths, then the rest of the stream.</summary>
    private sealed class RowSource(List<object?[]> sampled, IAsyncEnumerator<object?[]> rest)
    {
        private int _next;

        public object?[] Current { get; private set; } = [];

        public async ValueTask<bool> MoveNextAsync()
        {
            if (_next < sampled.Count)
            {
                Current = sampled[_next];
                sampled[_next++] = null!;
                return true;
            }
            if (!await rest.MoveNextAsync()) return false;
            Current = rest.Current;
            return true;
        }
    }

    private sealed record WrittenSheet(string Name, string RelationshipId, int Columns, long Rows, string Title);

    private static void WriteSummary(OpenXmlWriter writer, ExportDocument document, ExportFormatter formatter, List<WrittenSheet> sheets)
    {
        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(new Columns(
            new Column { Min = 1, Max = 1, Width = 22, CustomWidth = true },
            new Column { Min = 2, Max = 2, Width = 60, CustomWidth = true },
            new Column { Min = 3, Max = 4, Width = 14, CustomWidth = true }));
        writer.WriteStartElement(new SheetData());
        var row = 0;
        void Line(params (object? Value, uint Style)[] cells)
        {
            row++;
            writer.WriteStartElement(new Row(), [new OpenXmlAttribute("r", "", row.ToString(CultureInfo.InvariantCulture))]);
            for (var i = 0; i < cells.Length; i++)
            {
                var reference = SheetWriter.Column(i) + row.ToString(CultureInfo.InvariantCulture);
                switch (cells[i].Value)
                {
                    case null: break;
                    case double d: SheetWriter.NumberCell(writer, reference, d, cells[i].Style); break;
                    case long l: SheetWriter.NumberCell(writer, reference, l, cells[i].Style); break;
                    case DateTime t: SheetWriter.NumberCell(writer, reference, t.ToOADate(), cells[i].Style); break;
                    default: SheetWriter.TextCell(writer, reference, cells[i].Value!.ToString()!, cells[i].Style); break;
                }
            }
            writer.WriteEndElement();
        }
        Line((document.Title, XlsxStyles.Title));
        if (!string.IsNullOrWhiteSpace(document.Description)) Line((document.Description, 0));
        Line();
        Line(("Generated", XlsxStyles.Label), (TimeZoneInfo.ConvertTime(document.GeneratedAt, formatter.Zone).DateTime, XlsxStyles.DateTime), (formatter.Zone.Id, 0));
        if (document.TimeRange is { } range) Line((range.Label, XlsxStyles.Label), (range.Value, 0));
        Line(("Currency", XlsxStyles.Label), (document.Currency, 0));
        if (document.Filters.Count > 0)
        {
            Line();
            Line(("Filters", XlsxStyles.Header), ("Values", XlsxStyles.Header));
            foreach (var filter in document.Filters) Line((filter.Label, XlsxStyles.Label), (filter.Value, 0));
        }
        Line();
        Line(("Sheet", XlsxStyles.Header), ("Contents", XlsxStyles.Header), ("Rows", XlsxStyles.Header));
        foreach (var s in sheets) Line((s.Name, 0), (s.Title, 0), (s.Rows, XlsxStyles.Integer));
        var notes = document.Widgets.Where(w => w.Kind == ExportWidgetKinds.Text && !string.IsNullOrWhiteSpace(w.Markdown)).ToList();
        if (notes.Count > 0)
        {
            Line();
            foreach (var note in notes) Line((note.Title, XlsxStyles.Label), (note.Markdown!.Trim(), XlsxStyles.Wrap));
        }
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>Sheet names as Excel wants them: at most 31 characters, none of <c>[]:*?/\</c>, unique ignoring case.</summary>
    private sealed class SheetNames
    {
        private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase) { "Summary" };

        public string Unique(string name)
        {
            var clean = new StringBuilder();
            foreach (var ch in name) clean.Append("[]:*?/\\".Contains(ch) || char.IsControl(ch) ? ' ' : ch);
            var basis = clean.ToString().Trim().Trim('\'');
            if (basis.Length == 0) basis = "Sheet";
            var candidate = basis.Length > 31 ? basis[..31] : basis;
            for (var n = 2; !_used.Add(candidate); n++)
            {
                var suffix = $" ({n})";
                candidate = (basis.Length + suffix.Length > 31 ? basis[..(31 - suffix.Length)] : basis) + suffix;
            }
            return candidate;
        }
    }
}
