using System.Text.Json.Nodes;
using Analytics.Domain.Metrics;
using Analytics.Tests.Components;
using Analytics.Tests.Shared;
using Analytics.Web.Components.Dashboards;
using AngleSharp.Dom;
using static Analytics.Tests.Dashboards.ChartResults;

namespace Analytics.Tests.Dashboards;

public sealed class KpiCardTests : AppComponentTests
{
    [Theory]
    [InlineData(120.0, 100.0, true, KpiTone.Good, "▲ +20.0%")]   // ROAS up
    [InlineData(80.0, 100.0, true, KpiTone.Bad, "▼ −20.0%")]     // ROAS down
    [InlineData(0.35, 0.30, false, KpiTone.Bad, "▲ +16.7%")]     // ACOS up is bad
    [InlineData(0.9, 1.2, false, KpiTone.Good, "▼ −25.0%")]      // CPC down is good
    [InlineData(100.0, 100.0, true, KpiTone.Neutral, "0.0%")]
    public void Change_is_coloured_by_the_metric_direction(double value, double previous, bool higherIsBetter, KpiTone tone, string text)
    {
        var model = new KpiCardModel("M", value, previous, "number", higherIsBetter, []);
        model.Tone.Should().Be(tone);
        model.FormattedChange.Should().Be(text);
    }

    [Fact]
    public void Without_a_previous_value_or_from_zero_there_is_no_change_to_show()
    {
        new KpiCardModel("M", 5, null, "integer", true, []).Change.Should().BeNull();
        new KpiCardModel("M", 5, 0, "integer", true, []).Tone.Should().Be(KpiTone.Neutral);
        new KpiCardModel("M", null, 3, "integer", true, []).FormattedValue.Should().Be("–");
    }

    [Fact]
    public void From_results_reads_the_metric_value_label_and_format_and_the_trend()
    {
        var columns = new[] { Metric("acos", "percent", "ACOS") };
        var trend = Result([Time(), Metric("acos", "percent", "ACOS")], [[Day(1), 0.2], [Day(2), null], [Day(3), 0.4]]);

        var model = KpiCardModel.FromResults(Result(columns, [[0.3]]), Result(columns, [[0.25]]), trend, higherIsBetter: false);

        model.Label.Should().Be("ACOS");
        model.FormattedValue.Should().Be("30.00%");
        model.Tone.Should().Be(KpiTone.Bad);
        model.Sparkline.Should().Equal(0.2, null, 0.4);
        model.SparklinePoints(100, 20).Should().Be("0,19 100,1", "the gap is skipped; lowest at the bottom, highest at the top");
    }

    [Fact]
    public void Card_renders_value_change_with_tone_and_a_sparkline()
    {
        var model = new KpiCardModel("ROAS", 3.456, 3.0, "ratio", true, [1, 2, 3]);

        var document = RenderWith<KpiCard>(new Dictionary<string, object?> { ["Model"] = model });

        document.QuerySelector("[data-testid=kpi-value]")!.TextContent.Should().Be("3.46");
        document.QuerySelector("[data-testid=kpi-card]")!.GetAttribute("data-tone").Should().Be("good");
        document.QuerySelector("[data-testid=kpi-change]")!.ClassList.Should().Contain("kpi-good");
        document.QuerySelector("[data-testid=kpi-change]")!.TextContent.Should().Contain("▲ +15.2%");
        document.QuerySelector("[data-testid=kpi-sparkline] polyline")!.GetAttribute("points").Should().NotBeNullOrEmpty();
    }
}

public sealed class MetricFormatTests
{
    public static TheoryData<MetricFormatCase> Cases() => new(MetricFormatCases.All);

    /// <summary>The same table charts.js is tested against (DashboardComponentsBrowserTests).</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Values_read_as_the_shared_table_says(MetricFormatCase c) =>
        (c.Compact ? MetricFormat.Compact(c.Value, c.Format, c.Currency) : MetricFormat.Format(c.Value, c.Format, c.Currency)).Should().Be(c.Expected);

    [Fact]
    public void The_shared_table_covers_every_format_and_a_missing_value()
    {
        MetricFormatCases.All.Select(c => c.Format).Should().Contain(["currency", "integer", "percent", "ratio", "number"]);
        MetricFormatCases.All.Should().Contain(c => c.Value == null && c.Expected == MetricFormat.Missing);
        MetricFormatCases.All.Where(c => c.Compact).Select(c => c.Format).Should().Contain(["currency", "integer", "percent", "ratio", "number"]);
    }

    [Fact]
    public void Spreadsheet_cells_get_number_formats_that_match_the_display() =>
        (MetricFormat.SpreadsheetFormat("currency", "EUR"), MetricFormat.SpreadsheetFormat("currency", "JPY"), MetricFormat.SpreadsheetFormat("percent"))
            .Should().Be(("\"€\"#,##0.00;-\"€\"#,##0.00", "\"¥\"#,##0;-\"¥\"#,##0", "0.00%"));
}

public sealed class TableWidgetTests : AppComponentTests
{
    private static readonly Analytics.Domain.Query.QueryResult Campaigns = Result(
        [Dim("campaign", "Campaign"), Metric("spend", "currency", "Spend"), Metric("acos", "percent", "ACOS")],
        [["Beta", 20.0, 0.5], ["alpha", 10.0, 0.1], ["Gamma", null, 0.35], ["Delta", 40.0, 0.2]]);

    [Fact]
    public void Sorting_a_metric_starts_largest_first_with_nulls_last_and_flips_on_a_second_click()
    {
        var state = new TableWidgetState(Campaigns);

        state.SortBy("spend");
        state.VisibleRows.Select(r => r[0].Text).Should().Equal("Delta", "Beta", "alpha", "Gamma");
        state.AriaSort("spend").Should().Be("descending");

        state.SortBy("spend");
        state.VisibleRows.Select(r => r[0].Text).Should().Equal("alpha", "Beta", "Delta", "Gamma");

        state.SortBy("campaign");
        state.VisibleRows.Select(r => r[0].Text).Should().Equal(new[] { "alpha", "Beta", "Delta", "Gamma" }, "dimensions sort A→Z, ignoring case");
    }

    [Fact]
    public void Paging_shows_one_page_at_a_time_and_a_new_result_keeps_sort_and_page()
    {
        var state = new TableWidgetState(Campaigns, pageSize: 3);
        state.PageCount.Should().Be(2);
        state.SortBy("campaign");
        state.GoTo(5);
        state.Page.Should().Be(1, "pages are clamped");
        state.VisibleRows.Select(r => r[0].Text).Should().Equal("Gamma");

        var refreshed = state.WithResult(Campaigns);
        (refreshed.SortColumn, refreshed.Page).Should().Be(("campaign", 1));
    }

    [Fact]
    public void Conditional_rules_colour_matching_cells_first_rule_wins_and_unsafe_colours_are_dropped()
    {
        var rules = ConditionalFormatRule.Parse(JsonNode.Parse("""
            [ { "column": "acos", "op": "gt", "value": 0.3, "color": "#b71c1c", "background": "#ffebee" },
              { "column": "acos", "op": "between", "value": 0.0, "value2": 0.4, "color": "green" },
              { "column": "spend", "op": "lt", "value": 15, "color": "red;background:url(x)" },
              { "column": "spend", "op": "nope", "value": 1 } ]
            """));
        rules.Should().HaveCount(3);

        var state = new TableWidgetState(Campaigns, rules);
        var rows = state.VisibleRows;

        rows[0][2].Css.Should().Be("color:#b71c1c;background-color:#ffebee;", "Beta's ACOS 50% is above 30%");
        rows[1][2].Css.Should().Be("color:green;", "alpha's ACOS 10% is between 0 and 40%");
        rows[1][1].Css.Should().BeEmpty("a colour that is not a colour never reaches the style attribute");
        rows[0][1].Text.Should().Be("$20.00");
        rows[2][1].Text.Should().Be("–");
        rows[0][2].Numeric.Should().BeTrue();
    }

    [Fact]
    public void Table_renders_headers_formatted_cells_rule_styles_and_a_pager()
    {
        var rules = new[] { new ConditionalFormatRule("acos", "gt", 0.3, Color: "#b71c1c") };

        var document = RenderWith<TableWidget>(new Dictionary<string, object?>
        {
            ["Result"] = Campaigns, ["Rules"] = rules, ["PageSize"] = 2,
        });

        document.QuerySelectorAll("th").Select(t => t.TextContent.Trim()).Should().Equal("Campaign", "Spend", "ACOS");
        document.QuerySelectorAll("tbody tr").Should().HaveCount(2);
        document.QuerySelector("tbody tr td:nth-child(3)")!.GetAttribute("style").Should().Be("color:#b71c1c;");
        document.QuerySelector("[data-testid=table-page]")!.TextContent.Should().Be("Page 1 of 2");
    }
}

public sealed class TextWidgetTests : AppComponentTests
{
    [Fact]
    public void Markdown_renders_and_raw_html_is_escaped_not_run()
    {
        var html = MarkdownText.ToHtml("# Weekly notes\n\n**Spend** is up. <script>alert(1)</script> <img src=x onerror=alert(2)>");

        html.Should().Contain("<h1").And.Contain("<strong>Spend</strong>");
        html.Should().NotContain("<script").And.NotContain("<img");
        html.Should().Contain("&lt;script&gt;");
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](java&#09;script:alert(1))")]
    [InlineData("![x](data:image/svg+xml;base64,PHN2Zz4=)")]
    [InlineData("<vbscript:msgbox(1)>")]
    public void Links_with_unsafe_schemes_lose_their_address(string markdown)
    {
        var html = MarkdownText.ToHtml(markdown);
        html.Should().NotContainAny("javascript", "JaVaScRiPt", "data:", "vbscript");
    }

    [Fact]
    public void Safe_links_are_kept()
    {
        MarkdownText.ToHtml("[docs](https://example.org/a?b=1) [rel](/dashboards/3) <mailto:a@b.org>")
            .Should().Contain("href=\"https://example.org/a?b=1\"").And.Contain("href=\"/dashboards/3\"").And.Contain("href=\"mailto:a@b.org\"");
    }

    [Theory]
    [InlineData("![chart](https://tracker.example/pixel.png?who=me)", "https://tracker.example/pixel.png?who=me")]
    [InlineData("![](http://evil.example/x.png)", "http://evil.example/x.png")]
    [InlineData("![x](//evil.example/x.png)", "//evil.example/x.png")]
    [InlineData("![x](/\\evil.example/x.png)", "/%5Cevil.example/x.png")]
    [InlineData("![x](https://analytics.example.com.evil.example/a.png)", "https://analytics.example.com.evil.example/a.png")]
    [InlineData("![x](https://analytics.example.com:8443/a.png)", "https://analytics.example.com:8443/a.png")]
    public void External_images_are_shown_as_links_not_loaded(string markdown, string href)
    {
        var html = MarkdownText.ToHtml(markdown, new Uri("https://analytics.example.com/"));

        html.Should().NotContain("<img");
        html.Should().Contain($"<a href=\"{href}\"");
    }

    [Theory]
    [InlineData("![logo](/img/logo.png)", "/img/logo.png")]
    [InlineData("![logo](img/logo.png)", "img/logo.png")]
    [InlineData("![logo](https://analytics.example.com/img/logo.png)", "https://analytics.example.com/img/logo.png")]
    [InlineData("![logo](HTTPS://Analytics.Example.com/img/logo.png)", "HTTPS://Analytics.Example.com/img/logo.png")]
    public void Images_from_the_app_itself_load(string markdown, string src)
    {
        var html = MarkdownText.ToHtml(markdown, new Uri("https://analytics.example.com/"));

        html.Should().Contain($"<img src=\"{src}\"");
    }

    [Fact]
    public void Without_the_apps_origin_only_relative_images_load()
    {
        MarkdownText.ToHtml("![a](/a.png) ![b](https://analytics.example.com/b.png)").Should()
            .Contain("<img src=\"/a.png\"").And.NotContain("<img src=\"https://");
    }

    [Fact]
    public void Text_widget_renders_the_sanitized_html()
    {
        var document = RenderWith<TextWidget>(new Dictionary<string, object?> { ["Markdown"] = "Hello *world* <b>bold</b>" });
        var widget = document.QuerySelector("[data-testid=text-widget]")!;
        widget.QuerySelector("em")!.TextContent.Should().Be("world");
        widget.QuerySelector("b").Should().BeNull();
    }
}

public sealed class DashboardGridRenderTests : AppComponentTests
{
    [Fact]
    public void Grid_prerenders_one_tile_per_item_with_its_cell_and_kind_minimum_and_no_javascript()
    {
        var items = new List<Analytics.Web.Components.Dashboards.Layout.LayoutItem>
        {
            new("w1", "kpi", 0, 0, 3, 2), new("w2", "table", 3, 0, 9, 4),
        };
        Microsoft.AspNetCore.Components.RenderFragment<Analytics.Web.Components.Dashboards.Layout.LayoutItem> template =
            item => builder => builder.AddContent(0, "tile " + item.Id);

        var document = RenderWith<DashboardGrid>(new Dictionary<string, object?>
        {
            ["Items"] = items, ["ItemTemplate"] = template,
            ["MinSize"] = (Func<string, Analytics.Web.Components.Dashboards.Layout.LayoutSize>)(kind => kind == "table" ? new(4, 3) : new(2, 2)),
        });

        var tiles = document.QuerySelectorAll(".grid-stack > .grid-stack-item");
        tiles.Select(t => t.GetAttribute("gs-id")).Should().Equal("w1", "w2");
        var table = tiles[1];
        (table.GetAttribute("gs-x"), table.GetAttribute("gs-w"), table.GetAttribute("gs-h"), table.GetAttribute("gs-min-w"), table.GetAttribute("gs-min-h"))
            .Should().Be(("3", "9", "4", "4", "3"));
        table.QuerySelector(".grid-stack-item-content")!.TextContent.Should().Be("tile w2");
    }

    [Fact]
    public void Chart_prerenders_an_empty_labelled_container()
    {
        var document = RenderWith<EChart>(new Dictionary<string, object?>
        {
            ["Option"] = new System.Text.Json.Nodes.JsonObject(), ["Height"] = "240px", ["AriaLabel"] = "Spend by day",
        });
        var chart = document.QuerySelector("[data-testid=echart]")!;
        chart.GetAttribute("aria-label").Should().Be("Spend by day");
        chart.GetAttribute("style").Should().Contain("height:240px");
    }
}
