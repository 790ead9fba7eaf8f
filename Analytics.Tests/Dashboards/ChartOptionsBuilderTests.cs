using System.Text.Json.Nodes;
using Analytics.Web.Components.Dashboards.Charts;
using static Analytics.Tests.Dashboards.ChartResults;

namespace Analytics.Tests.Dashboards;

public sealed class ChartOptionsBuilderTests
{
    private static readonly ChartOptionsBuilder Builder = ChartOptionsBuilder.Default;

    private static JsonArray Series(JsonObject option) => option["series"]!.AsArray();
    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public void Registry_knows_every_chart_kind_and_rejects_others_by_name()
    {
        Builder.Kinds.Should().BeEquivalentTo(["line", "area", "bar", "pie", "donut", "heatmap", "gauge"]);
        var act = () => Builder.Build("kpi", (JsonObject?)null, Result([Metric("spend", "currency")], []));
        act.Should().Throw<ArgumentException>().WithMessage("*'kpi' is not a chart kind*");
        var twice = () => new ChartOptionsBuilder([new LineChartKind(), new LineChartKind()]);
        twice.Should().Throw<ArgumentException>().WithMessage("*'line' is registered twice*");
    }

    [Fact]
    public void Line_over_time_has_a_time_axis_one_series_per_metric_zoom_and_formatters_from_the_metric_format()
    {
        var result = Result([Time(), Metric("spend", "currency", "Spend"), Metric("sales", "currency", "Sales")],
            [[Day(6), 10.0, 40.0], [Day(7), 12.5, null], [Day(8), 9.0, 30.0]]);

        var option = Builder.Build("line", (JsonObject?)null, result);

        Str(option["xAxis"]![0]!["type"]).Should().Be("time");
        option["useUTC"]!.GetValue<bool>().Should().BeTrue();
        var series = Series(option);
        series.Select(s => Str(s!["name"])).Should().Equal("Spend", "Sales");
        series.Should().AllSatisfy(s => Str(s!["type"]).Should().Be("line"));
        series[0]!["data"]!.ToJsonString().Should().Be("""[["2025-01-06T00:00:00Z",10],["2025-01-07T00:00:00Z",12.5],["2025-01-08T00:00:00Z",9]]""");
        series[1]!["data"]![1]![1].Should().BeNull("a missing value is a gap, not zero");
        Str(series[0]!["tooltip"]!["valueFormatter"]).Should().Be("$fmt:currency");
        option["yAxis"]!.AsArray().Should().HaveCount(1, "both metrics are currency: one axis");
        Str(option["yAxis"]![0]!["axisLabel"]!["formatter"]).Should().Be("$axis:currency");
        option["dataZoom"]!.AsArray().Select(z => Str(z!["type"])).Should().Equal("inside", "slider");
        option["legend"]!["show"]!.GetValue<bool>().Should().BeTrue();
        Str(option["xAxis"]![0]!["axisPointer"]!["label"]!["formatter"]).Should().Be("$date:day");
    }

    [Fact]
    public void Metrics_of_different_formats_get_a_second_axis_on_the_right()
    {
        var result = Result([Time(), Metric("spend", "currency", "Spend"), Metric("ctr", "percent", "CTR"), Metric("cpc", "currency", "CPC")],
            [[Day(6), 10.0, 0.012, 0.5]]);

        var option = Builder.Build("line", (JsonObject?)null, result);

        var axes = option["yAxis"]!.AsArray();
        axes.Should().HaveCount(2);
        Str(axes[0]!["position"]).Should().Be("left");
        Str(axes[0]!["name"]).Should().Be("Spend, CPC");
        Str(axes[1]!["position"]).Should().Be("right");
        Str(axes[1]!["axisLabel"]!["formatter"]).Should().Be("$axis:percent");
        Series(option).Select(s => s!["yAxisIndex"]!.GetValue<int>()).Should().Equal(0, 1, 0);
    }

    [Fact]
    public void Time_plus_dimension_gives_one_series_per_dimension_value_largest_first_up_to_the_limit()
    {
        var result = Result([Time(), Dim("campaign"), Metric("spend", "currency")],
        [
            [Day(6), "Alpha", 1.0], [Day(6), "Beta", 5.0], [Day(6), "Gamma", 3.0],
            [Day(7), "Alpha", 1.0], [Day(7), "Beta", 5.0], [Day(7), "Gamma", 3.0],
        ]);

        var option = Builder.Build("area", new JsonObject { ["seriesLimit"] = 2, ["stacked"] = true }, result);

        var series = Series(option);
        series.Select(s => Str(s!["name"])).Should().Equal("Beta", "Gamma");
        series.Should().AllSatisfy(s =>
        {
            s!["areaStyle"].Should().NotBeNull();
            Str(s["stack"]).Should().Be("stack-0");
        });
        Str(series[0]!["id"]).Should().Be("Beta\u001fspend", "charts.js reads the series' dimension value from its id for drill-down");
        Str(option["drill"]!["series"]).Should().Be("campaign");
        series[0]!["data"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public void Bar_by_dimension_uses_a_category_axis_aligned_across_series_and_drills_by_that_dimension()
    {
        var result = Result([Dim("campaign"), Dim("device"), Metric("clicks", "integer")],
            [["Alpha", "mobile", 10.0], ["Alpha", "desktop", 4.0], ["Beta", "desktop", 7.0]]);

        var option = Builder.Build("bar", (JsonObject?)null, result);

        option["xAxis"]![0]!["data"]!.ToJsonString().Should().Be("""["Alpha","Beta"]""");
        var series = Series(option);
        series.Select(s => Str(s!["name"])).Should().Equal("desktop", "mobile");
        series[0]!["data"]!.ToJsonString().Should().Be("[4,7]");
        series[1]!["data"]!.ToJsonString().Should().Be("[10,null]");
        Str(option["drill"]!["category"]).Should().Be("campaign");
        Str(option["drill"]!["series"]).Should().Be("device");
        option["dataZoom"].Should().BeNull("zoom is for time series");
    }

    [Fact]
    public void Horizontal_stacked_bars_swap_the_axes()
    {
        var result = Result([Dim("campaign"), Metric("spend", "currency"), Metric("sales", "currency")],
            [["Alpha", 1.0, 3.0], ["Beta", 2.0, 1.0]]);

        var option = Builder.Build("bar", new JsonObject { ["horizontal"] = true, ["stacked"] = true }, result);

        Str(option["yAxis"]![0]!["type"]).Should().Be("category");
        option["yAxis"]![0]!["inverse"]!.GetValue<bool>().Should().BeTrue();
        Str(option["xAxis"]![0]!["type"]).Should().Be("value");
        Series(option).Should().AllSatisfy(s =>
        {
            s!["xAxisIndex"]!.GetValue<int>().Should().Be(0);
            Str(s["stack"]).Should().Be("stack-0");
        });
    }

    [Fact]
    public void Times_are_shown_as_the_wall_clock_of_the_query_zone()
    {
        // A New York day bucket starts at 05:00 UTC in winter.
        var result = Result([Time(), Metric("spend", "currency")], [[new DateTime(2025, 1, 6, 5, 0, 0, DateTimeKind.Utc), 1.0]], zone: "America/New_York");

        var option = Builder.Build("line", (JsonObject?)null, result);

        Str(Series(option)[0]!["data"]![0]![0]).Should().Be("2025-01-06T00:00:00Z");
    }

    [Fact]
    public void Pie_keeps_the_largest_slices_and_folds_the_rest_into_other_for_additive_metrics_only()
    {
        var rows = Enumerable.Range(1, 5).Select(i => new object?[] { "C" + i, (double)i }).ToList();
        var spend = Builder.Build("pie", new JsonObject { ["sliceLimit"] = 3 }, Result([Dim("campaign"), Metric("spend", "currency")], rows));
        var ctr = Builder.Build("donut", new JsonObject { ["sliceLimit"] = 3 }, Result([Dim("campaign"), Metric("ctr", "percent")], rows));

        Series(spend)[0]!["data"]!.AsArray().Select(d => $"{Str(d!["name"])}={d["value"]}").Should().Equal("C5=5", "C4=4", "C3=3", "Other=3");
        Series(ctr)[0]!["data"]!.AsArray().Select(d => Str(d!["name"])).Should().Equal("C5", "C4", "C3");
        Series(ctr)[0]!["radius"]!.ToJsonString().Should().Be("""["42%","70%"]""", "a donut has a hole");
        Series(spend)[0]!["radius"]![0]!.GetValue<string>().Should().Be("0%");
        Str(spend["tooltip"]!["valueFormatter"]).Should().Be("$fmt:currency");
        Str(spend["drill"]!["category"]).Should().Be("campaign");
    }

    [Fact]
    public void Heatmap_of_campaign_by_week_places_cells_by_index_and_scales_colours_to_the_values()
    {
        var result = Result([Time(), Dim("campaign"), Metric("sales", "currency")],
            [[Day(6), "Alpha", 5.0], [Day(6), "Beta", 2.0], [Day(13), "Alpha", 9.0]], granularity: "week");

        var option = Builder.Build("heatmap", (JsonObject?)null, result);

        option["xAxis"]!["data"]!.ToJsonString().Should().Be("""["Wk 2025-01-06","Wk 2025-01-13"]""");
        option["yAxis"]!["data"]!.ToJsonString().Should().Be("""["Alpha","Beta"]""");
        Series(option)[0]!["data"]!.ToJsonString().Should().Be("[[0,0,5],[1,0,9],[0,1,2]]");
        option["visualMap"]!["max"]!.GetValue<double>().Should().Be(9);
        option["visualMap"]!["min"]!.GetValue<double>().Should().Be(0);
        Str(option["drill"]!["y"]).Should().Be("campaign");
    }

    [Fact]
    public void Heatmap_weekday_by_hour_folds_a_time_series_summing_counts_and_averaging_rates()
    {
        // 2025-01-06 is a Monday; two Mondays at 09:00 and a Tuesday at 14:00.
        var monday9 = new DateTime(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);
        var rows = new List<object?[]> { new object?[] { monday9, 4.0, 0.1 }, new object?[] { monday9.AddDays(7), 6.0, 0.3 }, new object?[] { monday9.AddDays(1).AddHours(5), 1.0, 0.5 } };
        var counts = Builder.Build("heatmap", new JsonObject { ["heatmap"] = "weekdayHour" },
            Result([Time(), Metric("clicks", "integer")], rows.Select(r => new[] { r[0], r[1] }), granularity: "hour"));
        var rates = Builder.Build("heatmap", new JsonObject { ["heatmap"] = "weekdayHour" },
            Result([Time(), Metric("ctr", "percent")], rows.Select(r => new[] { r[0], r[2] }), granularity: "hour"));

        counts["xAxis"]!["data"]!.AsArray().Should().HaveCount(24);
        counts["yAxis"]!["data"]!.ToJsonString().Should().Be("""["Mon","Tue","Wed","Thu","Fri","Sat","Sun"]""");
        Series(counts)[0]!["data"]!.ToJsonString().Should().Be("[[9,0,10],[14,1,1]]");
        Series(rates)[0]!["data"]![0]![2]!.GetValue<double>().Should().BeApproximately(0.2, 1e-9);
    }

    [Fact]
    public void Gauge_shows_the_latest_value_with_threshold_bands_and_a_percent_scale()
    {
        var result = Result([Time(), Metric("acos", "percent")], [[Day(6), 0.4], [Day(7), 0.25]]);
        var options = new JsonObject
        {
            ["thresholds"] = new JsonArray(
                new JsonObject { ["value"] = 0.3, ["color"] = "#2e7d32" },
                new JsonObject { ["value"] = 0.6, ["color"] = "#f9a825" },
                new JsonObject { ["value"] = 1, ["color"] = "#c62828" }),
        };

        var option = Builder.Build("gauge", options, result);

        var gauge = Series(option)[0]!;
        gauge["data"]![0]!["value"]!.GetValue<double>().Should().Be(0.25);
        gauge["max"]!.GetValue<double>().Should().Be(1);
        gauge["axisLine"]!["lineStyle"]!["color"]!.ToJsonString().Should().Be("""[[0.3,"#2e7d32"],[0.6,"#f9a825"],[1,"#c62828"]]""");
        Str(gauge["detail"]!["formatter"]).Should().Be("$fmt:percent");
    }

    [Fact]
    public void Gauge_without_a_max_rounds_up_above_the_value()
    {
        var option = Builder.Build("gauge", (JsonObject?)null, Result([Metric("spend", "currency")], [[830.0]]));
        Series(option)[0]!["max"]!.GetValue<double>().Should().Be(1000);
        GaugeChartKind.NiceCeiling(1.3, 0).Should().Be(2);
        GaugeChartKind.NiceCeiling(0, 0).Should().Be(1);
    }

    [Fact]
    public void An_empty_result_says_so_instead_of_drawing_empty_axes_silently()
    {
        var option = Builder.Build("bar", (JsonObject?)null, Result([Dim("campaign"), Metric("spend", "currency")], []));
        Str(option["title"]!["text"]).Should().Be("No data for these filters");
    }

    [Fact]
    public void Values_read_back_from_json_are_charted_like_in_memory_values()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToElement(new object?[] { "2025-01-06T00:00:00Z", 3.5 });
        var result = Result([Time(), Metric("spend", "currency")], [[json[0], json[1]]]);

        var option = Builder.Build("line", (JsonObject?)null, result);

        Series(option)[0]!["data"]!.ToJsonString().Should().Be("""[["2025-01-06T00:00:00Z",3.5]]""");
    }

    private static readonly string[] LongCampaigns =
        ["Northwind - Camping Stoves - Brand Defense", "Northwind - Sleeping Bags - Competitor Conquest", "Contoso - Kitchen Knives - Generic"];

    [Fact]
    public void Bars_with_short_category_names_stand_upright_with_their_labels_as_they_are()
    {
        var result = Result([Dim("campaign"), Metric("spend", "currency")], [["Alpha", 1.0], ["Beta", 2.0], ["Gamma", 3.0]], granularity: "none");

        var option = Builder.Build("bar", (JsonObject?)null, result);

        Str(option["xAxis"]![0]!["type"]).Should().Be("category");
        Str(option["yAxis"]![0]!["type"]).Should().Be("value");
        var label = option["xAxis"]![0]!["axisLabel"]!.AsObject();
        label.ContainsKey("rotate").Should().BeFalse();
        label.ContainsKey("overflow").Should().BeFalse("short names are never cut");
    }

    [Fact]
    public void Bars_with_long_campaign_names_turn_horizontal_and_cut_the_labels_keeping_the_full_names_for_the_tooltip()
    {
        var result = Result([Dim("campaign"), Metric("spend", "currency")], LongCampaigns.Select((c, i) => new object?[] { c, i + 1.0 }), granularity: "none");

        var option = Builder.Build("bar", (JsonObject?)null, result);

        var axis = option["yAxis"]![0]!.AsObject();
        Str(axis["type"]).Should().Be("category", "categories run down the side where long names have room");
        axis["data"]!.AsArray().Select(Str).Should().Equal(LongCampaigns, "the axis keeps the whole names: the axis tooltip shows them");
        axis["inverse"]!.GetValue<bool>().Should().BeTrue("the first campaign on top, as read");
        Str(axis["axisLabel"]!["overflow"]).Should().Be("truncate");
        axis["axisLabel"]!["width"]!.GetValue<int>().Should().Be(140);
        Str(option["xAxis"]![0]!["type"]).Should().Be("value");
        option["xAxis"]![0]!["axisLabel"]!["hideOverlap"]!.GetValue<bool>().Should().BeTrue("the value axis has only the width beside the names");
        Str(option["tooltip"]!["trigger"]).Should().Be("axis");
        Series(option).Should().AllSatisfy(s => s!["xAxisIndex"]!.GetValue<int>().Should().Be(0));
    }

    [Fact]
    public void Many_short_categories_turn_bars_horizontal_too_but_a_time_axis_never_does()
    {
        var asins = Enumerable.Range(0, 15).Select(i => $"B0{i:D8}").ToList();
        var many = Builder.Build("bar", (JsonObject?)null, Result([Dim("asin"), Metric("spend", "currency")], asins.Select((a, i) => new object?[] { a, i + 1.0 }), granularity: "none"));
        Str(many["yAxis"]![0]!["type"]).Should().Be("category");

        var timed = Builder.Build("bar", (JsonObject?)null, Result([Time(), Dim("campaign"), Metric("spend", "currency")],
            LongCampaigns.Select(c => new object?[] { new DateTime(2025, 1, 6, 0, 0, 0, DateTimeKind.Utc), c, 1.0 })));
        Str(timed["xAxis"]![0]!["type"]).Should().Be("time", "long names there are series, in the legend, not categories");
    }

    [Fact]
    public void A_line_over_long_category_names_slants_and_cuts_its_labels_instead()
    {
        var result = Result([Dim("campaign"), Metric("spend", "currency")], LongCampaigns.Select((c, i) => new object?[] { c, i + 1.0 }), granularity: "none");

        var option = Builder.Build("line", (JsonObject?)null, result);

        var axis = option["xAxis"]![0]!.AsObject();
        Str(axis["type"]).Should().Be("category");
        axis["axisLabel"]!["rotate"]!.GetValue<int>().Should().Be(35);
        Str(axis["axisLabel"]!["overflow"]).Should().Be("truncate");
        axis["data"]!.AsArray().Select(Str).Should().Equal(LongCampaigns);
    }
}
