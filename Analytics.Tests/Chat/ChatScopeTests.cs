using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Dashboards.Layout;
using Analytics.Domain.Query;
using Analytics.Web.Components.Pages.Chat;

namespace Analytics.Tests.Chat;

/// <summary>
/// Without a database: a dashboard's filters as the scope of a question (the offline planner defaults from it unless
/// the question says otherwise), an answer as a dashboard widget, where that widget goes, and "Copy" as TSV.
/// </summary>
public sealed class ChatScopeTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static readonly ChatVocabulary Vocabulary = new(
        [new("spend", "Spend", "", "currency", false), new("sales", "Sales", "", "currency", true), new("roas", "ROAS", "", "ratio", true)],
        [
            new("campaign", "Campaign", ["Contoso - Rugs - Broad", "Contoso - Bath Towels - Brand", "Northwind - Tents - Auto"]),
            new("campaign_type", "Campaign type", ["Sponsored Products", "Sponsored Brands", "Sponsored Display"]),
        ],
        [new("demo-contoso", "Contoso Home (UK)"), new("demo-northwind", "Northwind Outdoor (US)")]);

    private static readonly ChatScope LastMonthContoso = new()
    {
        DashboardId = "d1", DashboardName = "Contoso review",
        Range = ChatScope.RangeOf(new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1), "lastMonth", Today),
        SourceIds = ["demo-contoso"],
        Filters = new Dictionary<string, IReadOnlyList<string>> { ["campaign_type"] = ["Sponsored Products"] },
    };

    private static ChatPlan Plan(string question, ChatScope? scope, ChatPlan? previous = null) =>
        QuestionParser.Parse(question, Vocabulary, previous, Today, scope).Plan ?? throw new Xunit.Sdk.XunitException($"Not understood: {question}");

    [Fact]
    public void The_dashboards_range_instances_and_filters_apply_when_the_question_names_none()
    {
        var plan = Plan("What was ROAS by campaign?", LastMonthContoso);
        plan.Range!.Start.Should().Be(new DateOnly(2026, 2, 1));
        plan.Range.End.Should().Be(new DateOnly(2026, 3, 1));
        plan.Range.Label.Should().Be("February 2026");
        plan.SourceIds.Should().Equal("demo-contoso");
        plan.Filters.Should().ContainKey("campaign_type").WhoseValue.Should().Equal("Sponsored Products");
        plan.GroupBy.Should().Equal("campaign");

        // Without a scope the planner's own default (the last 30 days, everything) holds.
        var plain = Plan("What was ROAS by campaign?", null);
        plain.Range!.Start.Should().Be(new DateOnly(2026, 2, 13));
        plain.SourceIds.Should().BeEmpty();
        plain.Filters.Should().BeEmpty();
    }

    [Fact]
    public void What_the_question_says_wins_over_the_dashboard()
    {
        var period = Plan("ROAS by campaign in Q3 2025", LastMonthContoso);
        period.Range!.Start.Should().Be(new DateOnly(2025, 7, 1));
        period.SourceIds.Should().ContainSingle().Which.Should().Be("demo-contoso", "only the period was named");

        var instance = Plan("spend for Northwind last month", LastMonthContoso);
        instance.SourceIds.Should().Equal("demo-northwind");

        var value = Plan("spend for Sponsored Brands", LastMonthContoso);
        value.Filters["campaign_type"].Should().Equal("Sponsored Brands");

        var everything = Plan("spend across all campaigns", LastMonthContoso);
        everything.SourceIds.Should().BeEmpty();
        everything.Filters.Should().BeEmpty();
        everything.Range!.Label.Should().Be("February 2026", "the dashboard's period still applies");

        // A follow-up leans on the previous turn, which carried the dashboard's filters.
        var followUp = Plan("and the month before?", LastMonthContoso, Plan("What was ROAS by campaign?", LastMonthContoso));
        followUp.Range!.Label.Should().Be("January 2026");
        followUp.SourceIds.Should().Equal("demo-contoso");
    }

    [Fact]
    public void A_dashboards_resolved_filters_become_a_scope_named_as_the_planner_names_periods()
    {
        var zone = TimeZoneInfo.Utc;
        var now = new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);
        var resolved = DashboardFilters.Resolve([new DashboardFilter("time", Preset: "last30days"), new DashboardFilter("instance", ["demo-contoso"]),
            new DashboardFilter("campaign", [])], now, zone);
        var scope = ChatScope.FromDashboard("d1", "Review", resolved, zone, Today);
        scope.Range.Should().Be(new DateRange(new DateOnly(2026, 2, 13), Today, PeriodKind.Days, "the last 30 days"));
        scope.SourceIds.Should().Equal("demo-contoso");
        scope.Filters.Should().BeEmpty("an empty filter keeps everything");
        scope.Describe(id => id == "demo-contoso" ? "Contoso Home (UK)" : id).Should().Be("the last 30 days · Contoso Home (UK)");

        ChatScope.RangeOf(new DateOnly(2025, 10, 1), new DateOnly(2026, 1, 1), "lastQuarter", Today).Label.Should().Be("Q4 2025");
        ChatScope.RangeOf(new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 1), "lastYear", Today).Kind.Should().Be(PeriodKind.Year);
        ChatScope.RangeOf(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), "lastWeek", Today).Kind.Should().Be(PeriodKind.Week);
        ChatScope.RangeOf(new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 10), null, Today).Label.Should().Be("Mar 3, 2026 – Mar 9, 2026");

        var tooMany = new ChatScope { Filters = new Dictionary<string, IReadOnlyList<string>> { ["campaign"] = Enumerable.Range(0, 101).Select(i => $"c{i}").ToList() } };
        tooMany.Invoking(s => s.Validated()).Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("context.filters.campaign");
    }

    [Fact]
    public void An_answer_becomes_a_widget_of_the_kind_its_shape_needs_without_its_dates()
    {
        // Stored answers hold their query as JSON: as the service reads it back.
        var stored = JsonSerializer.SerializeToElement(new SemanticQuery
        {
            Metrics = ["roas"], GroupBy = ["campaign"], Granularity = "none", Limit = 500, SourceIds = ["demo-contoso"],
            Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign_type"] = ["Sponsored Products"] },
            Sort = [new QuerySort("roas", true)], TimeZone = "UTC",
            TimeRange = new QueryTimeRange(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var viz = new ChatVisualization("bar", "roas by campaign, 2026-02-01 – 2026-02-28", stored, [], []);

        var widget = ChatWidgets.FromVisualization(viz);
        widget.Type.Should().Be("bar");
        widget.Config!.Title.Should().Be("roas by campaign");
        var q = widget.Config.Query!;
        q.Metrics.Should().Equal("roas");
        q.GroupBy.Should().Equal("campaign");
        q.SourceIds.Should().Equal("demo-contoso");
        q.Filters!["campaign_type"].Should().Equal("Sponsored Products");
        q.Sort.Should().Equal(new QuerySort("roas", true));
        q.TimeRange.Should().BeNull("the dashboard's time range applies");
        q.TimeZone.Should().BeNull();
        (widget with { Position = new WidgetPosition(0, 0, 6, 4) }).Problems().Should().BeEmpty();

        ChatWidgets.KindFor(new SemanticQuery { Metrics = ["spend", "sales"], GroupBy = [], Granularity = "week" }).Should().Be("line");
        ChatWidgets.KindFor(new SemanticQuery { Metrics = ["spend"], GroupBy = [] }).Should().Be("kpi");
        ChatWidgets.KindFor(new SemanticQuery { Metrics = ["spend", "sales"], GroupBy = [] }).Should().Be("table");
        ChatWidgets.KindFor(new SemanticQuery { Metrics = ["spend", "roas"], GroupBy = ["campaign"] }).Should().Be("table");

        // compare_periods records its own shape; its metrics and breakdown make the widget.
        var compare = new ChatVisualization("bar", "spend: 2026-02-01 – 2026-02-28 vs 2026-01-01 – 2026-01-31",
            new { metrics = new[] { "spend" }, groupBy = new[] { "campaign_type" }, current = new { start = "2026-02-01" }, filters = new { }, sourceIds = Array.Empty<string>() }, [], []);
        var fromCompare = ChatWidgets.FromVisualization(compare, "Spend by type");
        fromCompare.Type.Should().Be("bar");
        fromCompare.Config!.Title.Should().Be("Spend by type");
        fromCompare.Config.Query!.GroupBy.Should().Equal("campaign_type");

        // Lists and anomaly scans have no query a widget could repeat.
        var anomalies = new ChatVisualization("table", "Unusual days, 2026-03-08 – 2026-03-14", new { start = "2026-03-08", end = "2026-03-15", metrics = new[] { "spend" } }, [], []);
        FluentActions.Invoking(() => ChatWidgets.FromVisualization(anomalies)).Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("index");
        FluentActions.Invoking(() => ChatWidgets.FromVisualization(new ChatVisualization("table", "Metrics", null, [], []))).Should().Throw<ValidationException>();
    }

    [Fact]
    public void A_new_widget_takes_the_first_free_spot_and_nothing_moves()
    {
        WidgetPlacement.FirstFree([], 6, 4).Should().Be(new WidgetPosition(0, 0, 6, 4));
        WidgetPlacement.FirstFree([new WidgetPosition(0, 0, 6, 4)], 6, 4).Should().Be(new WidgetPosition(6, 0, 6, 4));
        WidgetPlacement.FirstFree([new WidgetPosition(0, 0, 12, 4)], 3, 2).Should().Be(new WidgetPosition(0, 4, 3, 2));
        // The first row's two free columns are too narrow; the third row has room on the right of a stored widget.
        WidgetPlacement.FirstFree([new WidgetPosition(0, 0, 10, 2), new WidgetPosition(0, 2, 6, 3)], 6, 4).Should().Be(new WidgetPosition(6, 2, 6, 4));
        WidgetPlacement.FirstFree([new WidgetPosition(0, 0, 10, 2), new WidgetPosition(0, 2, 6, 3)], 2, 2).Should().Be(new WidgetPosition(10, 0, 2, 2));
        WidgetPlacement.FirstFree([new WidgetPosition(0, 0, 12, 3), new WidgetPosition(0, 3, 12, 1)], 12, 4).Should().Be(new WidgetPosition(0, 4, 12, 4));
    }

    [Fact]
    public void Copy_puts_the_text_then_each_table_as_tab_separated_cells()
    {
        var turn = new ChatTurnView { Role = "assistant", Text = "ROAS by campaign, February 2026:\n• A: 3.10\n" };
        turn.Visualizations.Add(new ChatVisualization("bar", "roas by campaign", null, [new("campaign", "string", "Campaign"), new("roas", "number", "ROAS", "ratio")],
            [["Contoso\tRugs", 3.1], ["B", null]]));
        ChatState.CopyText(turn).Should().Be("ROAS by campaign, February 2026:\n• A: 3.10\n\nroas by campaign\nCampaign\tROAS\nContoso Rugs\t3.1\nB\t");
    }
}
