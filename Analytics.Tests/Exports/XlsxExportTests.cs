using Analytics.Data.Exports;
using Analytics.Data.Exports.Xlsx;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Analytics.Tests.Exports;

public class XlsxExportTests
{
    private static async Task<string> SaveAsync(ExportDocument document, string name, IReadOnlyList<ExportSheet>? sheets = null, XlsxExporter? exporter = null)
    {
        var path = ExportTestFiles.PathFor(name);
        await using (var file = File.Create(path))
        {
            if (sheets is null) await (exporter ?? new XlsxExporter()).WriteAsync(document, file);
            else await (exporter ?? new XlsxExporter()).WriteAsync(document, sheets, file);
        }
        return path;
    }

    private static List<string> SheetNames(SpreadsheetDocument xlsx) =>
        xlsx.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!).ToList();

    private static Worksheet SheetNamed(SpreadsheetDocument xlsx, string name)
    {
        var sheet = xlsx.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return ((WorksheetPart)xlsx.WorkbookPart.GetPartById(sheet.Id!)).Worksheet;
    }

    /// <summary>The cell at a reference; data cells may carry no reference of their own and follow one another (as Excel reads them).</summary>
    private static Cell CellAt(Worksheet sheet, string reference)
    {
        var letters = new string(reference.TakeWhile(char.IsLetter).ToArray());
        var rowNumber = uint.Parse(reference[letters.Length..]);
        var row = sheet.Descendants<Row>().Single(r => r.RowIndex!.Value == rowNumber);
        var column = 0;
        foreach (var cell in row.Elements<Cell>())
        {
            if (cell.CellReference?.Value is { } r) column = ColumnIndex(new string(r.TakeWhile(char.IsLetter).ToArray()));
            if (column == ColumnIndex(letters)) return cell;
            column++;
        }
        throw new InvalidOperationException($"No cell at {reference}.");
    }

    private static int ColumnIndex(string letters) => letters.Aggregate(0, (n, ch) => n * 26 + (ch - 'A' + 1)) - 1;

    private static string Text(SpreadsheetDocument xlsx, Cell cell) =>
        cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText
        : cell.DataType?.Value == CellValues.SharedString
            ? xlsx.WorkbookPart!.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().ElementAt(int.Parse(cell.CellValue!.Text)).InnerText
            : cell.CellValue!.Text;

    private static (CellFormat Format, string? Code) StyleOf(SpreadsheetDocument xlsx, Cell cell)
    {
        var styles = xlsx.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        var format = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)(cell.StyleIndex?.Value ?? 0));
        var code = styles.NumberingFormats?.Elements<NumberingFormat>().FirstOrDefault(n => n.NumberFormatId!.Value == format.NumberFormatId!.Value)?.FormatCode?.Value;
        return (format, code);
    }

    [Fact]
    public async Task Dashboard_workbook_has_a_summary_and_one_typed_sheet_per_widget()
    {
        var document = SampleExportDocument.Create();
        var path = await SaveAsync(document, "sample-dashboard.xlsx");
        using var xlsx = SpreadsheetDocument.Open(path, false);

        // The Open XML SDK's schema validator finds nothing Excel would reject.
        new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(xlsx).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").Should().BeEmpty();

        var names = SheetNames(xlsx);
        names[0].Should().Be("Summary");
        names.Skip(1).Should().Equal(document.Widgets.Where(w => w.Kind != "text").Select(w => w.Title.Length > 31 ? w.Title[..31] : w.Title));

        var summary = SheetNamed(xlsx, "Summary").Descendants<Cell>().Select(c => Text(xlsx, c)).ToList();
        summary.Should().Contain(document.Title).And.Contain("Time range").And.Contain(document.TimeRange!.Value)
            .And.Contain("Campaign type").And.Contain("Sponsored Products, Sponsored Brands, Sponsored Display")
            .And.Contain("Campaign performance").And.Contain("Notes");

        // The campaign table: header, typed numbers with currency / percent / ratio formats, frozen header, filter, widths.
        var table = document.Widgets.Single(w => w.Title == "Campaign performance").Data!;
        var sheet = SheetNamed(xlsx, "Campaign performance");
        var header = CellAt(sheet, "A1");
        Text(xlsx, header).Should().Be("Campaign");
        var headerFormat = StyleOf(xlsx, header).Format;
        var headerFont = xlsx.WorkbookPart!.WorkbookStylesPart!.Stylesheet.Fonts!.Elements<Font>().ElementAt((int)headerFormat.FontId!.Value);
        headerFont.Bold.Should().NotBeNull();
        var pane = sheet.Descendants<Pane>().Single();
        pane.State!.Value.Should().Be(PaneStateValues.Frozen);
        pane.VerticalSplit!.Value.Should().Be(1);
        sheet.Descendants<AutoFilter>().Single().Reference!.Value.Should().Be($"A1:I{table.Rows.Count + 1}");
        sheet.Descendants<Column>().Should().HaveCount(9).And.OnlyContain(c => c.Width!.Value >= 8);

        var spend = CellAt(sheet, "E2");
        spend.DataType.Should().BeNull("numbers are numbers");
        double.Parse(spend.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture).Should().Be((double)table.Rows[0][4]!);
        StyleOf(xlsx, spend).Code.Should().Be("\"$\"#,##0.00;-\"$\"#,##0.00");
        var impressions = CellAt(sheet, "C2");
        StyleOf(xlsx, impressions).Format.NumberFormatId!.Value.Should().Be(3u, "integers show as #,##0");
        var ctr = CellAt(sheet, "G2");
        StyleOf(xlsx, ctr).Format.NumberFormatId!.Value.Should().Be(10u, "percentages show as 0.00%");
        double.Parse(ctr.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately((double)table.Rows[0][6]!, 1e-12);
        Text(xlsx, CellAt(sheet, "A2")).Should().Be((string)table.Rows[0][0]!);
        CellAt(sheet, "B2").DataType!.Value.Should().Be(CellValues.SharedString, "repeated dimension values are shared strings");

        // Times are dates: serial numbers with a date format, the same day back.
        var daily = SheetNamed(xlsx, "Sales and spend by day");
        var day = CellAt(daily, "A2");
        day.DataType.Should().BeNull();
        StyleOf(xlsx, day).Code.Should().Be("yyyy-mm-dd");
        DateTime.FromOADate(double.Parse(day.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be((DateTime)document.Widgets.Single(w => w.Title == "Sales and spend by day").Data!.Rows[0][0]!);
    }

    [Fact]
    public async Task Streamed_rows_past_the_sheet_limit_carry_on_in_numbered_sheets_in_order()
    {
        var columns = new List<QueryColumn> { new("n", "number", "metric", "N", "integer"), new("label", "string", "dimension", "Label") };
        static async IAsyncEnumerable<object?[]> Rows()
        {
            for (var i = 1; i <= 2_500; i++)
            {
                if (i % 500 == 0) await Task.Yield();
                yield return [(double)i, $"row {i}"];
            }
        }
        var document = new ExportDocument { Title = "Big", GeneratedAt = DateTimeOffset.UnixEpoch };
        var path = await SaveAsync(document, "split.xlsx", [new ExportSheet("Big", columns, Rows())], new XlsxExporter(maxRowsPerSheet: 1_000));
        using var xlsx = SpreadsheetDocument.Open(path, false);
        SheetNames(xlsx).Should().Equal("Summary", "Big", "Big (2)", "Big (3)");
        var values = new[] { "Big", "Big (2)", "Big (3)" }
            .SelectMany(name => SheetNamed(xlsx, name).Descendants<Row>().Skip(1).Select(r => double.Parse(r.Elements<Cell>().First().CellValue!.Text)))
            .ToList();
        values.Should().Equal(Enumerable.Range(1, 2_500).Select(i => (double)i));
        SheetNamed(xlsx, "Big (2)").Descendants<Cell>().First().InnerText.Should().Be("N", "each sheet repeats the header");
    }

    [Fact]
    public async Task Sheet_names_are_made_valid_and_unique_and_text_is_cleaned()
    {
        var columns = new List<QueryColumn> { new("label", "string", "dimension", "Label") };
        var rows = new List<object?[]> { new object?[] { "bell\u0007 and  spaces " }, new object?[] { null } };
        var document = new ExportDocument
        {
            Title = "Names", GeneratedAt = DateTimeOffset.UnixEpoch,
            Widgets =
            [
                new ExportWidget { Id = "a", Kind = "table", Title = "Spend: by [campaign]/day?", Data = SampleExportDocument.Result(columns, rows, "none") },
                new ExportWidget { Id = "b", Kind = "table", Title = "Spend: by [campaign]/day?", Data = SampleExportDocument.Result(columns, rows, "none") },
                new ExportWidget { Id = "c", Kind = "table", Title = new string('x', 40), Data = SampleExportDocument.Result(columns, rows, "none") },
            ],
        };
        using var xlsx = SpreadsheetDocument.Open(await SaveAsync(document, "names.xlsx"), false);
        SheetNames(xlsx).Should().Equal("Summary", "Spend  by  campaign  day", "Spend  by  campaign  day (2)", new string('x', 31));
        Text(xlsx, CellAt(SheetNamed(xlsx, "Spend  by  campaign  day"), "A2")).Should().Be("bell and  spaces ");
    }

    [Fact]
    public async Task Empty_cells_leave_their_column_empty_and_later_cells_in_place()
    {
        var columns = new List<QueryColumn> { new("a", "string", "dimension", "A"), new("b", "number", "metric", "B", "integer"), new("c", "number", "metric", "C", "ratio") };
        var document = new ExportDocument
        {
            Title = "Gaps", GeneratedAt = DateTimeOffset.UnixEpoch,
            Widgets = [new ExportWidget { Id = "g", Kind = "table", Title = "Gaps", Data = SampleExportDocument.Result(columns, [new object?[] { "x", null, 2.5 }, new object?[] { null, 3.0, null }], "none") }],
        };
        using var xlsx = SpreadsheetDocument.Open(await SaveAsync(document, "gaps.xlsx"), false);
        var sheet = SheetNamed(xlsx, "Gaps");
        Text(xlsx, CellAt(sheet, "A2")).Should().Be("x");
        Text(xlsx, CellAt(sheet, "C2")).Should().Be("2.5");
        Text(xlsx, CellAt(sheet, "B3")).Should().Be("3");
        sheet.Descendants<Row>().ElementAt(2).Elements<Cell>().Should().ContainSingle();
    }
}
