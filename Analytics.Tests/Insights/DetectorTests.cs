using Analytics.Domain.Insights;

namespace Analytics.Tests.Insights;

public sealed class DetectorTests
{
    private static readonly DateOnly Start = new(2025, 1, 5); // a Sunday

    private static double[] Weekly(int days, Func<int, double>? shape = null)
    {
        double[] week = [180, 100, 102, 100, 97, 93, 150];
        var rng = new Random(7);
        return Enumerable.Range(0, days).Select(d => week[d % 7] * (shape?.Invoke(d) ?? 1) * (1 + 0.03 * (rng.NextDouble() - 0.5))).ToArray();
    }

    [Fact]
    public void Weekly_cycle_alone_raises_no_anomaly()
    {
        var found = new AnomalyDetector().Detect(new DailySeries("a", Start, Weekly(140)));

        found.Should().BeEmpty();
    }

    [Fact]
    public void A_tripled_weekday_is_flagged_with_its_expected_value()
    {
        var values = Weekly(140);
        values[100] *= 3;

        var found = new AnomalyDetector().Detect(new DailySeries("a", Start, values));

        var point = found.Should().ContainSingle().Subject;
        point.Day.Should().Be(Start.AddDays(100));
        point.RelativeChange.Should().BeApproximately(2.0, 0.15);
        point.Expected.Should().BeApproximately(values[100] / 3, values[100] * 0.05);
        point.Z.Should().BeGreaterThan(5);
    }

    [Fact]
    public void A_shift_all_peers_share_is_not_an_anomaly_of_each()
    {
        var group = Enumerable.Range(0, 5)
            .Select(k => new DailySeries($"c{k}", Start, Weekly(140, d => (k + 1) * (d is >= 100 and <= 104 ? 2.5 : 1))))
            .ToList();

        new AnomalyDetector().DetectGroup(group).Should().BeEmpty();
        new AnomalyDetector().Detect(group[0]).Should().NotBeEmpty("alone, the shared peak looks unusual");
    }

    [Fact]
    public void Trend_detector_reports_theil_sen_slope_and_a_significant_mann_kendall_test()
    {
        double[] values = [10, 11, 12, 13, 14, 15, 16, 17, 18, 50];

        var result = TrendDetector.Analyze(values);

        result.Slope.Should().BeApproximately(1, 1e-9, "the median pairwise slope ignores the outlier");
        result.S.Should().Be(45);
        result.PValue.Should().BeLessThan(0.001);
        result.PercentChange.Should().BeApproximately(0.9, 1e-9);
        result.Direction.Should().Be(TrendDirection.Up);
        new TrendDetector().Detect(values).Should().NotBeNull();
    }

    [Fact]
    public void Trend_detector_ignores_noise_without_direction()
    {
        double[] values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12];

        TrendDetector.Analyze(values).PValue.Should().BeGreaterThan(0.3);
        new TrendDetector().Detect(values).Should().BeNull();
    }
}

public sealed class InsightJobTests
{
    [Theory]
    [InlineData("2026-03-16", "2026-03-15")] // Monday → the Sunday before
    [InlineData("2026-03-15", "2026-03-08")] // Sunday itself is not complete yet
    [InlineData("2026-03-21", "2026-03-15")] // Saturday
    public void Weekly_summary_covers_the_last_complete_monday_to_sunday_week(string today, string weekEnd) =>
        Analytics.Jobs.WeeklyInsightSummaryJob.LastCompleteWeekEnd(DateOnly.Parse(today)).Should().Be(DateOnly.Parse(weekEnd));
}
