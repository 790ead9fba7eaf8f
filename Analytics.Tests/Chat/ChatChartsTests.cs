using System.Text.Json.Nodes;
using Analytics.Domain.Chat;
using Analytics.Web.Components.Chat;
using Analytics.Web.Components.Dashboards.Charts;

namespace Analytics.Tests.Chat;

/// <summary>A chat answer's chart is a dashboard chart: built by <see cref="ChartOptionsBuilder"/>, formatted by charts.js.</summary>
public sealed class ChatChartsTests
{
    private static readonly ChatVisualization Comparison = new("bar", "Spend by campaign", null,
        [new("campaign", "string", "Campaign"), new("spend", "number", "Spend", "currency"), new("spend_previous", "number", "Spend before", "currency"), new("spend_change", "number", "Change", "percent")],
        [["Alpha", 120.0, 100.0, 0.2], ["Beta", 80.0, 100.0, -0.2]]);

    [Fact]
    public void A_chat_bar_chart_is_built_by_the_dashboard_chart_builder_with_its_value_formatters()
    {
        var option = JsonNode.Parse(ChatCharts.OptionJson(Comparison)!)!.AsObject();

        var series = option["series"]!.AsArray();
        series.Select(s => s!["type"]!.GetValue<string>()).Should().AllBe("bar");
        series.Should().HaveCount(2, "the relative change is read in the table, not drawn as a bar");
        option.ToJsonString().Should().Contain(ChartMarkers.Value("currency"), "values are formatted by charts.js's metric formatter, as on a dashboard");
        option["xAxis"]!.ToJsonString().Should().Contain("Alpha");
    }

    [Fact]
    public void Every_chart_kind_a_chat_answer_names_is_drawn_and_single_rows_and_tables_are_not()
    {
        ChatCharts.OptionJson(Comparison with { Type = "line", Columns = [new("time", "time", "Time"), new("spend", "number", "Spend", "currency")], Rows = [["2025-06-01", 1.0], ["2025-06-02", 2.0]] })
            .Should().NotBeNull();
        ChatCharts.OptionJson(Comparison with { Type = "pie" }).Should().NotBeNull();
        ChatCharts.OptionJson(Comparison with { Type = "table" }).Should().BeNull();
        ChatCharts.OptionJson(Comparison with { Rows = [["Alpha", 1.0, 2.0, 0.5]] }).Should().BeNull("one row reads better as a table");
    }
}
