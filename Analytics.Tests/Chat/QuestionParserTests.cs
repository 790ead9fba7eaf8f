using Analytics.Domain.Chat;

namespace Analytics.Tests.Chat;

/// <summary>The offline planner and its time expressions, without a database: "today" is Sunday 2026-03-15.</summary>
public sealed class QuestionParserTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static readonly ChatVocabulary Vocabulary = new(
        [
            new("spend", "Spend", "", "currency", false), new("sales", "Sales", "", "currency", true), new("roas", "ROAS", "", "ratio", true),
            new("acos", "ACOS", "", "percent", false), new("cpc", "CPC", "", "currency", false), new("clicks", "Clicks", "", "integer", true),
        ],
        [
            new("campaign", "Campaign", ["Contoso - Rugs - Broad", "Contoso - Bath Towels - Brand", "Northwind - Tents - Auto", "Northwind - Camping Stoves - Broad"]),
            new("asin", "ASIN", ["B0ABCDEFGH"]),
            new("campaign_type", "Campaign type", ["Sponsored Products", "Sponsored Brands", "Sponsored Display"]),
        ],
        [new("demo-contoso", "Contoso Home (UK)"), new("demo-northwind", "Northwind Outdoor (US)")]);

    private static ChatPlan Plan(string question, ChatPlan? previous = null) =>
        QuestionParser.Parse(question, Vocabulary, previous, Today).Plan ?? throw new Xunit.Sdk.XunitException($"Not understood: {question}");

    [Theory]
    [InlineData("spend last week", "2026-03-02", "2026-03-09")]
    [InlineData("spend last month", "2026-02-01", "2026-03-01")]
    [InlineData("spend over the last three months", "2025-12-01", "2026-03-01")]
    [InlineData("spend in the last 30 days", "2026-02-13", "2026-03-15")]
    [InlineData("spend in Q3 2025", "2025-07-01", "2025-10-01")]
    [InlineData("spend since June", "2025-06-01", "2026-03-15")]
    [InlineData("spend in June", "2025-06-01", "2025-07-01")]
    [InlineData("spend in March", "2025-03-01", "2025-04-01")]
    [InlineData("spend yesterday", "2026-03-14", "2026-03-15")]
    [InlineData("spend this month", "2026-03-01", "2026-03-15")]
    [InlineData("spend in 2025", "2025-01-01", "2026-01-01")]
    [InlineData("spend between 2025-06-01 and 2025-06-30", "2025-06-01", "2025-07-01")]
    [InlineData("spend last quarter", "2025-10-01", "2026-01-01")]
    [InlineData("spend", "2026-02-13", "2026-03-15")]
    public void Time_expressions_resolve_to_whole_days(string question, string start, string end)
    {
        var plan = Plan(question);
        plan.Range!.Start.Should().Be(DateOnly.Parse(start));
        plan.Range.End.Should().Be(DateOnly.Parse(end));
    }

    [Fact]
    public void Same_period_last_year_compares_with_the_days_a_year_earlier()
    {
        var plan = Plan("sales this month compared to the same period last year");
        plan.Intent.Should().Be(ChatIntent.Compare);
        plan.CompareTo!.Start.Should().Be(new DateOnly(2025, 3, 1));
        plan.CompareTo.End.Should().Be(new DateOnly(2025, 3, 15));
    }

    [Fact]
    public void Synonyms_name_metrics_longest_first()
    {
        Plan("return on ad spend last month").Metrics.Should().Equal("roas");
        Plan("cost per click and sales last week").Metrics.Should().Equal("cpc", "sales");
        Plan("advertising cost of sales in 2025").Metrics.Should().Equal("acos");
    }

    [Fact]
    public void Values_are_found_by_name_fuzzily_and_instances_by_their_name()
    {
        Plan("spend on tent last month").Filters["campaign"].Should().Equal("Northwind - Tents - Auto");
        Plan("spend for the bath towel campaign").Filters["campaign"].Should().Equal("Contoso - Bath Towels - Brand");
        Plan("ROAS for Contso last month").SourceIds.Should().Equal("demo-contoso");
        var typed = Plan("ACOS for Sponsored Products last month");
        typed.Filters["campaign_type"].Should().Equal("Sponsored Products");
        typed.GroupBy.Should().BeEmpty("\"products\" belongs to the value here, it is not a breakdown by ASIN");
        Plan("sales for B0ABCDEFGH").Filters["asin"].Should().Equal("B0ABCDEFGH");
    }

    [Fact]
    public void Follow_ups_lean_on_the_previous_plan()
    {
        var first = Plan("What was our ROAS by campaign last month?");
        first.GroupBy.Should().Equal("campaign");
        var before = Plan("and the month before?", first);
        before.Metrics.Should().Equal("roas");
        before.GroupBy.Should().Equal("campaign");
        before.Range!.Start.Should().Be(new DateOnly(2026, 1, 1));
        before.Range.End.Should().Be(new DateOnly(2026, 2, 1));

        var total = Plan("What was our spend last month?");
        Plan("and by campaign?", total).GroupBy.Should().Equal("campaign");
        Plan("only for Contoso", total).SourceIds.Should().Equal("demo-contoso");
        Plan("what about clicks?", total).Metrics.Should().Equal("clicks");
        var top = Plan("top 2", Plan("Spend by campaign type last month"));
        top.Intent.Should().Be(ChatIntent.TopN);
        top.Limit.Should().Be(2);
    }

    [Fact]
    public void Top_and_bottom_follow_whether_higher_is_better()
    {
        var worst = Plan("worst 3 campaigns by ACOS last month");
        worst.Intent.Should().Be(ChatIntent.TopN);
        worst.Descending.Should().BeTrue("a high ACOS is bad");
        Plan("best 3 campaigns by ACOS last month").Descending.Should().BeFalse();
        Plan("which campaign had the highest ROAS last month?").Limit.Should().Be(1);
    }

    [Fact]
    public void Trends_anomalies_and_catalog_questions_are_told_apart()
    {
        Plan("weekly sales trend over the last three months").Granularity.Should().Be("week");
        Plan("daily spend last week").Intent.Should().Be(ChatIntent.Trend);
        Plan("anything unusual last week?").Intent.Should().Be(ChatIntent.Anomalies);
        Plan("What is ACOS?").Intent.Should().Be(ChatIntent.DescribeMetric);
        Plan("what metrics are available?").Intent.Should().Be(ChatIntent.ListMetrics);
    }

    [Theory]
    [InlineData("What's the weather in Paris?")]
    [InlineData("Tell me a joke")]
    [InlineData("'; DROP TABLE facts; --")]
    public void Says_plainly_when_it_does_not_understand(string question)
    {
        var outcome = QuestionParser.Parse(question, Vocabulary, null, Today);
        outcome.Plan.Should().BeNull();
        outcome.NotUnderstood.Should().NotBeNullOrEmpty();
    }
}
