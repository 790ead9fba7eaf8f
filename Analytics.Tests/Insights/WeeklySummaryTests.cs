using Analytics.Domain.Demo;
using Analytics.Domain.Insights;
using Xunit.Abstractions;
using static System.FormattableString;

namespace Analytics.Tests.Insights;

public sealed class WeeklySummaryTests(ITestOutputHelper output)
{
    private static readonly DateOnly WeekEnd = new(2026, 3, 8);

    private static SegmentDay Row(string campaign, DateOnly day, double spend, double sales) =>
        new(campaign, day, new Dictionary<string, double> { ["spend"] = spend, ["sales"] = sales });

    [Fact]
    public void Summary_reads_spend_roas_and_the_driving_campaign()
    {
        // Previous week: A 60/246, B 40/164 → spend 100, sales 410, ROAS 4.1. This week: A 70/252, B 42/151.2 → 112, 403.2, 3.6.
        var before = WeekEnd.AddDays(-10);
        var after = WeekEnd.AddDays(-2);
        SegmentDay[] rows =
        [
            Row("A", before, 60, 246), Row("B", before, 40, 164),
            Row("A", after, 70, 252), Row("B", after, 42, 151.2),
            Row("A", WeekEnd.AddDays(-20), 999, 999), // older than two weeks: ignored
        ];

        var summary = WeeklySummaryBuilder.Build(rows, WeekEnd);

        summary.Text.Should().Be("Spend up 12% week over week (100 → 112), sales down 2% (410 → 403), ROAS down from 4.1 to 3.6, driven by campaign A (spend +10).");
        summary.RoasPrevious.Should().BeApproximately(4.1, 1e-9);
        summary.RoasCurrent.Should().BeApproximately(3.6, 1e-9);
        summary.Driver!.Segment.Should().Be("A");
    }

    [Fact]
    public void Summary_of_a_demo_instance_matches_numbers_computed_from_the_generated_rows()
    {
        var instance = DemoWorkspace.Instances[0];
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(instance, WeekEnd));
        var rows = generator.Rows().ToList();
        int spendSlot = Slot("spend"), salesSlot = Slot("sales");

        var summary = WeeklySummaryBuilder.Build(rows.Select(r => new SegmentDay(r.Dimensions[0]!, DayOf(r.Ts),
            DemoWorkspace.Measures().ToDictionary(m => m.Name, m => r.Measures[m.Slot - 1] ?? 0))), WeekEnd);
        output.WriteLine(summary.Text);

        // Independently: sum the raw rows of the two weeks.
        bool ThisWeek(long ts) => DayOf(ts) > WeekEnd.AddDays(-7) && DayOf(ts) <= WeekEnd;
        bool LastWeek(long ts) => DayOf(ts) > WeekEnd.AddDays(-14) && DayOf(ts) <= WeekEnd.AddDays(-7);
        double spend1 = 0, spend0 = 0, sales1 = 0, sales0 = 0;
        var byCampaign = new Dictionary<string, (double Spend0, double Spend1, double Sales0, double Sales1)>();
        foreach (var r in rows)
        {
            var (s, v) = (r.Measures[spendSlot]!.Value, r.Measures[salesSlot]!.Value);
            var c = byCampaign.GetValueOrDefault(r.Dimensions[0]!);
            if (ThisWeek(r.Ts)) { spend1 += s; sales1 += v; c = (c.Spend0, c.Spend1 + s, c.Sales0, c.Sales1 + v); }
            else if (LastWeek(r.Ts)) { spend0 += s; sales0 += v; c = (c.Spend0 + s, c.Spend1, c.Sales0 + v, c.Sales1); }
            byCampaign[r.Dimensions[0]!] = c;
        }
        var spendPct = (spend1 - spend0) / spend0 * 100;
        var salesPct = (sales1 - sales0) / sales0 * 100;
        var headlineIsSpend = Math.Abs(spendPct) >= Math.Abs(salesPct);
        var driver = byCampaign
            .Select(kv => (Campaign: kv.Key, Delta: headlineIsSpend ? kv.Value.Spend1 - kv.Value.Spend0 : kv.Value.Sales1 - kv.Value.Sales0))
            .Where(d => Math.Sign(d.Delta) == Math.Sign(headlineIsSpend ? spend1 - spend0 : sales1 - sales0))
            .MaxBy(d => Math.Abs(d.Delta));

        summary.Total("spend").Current.Should().BeApproximately(spend1, 0.01);
        summary.Total("spend").Previous.Should().BeApproximately(spend0, 0.01);
        summary.RoasCurrent.Should().BeApproximately(sales1 / spend1, 1e-9);
        summary.RoasPrevious.Should().BeApproximately(sales0 / spend0, 1e-9);
        summary.Driver!.Segment.Should().Be(driver.Campaign);
        summary.Text.Should().StartWith(Invariant($"Spend {(spendPct > 0 ? "up" : "down")} {Math.Abs(spendPct):0}% week over week ({spend0:#,0} → {spend1:#,0})"))
            .And.Contain(Invariant($"sales {(salesPct > 0 ? "up" : "down")} {Math.Abs(salesPct):0}% ({sales0:#,0} → {sales1:#,0})"))
            .And.Contain(Invariant($"from {sales0 / spend0:0.0} to {sales1 / spend1:0.0}"))
            .And.EndWith(Invariant($"driven by campaign {driver.Campaign} ({(headlineIsSpend ? "spend" : "sales")} {(driver.Delta >= 0 ? "+" : "−")}{Math.Abs(driver.Delta):#,0})."));
    }

    private static int Slot(string measure) => DemoWorkspace.Measures().Single(m => m.Name == measure).Slot - 1;

    private static DateOnly DayOf(long ts) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(ts).UtcDateTime);
}
