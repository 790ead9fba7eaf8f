using System.Globalization;
using System.IO.Compression;
using System.Text;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Csv;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using CsvHelper;

namespace Analytics.Tests.Exports;

public class CsvExportTests
{
    private static readonly List<QueryColumn> Columns =
    [
        new("time", "time", "time", "Day"),
        new("campaign", "string", "dimension", "Campaign, name"),
        new("spend", "number", "metric", "Spend", "currency"),
    ];

    private static async Task<byte[]> WriteAsync(IEnumerable<object?[]> rows, ExportFormatter? formatter = null)
    {
        using var buffer = new MemoryStream();
        await new CsvExporter().WriteAsync(Columns, ExportSheet.Stream(rows), buffer, formatter);
        return buffer.ToArray();
    }

    private static List<string[]> Read(byte[] bytes)
    {
        // CsvHelper 34's RFC 4180 reader, header read as a record like the rest.
        using var reader = CsvReader.Create(bytes, new CsvReaderOptions { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "").ToArray());
        return rows;
    }

    [Fact]
    public async Task Rows_round_trip_through_a_csv_reader_with_quotes_commas_line_breaks_and_unicode()
    {
        var day = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = new List<object?[]>
        {
            new object?[] { day, "Tents, \"Summer\" – Zürich ✓", 1234.5 },
            new object?[] { day.AddDays(1), "two\r\nlines", -12.25 },
            new object?[] { day.AddDays(2), null, null },
            new object?[] { day.AddDays(3), "plain", 0.1 + 0.2 },
        };
        var bytes = await WriteAsync(rows);
        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "UTF-8 without a byte order mark");
        Encoding.UTF8.GetString(bytes).Should().StartWith("Day,\"Campaign, name\",Spend\r\n");

        var read = Read(bytes);
        read.Should().HaveCount(5);
        read[0].Should().Equal("Day", "Campaign, name", "Spend");
        read[1].Should().Equal("2025-06-01T00:00:00Z", "Tents, \"Summer\" – Zürich ✓", "1234.5");
        read[2].Should().Equal("2025-06-02T00:00:00Z", "two\r\nlines", "-12.25");
        read[3].Should().Equal("2025-06-03T00:00:00Z", "", "");
        double.Parse(read[4][2], CultureInfo.InvariantCulture).Should().Be(0.1 + 0.2, "numbers keep full precision");
    }

    [Fact]
    public async Task Formula_like_text_is_defused_but_numbers_stay_numbers()
    {
        var day = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var texts = new[] { "=SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tTAB", "-12.5", "+3", "-1e-5", "a=b" };
        var read = Read(await WriteAsync(texts.Select(t => new object?[] { day, t, -42.0 })));
        read.Skip(1).Select(r => r[1]).Should().Equal("'=SUM(A1:A9)", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1)", "'\tTAB", "-12.5", "+3", "-1e-5", "a=b");
        read.Skip(1).Should().OnlyContain(r => r[2] == "-42", "a negative number is written as a number, unescaped");
    }

    [Fact]
    public async Task Times_are_written_with_the_document_zone_offset()
    {
        var read = Read(await WriteAsync([[new DateTime(2025, 6, 1, 22, 0, 0, DateTimeKind.Utc), "x", 1.0]], new ExportFormatter("EUR", "Europe/Berlin")));
        read[1][0].Should().Be("2025-06-02T00:00:00+02:00");
    }

    [Fact]
    public async Task A_dashboard_with_several_tables_exports_a_zip_of_one_csv_per_widget()
    {
        var document = SampleExportDocument.Create();
        using var buffer = new MemoryStream();
        await new CsvExporter().WriteAsync(document, buffer);
        CsvExporter.ContentTypeFor(document).Should().Be("application/zip");
        buffer.Position = 0;
        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        zip.Entries.Select(e => e.Name).Should().Contain("campaign-performance.csv").And.Contain("spend-by-campaign.csv").And.HaveCount(19);
        using var entry = new MemoryStream();
        await using (var stream = zip.GetEntry("campaign-performance.csv")!.Open()) await stream.CopyToAsync(entry);
        var rows = Read(entry.ToArray());
        var table = document.Widgets.Single(w => w.Title == "Campaign performance").Data!;
        rows.Should().HaveCount(table.Rows.Count + 1);
        rows[1][0].Should().Be((string)table.Rows[0][0]!);
        double.Parse(rows[1][4], CultureInfo.InvariantCulture).Should().Be((double)table.Rows[0][4]!);
    }

    [Fact]
    public async Task Large_exports_stream_row_by_row()
    {
        static async IAsyncEnumerable<object?[]> Rows()
        {
            var day = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 0; i < 200_000; i++)
            {
                if (i % 10_000 == 0) await Task.Yield();
                yield return [day.AddHours(i), "c" + (i % 7), i * 0.5];
            }
        }
        var path = ExportTestFiles.PathFor("stream.csv");
        await using (var file = File.Create(path)) await new CsvExporter().WriteAsync(Columns, Rows(), file);
        var lines = await File.ReadAllLinesAsync(path);
        lines.Should().HaveCount(200_001);
        lines[^1].Should().Be(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(199_999).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + ",c2,99999.5");
    }

    [Fact]
    public async Task Export_service_names_the_file_and_rejects_an_unknown_format_naming_the_field()
    {
        var services = new ExportService(
            [new PdfExportWriter(ExportTestFiles.Pdf()), new XlsxExportWriter(new Analytics.Data.Exports.Xlsx.XlsxExporter()), new CsvExportWriter(new CsvExporter())],
            new Analytics.Tests.Infrastructure.FixedTimeProvider(new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero)));
        var document = SampleExportDocument.Create(widgetCount: 5);
        await using (var pdf = await services.RenderAsync("PDF", document))
        {
            pdf.FileName.Should().Be("northwind-advertising-overview-2025-07-01.pdf");
            pdf.ContentType.Should().Be("application/pdf");
            pdf.Length.Should().BeGreaterThan(1000);
        }
        await using (var xlsx = await services.RenderAsync("xlsx", document)) xlsx.FileName.Should().EndWith(".xlsx");
        var act = () => services.RenderAsync("docx", document);
        (await act.Should().ThrowAsync<Analytics.Domain.ValidationException>()).Which.Errors.Should().ContainKey("format");
    }
}
