using System.Text;
using System.Text.RegularExpressions;
using Analytics.Data.Exports.Pdf;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Exports;

public class PdfExportTests
{
    private static readonly QueryColumn Campaign = new("campaign", "string", "dimension", "Campaign");

    private static string Save(ExportDocument document, string name, int maxTableRows = 5_000)
    {
        var path = ExportTestFiles.PathFor(name);
        File.WriteAllBytes(path, ExportTestFiles.Pdf(maxTableRows).Render(document));
        return path;
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void Dashboard_pdf_text_holds_the_title_filters_stamp_every_widget_title_and_the_numbers_shown()
    {
        var document = SampleExportDocument.Create();
        var path = Save(document, "sample-dashboard.pdf");
        var text = Normalize(ExportTestFiles.PdfText(path));

        text.Should().Contain(document.Title);
        text.Should().Contain("Time range: " + document.TimeRange!.Value);
        text.Should().Contain("Source: Northwind Outdoor (US)");
        text.Should().Contain("Generated 1 Jul 2025 07:30 (UTC)");
        foreach (var widget in document.Widgets) text.Should().Contain(widget.Title, "every widget title is searchable");

        var formatter = ExportFormatter.For(document);
        // KPI values as shown on the cards.
        foreach (var kpi in document.Widgets.Where(w => w.Kind == ExportWidgetKinds.Kpi).Select(w => w.Kpi!))
            text.Should().Contain(formatter.FormatNumber(kpi.Value, kpi.Format));
        // Every cell of the campaign table, formatted by its column's format.
        var table = document.Widgets.Single(w => w.Title == "Campaign performance").Data!;
        foreach (var row in table.Rows)
        {
            for (var i = 0; i < row.Length; i++) text.Should().Contain(formatter.Format(row[i], table.Columns[i], "none"));
        }
        // Chart text (legends, axis and slice labels) is real text, not pixels.
        text.Should().Contain("Sponsored Products").And.Contain("Sleeping Bags").And.Contain("Target 25.00%");
        text.Should().Contain("Page 1 of ");
    }

    [Fact]
    public void Charts_are_vector_drawings_with_no_embedded_images()
    {
        var path = Save(SampleExportDocument.Create(), "vector.pdf");
        Encoding.Latin1.GetString(File.ReadAllBytes(path)[..5]).Should().Be("%PDF-");
        // pdfimages lists every raster image in the file: a header line and a rule, then one line per image.
        var images = ExportTestFiles.Run("pdfimages", $"-list \"{path}\"").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        images.Should().HaveCount(2, "charts are drawn as paths and text, not embedded screenshots");
    }

    [Fact]
    public void A_long_table_paginates_with_its_header_repeated_and_every_row_printed()
    {
        var rows = Enumerable.Range(1, 400).Select(i => new object?[] { $"Campaign {i:0000}", i * 10.5 }).ToList();
        var document = new ExportDocument
        {
            Title = "Long table", GeneratedAt = DateTimeOffset.UnixEpoch,
            Widgets =
            [
                new ExportWidget
                {
                    Id = "t", Kind = "table", Title = "All campaigns", Position = new GridPosition(0, 0, 12, 6),
                    Data = SampleExportDocument.Result([Campaign, new QueryColumn("spend", "number", "metric", "Spend", "currency")], rows, "none"),
                },
                new ExportWidget { Id = "n", Kind = "text", Title = "After the table", Position = new GridPosition(0, 6, 12, 2), Markdown = "The end." },
            ],
        };
        foreach (var layout in new[] { ExportLayout.Grid, ExportLayout.Flow })
        {
            var path = Save(document with { Page = new ExportPageOptions(Layout: layout) }, $"long-table-{layout}.pdf");
            var pages = ExportTestFiles.PageCount(path);
            pages.Should().BeGreaterThan(5);
            var text = ExportTestFiles.PdfText(path);
            for (var i = 1; i <= 400; i++) text.Should().Contain($"Campaign {i:0000}");
            text.Should().Contain("$4,200.00").And.Contain("The end.");
            // The header row ("Campaign" column label and "Spend") is repeated on every page the table runs over.
            var perPage = text.Split('\f').Where(p => p.Contains("Campaign 0")).ToList();
            perPage.Count.Should().BeGreaterThan(4);
            perPage.Should().OnlyContain(p => Regex.IsMatch(p, @"(?m)^Campaign Spend$"));
            text.Should().Contain("All campaigns (continued)");
        }
    }

    [Fact]
    public void A_table_past_the_pdf_row_limit_says_how_many_rows_the_other_formats_hold()
    {
        var rows = Enumerable.Range(1, 120).Select(i => new object?[] { $"C{i}", (double)i }).ToList();
        var document = new ExportDocument
        {
            Title = "Capped", GeneratedAt = DateTimeOffset.UnixEpoch, Page = new ExportPageOptions(Layout: ExportLayout.Flow),
            Widgets = [new ExportWidget { Id = "t", Kind = "table", Title = "Rows", Data = SampleExportDocument.Result([Campaign, new QueryColumn("v", "number", "metric", "Value", "integer")], rows, "none") }],
        };
        var text = ExportTestFiles.PdfText(Save(document, "capped.pdf", maxTableRows: 50));
        text.Should().Contain("Showing 50 of 120 rows");
        text.Should().Contain("C50").And.NotContain("C51\n");
    }

    [Fact]
    public void A_widget_taller_than_a_page_and_long_text_come_out_whole()
    {
        var paragraphs = string.Join("\n\n", Enumerable.Range(1, 80).Select(i => $"Paragraph {i:000} explains one more thing about the quarter in plain words."));
        var document = new ExportDocument
        {
            Title = "Tall", GeneratedAt = DateTimeOffset.UnixEpoch, Page = new ExportPageOptions(ExportPageSize.Letter, ExportOrientation.Portrait),
            Widgets =
            [
                new ExportWidget { Id = "a", Kind = "text", Title = "Long notes", Position = new GridPosition(0, 0, 6, 4), Markdown = "# Notes\n\n" + paragraphs },
                new ExportWidget
                {
                    Id = "b", Kind = "bar", Title = "Very tall bar chart", Position = new GridPosition(6, 0, 6, 60),
                    Data = SampleExportDocument.Result([Campaign, new QueryColumn("clicks", "number", "metric", "Clicks", "integer")],
                        [["Tents", 120.0], ["Stoves", 80.0]], "none"),
                },
            ],
        };
        var path = Save(document, "tall.pdf");
        ExportTestFiles.PageSize(path).Should().Be((612, 792));
        var text = ExportTestFiles.PdfText(path);
        for (var i = 1; i <= 80; i++) text.Should().Contain($"Paragraph {i:000}");
        text.Should().Contain("Very tall bar chart").And.Contain("Long notes (continued)");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_draws_with_data_and_without(string kind)
    {
        var sample = SampleExportDocument.Create(widgetCount: 40).Widgets.First(w => w.Kind == kind); // every sample widget at least once
        var empty = sample with { Title = "Empty " + kind, Data = sample.Data is null ? null : sample.Data with { Rows = [] }, Kpi = null, Markdown = "" };
        var document = new ExportDocument { Title = kind, GeneratedAt = DateTimeOffset.UnixEpoch, Widgets = [sample, empty with { Position = sample.Position with { Y = 50 } }] };
        var text = ExportTestFiles.PdfText(Save(document, $"kind-{kind}.pdf"));
        text.Should().Contain(sample.Title).And.Contain("Empty " + kind);
    }

    public static TheoryData<string> Kinds() => new(ExportWidgetKinds.All);

    [Fact]
    public void A_line_widget_with_a_forecast_draws_it_with_its_80_percent_range_and_one_without_does_not()
    {
        var line = SampleExportDocument.Create().Widgets.First(w => w.Kind == "line" && w.Title == "Sales and spend by day");
        var last = line.Data!.Rows.Select(r => (DateTime)r[0]!).Max();
        var points = Enumerable.Range(1, 7)
            .Select(d => new Analytics.Domain.Forecasting.ForecastPoint(new DateTimeOffset(last.AddDays(d), TimeSpan.Zero), 1000, 900, 1100)).ToList();
        var forecast = new Analytics.Domain.Forecasting.ForecastResult("spend", "day", points, "damped Holt-Winters", 0.8,
            new Analytics.Domain.Forecasting.ForecastBacktest(null, null, null, 0), new DateTimeOffset(last, TimeSpan.Zero), [], "UTC");
        var with = new ExportDocument { Title = "Forecast", GeneratedAt = DateTimeOffset.UnixEpoch, Widgets = [line with { Forecasts = [forecast] }] };
        var without = new ExportDocument { Title = "No forecast", GeneratedAt = DateTimeOffset.UnixEpoch, Widgets = [line] };

        Normalize(ExportTestFiles.PdfText(Save(with, "line-forecast.pdf"))).Should().Contain("Forecast (80% range)");
        Normalize(ExportTestFiles.PdfText(Save(without, "line-no-forecast.pdf"))).Should().NotContain("Forecast");
    }

    [Fact]
    public void Category_labels_that_share_a_long_start_keep_their_distinct_ends()
    {
        var sample = SampleExportDocument.Create().Widgets.First(w => w.Title == "Spend by campaign");
        string[] kinds = ["Competitor", "Exact", "Broad", "Phrase", "Auto", "Category"];
        var rows = kinds.Select((k, i) => new object?[] { $"Fabrikam - Noise Cancelling Headphones - {k}", 100.0 + i * 10 }).ToList();
        var slanted = sample with { Id = "v", Title = "Slanted labels", Position = new(0, 0, 4, 4), Data = sample.Data! with { Rows = rows } };
        var sideways = slanted with { Id = "h", Title = "Sideways labels", Options = slanted.Options with { Horizontal = true }, Position = new(4, 0, 4, 4) };
        var document = new ExportDocument { Title = "Labels", GeneratedAt = DateTimeOffset.UnixEpoch, Widgets = [slanted, sideways] };

        // The sideways chart's labels read back as text (the slanted ones come back letter by letter); both charts fit labels the same way.
        var text = Normalize(ExportTestFiles.PdfText(Save(document, "long-labels.pdf")));
        foreach (var kind in kinds)
            text.Should().MatchRegex($@"Fab[^…$]*…[\s-]*{kind}\b", $"'{kind}' ends its label, the shared middle is cut");
    }

    [Fact]
    public void The_registry_has_one_drawer_per_kind()
    {
        PdfWidgetRenderers.Default.Kinds.Should().BeEquivalentTo(ExportWidgetKinds.All);
    }

    [Fact]
    public void Executive_summary_page_shows_kpis_and_insights()
    {
        var document = SampleExportDocument.Create(widgetCount: 2);
        var path = Save(document, "summary.pdf");
        var pages = ExportTestFiles.PdfText(path).Split('\f');
        pages[0].Should().Contain("Executive summary").And.Contain("Latest insights").And.Contain("Sales up week over week").And.Contain("vs previous period");
        pages[0].Should().Contain(ExportFormatter.For(document).FormatNumber(document.Summary!.Kpis[0].Value, "currency"));
        pages[1].Should().Contain("Spend");
    }

    [Fact]
    public void Missing_fonts_fail_with_a_message_naming_the_package_and_the_setting()
    {
        var act = () => DejaVuFontResolver.Load("/nonexistent/fonts");
        act.Should().Throw<InvalidOperationException>().WithMessage("*fonts-dejavu-core*Analytics:Exports:FontDirectory*");
    }

    [PdfToPpmFact]
    public void Pages_render_to_png_for_a_look()
    {
        // The dashboard as on its grid (page 1: header, KPIs, charts), and the same flowed onto portrait Letter.
        var document = SampleExportDocument.Create() with { Summary = null };
        var grid = Save(document, "look-grid.pdf");
        new FileInfo(ExportTestFiles.RenderPage(grid, 1)).Length.Should().BeGreaterThan(20_000);
        var flow = Save(document with { Page = new ExportPageOptions(ExportPageSize.Letter, ExportOrientation.Portrait, ExportLayout.Flow) }, "look-flow.pdf");
        File.Exists(ExportTestFiles.RenderPage(flow, 2)).Should().BeTrue();
        var summary = Save(SampleExportDocument.Create(), "look-summary.pdf");
        File.Exists(ExportTestFiles.RenderPage(summary, 1)).Should().BeTrue();
    }
}

/// <summary>Grid tiles shrink on a portrait page; the small ones must still draw (a KPI with no room for its sparkline drops it).</summary>
public class PdfPortraitGridTests
{
    [Theory]
    [InlineData(ExportPageSize.A4)]
    [InlineData(ExportPageSize.Letter)]
    public void A_portrait_grid_with_two_row_kpi_tiles_and_a_summary_renders_every_kpi(ExportPageSize size)
    {
        var sample = SampleExportDocument.Create(widgetCount: 8);
        var document = sample with
        {
            Page = new ExportPageOptions(size, ExportOrientation.Portrait, ExportLayout.Grid),
            // Four KPIs of a row of twelve columns, two rows high, as the demo dashboard has them.
            Widgets = sample.Widgets.Where(w => w.Kind == ExportWidgetKinds.Kpi).Select((w, i) => w with { Position = new GridPosition(i * 3 % 12, 0, 3, 2) })
                .Concat(sample.Widgets.Where(w => w.Kind != ExportWidgetKinds.Kpi)).ToList(),
        };
        var path = ExportTestFiles.PathFor($"portrait-grid-kpis-{size}.pdf");
        File.WriteAllBytes(path, ExportTestFiles.Pdf().Render(document));

        ExportTestFiles.PageSize(path).Width.Should().BeLessThan(ExportTestFiles.PageSize(path).Height);
        var text = ExportTestFiles.PdfText(path);
        text.Should().Contain("Executive summary");
        var formatter = ExportFormatter.For(document);
        foreach (var kpi in document.Widgets.Where(w => w.Kind == ExportWidgetKinds.Kpi).Select(w => w.Kpi!))
            text.Should().Contain(formatter.FormatNumber(kpi.Value, kpi.Format));
    }
}
