using Analytics.Data.Insights;
using Analytics.Domain.Insights;

namespace Analytics.Tests.Insights;

/// <summary>The words of insight e-mails: one insight alone, and a digest.</summary>
public sealed class InsightComposerTests
{
    private static Insight Anomaly(string id, string campaign) => new()
    {
        Id = id, Key = id, Type = InsightType.Anomaly, SourceId = "demo-northwind", Dataset = "ad_performance", SegmentDimension = "campaign",
        Segment = campaign, Metric = "spend", PeriodStart = new DateOnly(2026, 2, 7), PeriodEnd = new DateOnly(2026, 2, 7), Magnitude = 2.54,
        Confidence = 0.999, Priority = InsightPriority.Critical, Title = $"Spend spike in {campaign}",
        Text = $"Spend +254% on Sat 7 Feb 2026 in campaign {campaign}: 2,387 against about 673 expected for that weekday (robust z = 9.1).",
    };

    private static readonly Dictionary<string, string> Names = new() { ["demo-northwind"] = "Northwind Outdoor (US)" };

    [Fact]
    public void One_insight_is_mailed_with_its_numbers_context_and_an_absolute_link_to_its_chart()
    {
        var email = InsightComposer.Single(Anomaly("i-1", "Tents - Auto"), "https://analytics.example.test/", Names);

        email.Subject.Should().Be("[Critical] Spend spike in Tents - Auto");
        email.Body.Should().Contain("2,387 against about 673 expected")
            .And.Contain("Anomaly · Northwind Outdoor (US) · Sat 7 Feb 2026 · change +254% · confidence 100%")
            .And.Contain("Chart: https://analytics.example.test/insights?id=i-1");
    }

    [Fact]
    public void A_digest_lists_each_insight_with_its_own_link_and_counts_them_in_the_subject()
    {
        var email = InsightComposer.Digest([Anomaly("i-1", "A"), Anomaly("i-2", "B")], "weekly", null, Names);

        email.Subject.Should().Be("Your weekly insights digest: 2 new insights");
        email.Body.Should().Contain("• [Critical] Spend spike in A").And.Contain("• [Critical] Spend spike in B")
            .And.Contain("Chart: /insights?id=i-1").And.Contain("Chart: /insights?id=i-2");
    }
}
