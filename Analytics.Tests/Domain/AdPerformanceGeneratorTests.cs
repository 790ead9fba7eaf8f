using Analytics.Domain.Demo;
using Analytics.Domain.Facts;

namespace Analytics.Tests.Domain;

public sealed class AdPerformanceGeneratorTests
{
    private static readonly DateOnly LastDay = new(2026, 3, 14);

    // Measure slots of the demo shape, looked up by name rather than assumed.
    private static readonly int Impressions = Slot("impressions");
    private static readonly int Clicks = Slot("clicks");
    private static readonly int Spend = Slot("spend");
    private static readonly int Sales = Slot("sales");

    private static int Slot(string measure) => DemoWorkspace.Measures().Single(m => m.Name == measure).Slot - 1;

    private static AdPerformanceGenerator For(DemoInstance instance) => new(AdPerformanceGenerator.ForInstance(instance, LastDay));

    private static DateOnly DayOf(long ts) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(ts).UtcDateTime);

    [Fact]
    public void Same_spec_produces_identical_rows()
    {
        var spec = AdPerformanceGenerator.ForInstance(DemoWorkspace.Instances[0], LastDay);

        var first = new AdPerformanceGenerator(spec).Rows().ToList();
        var second = new AdPerformanceGenerator(spec).Rows().ToList();

        second.Should().HaveSameCount(first);
        for (var i = 0; i < first.Count; i++)
        {
            second[i].Ts.Should().Be(first[i].Ts);
            second[i].Dimensions.Should().Equal(first[i].Dimensions);
            second[i].Measures.Should().Equal(first[i].Measures);
        }
        new AdPerformanceGenerator(spec).Anomalies.Should().BeEquivalentTo(new AdPerformanceGenerator(spec).Anomalies);
    }

    [Fact]
    public void Instances_get_different_data()
    {
        var a = For(DemoWorkspace.Instances[0]).Rows().First();
        var b = For(DemoWorkspace.Instances[1]).Rows().First();

        b.Measures.Should().NotEqual(a.Measures);
    }

    [Fact]
    public void Demo_workspace_has_at_least_twenty_campaigns()
    {
        var campaigns = DemoWorkspace.Instances
            .SelectMany(i => For(i).Rows().Select(r => r.Dimensions[0]))
            .Distinct()
            .Count();

        campaigns.Should().BeGreaterThanOrEqualTo(20);
    }

    [Fact]
    public void Each_series_covers_731_consecutive_days_ending_on_the_last_day()
    {
        var rows = For(DemoWorkspace.Instances[2]).Rows().ToList();

        foreach (var series in rows.GroupBy(r => (r.Dimensions[0], r.Dimensions[1])))
        {
            var days = series.Select(r => DayOf(r.Ts)).ToList();
            days.Should().HaveCount(731).And.OnlyHaveUniqueItems().And.BeInAscendingOrder();
            days[^1].Should().Be(LastDay);
            days[0].Should().Be(LastDay.AddDays(-730));
            series.Should().OnlyContain(r => r.Ts % 86400 == 0, "timestamps are UTC midnights");
        }
    }

    [Fact]
    public void Row_count_matches_the_rows_produced()
    {
        var generator = For(DemoWorkspace.Instances[1]);

        generator.Rows().LongCount().Should().Be(generator.RowCount);
    }

    [Fact]
    public void Rows_are_plausible_ad_metrics()
    {
        var rows = For(DemoWorkspace.Instances[0]).Rows().ToList();

        rows.Should().OnlyContain(r => r.Measures.All(m => m.HasValue && m.Value >= 0));
        rows.Should().OnlyContain(r => r.Measures[Clicks] <= r.Measures[Impressions]);
        rows.Select(r => r.DimHash).Distinct().Count().Should().Be(rows.Select(r => (r.Dimensions[0], r.Dimensions[1])).Distinct().Count());
    }

    [Fact]
    public void Anomalies_are_planned_after_eight_weeks_of_history_on_distinct_days()
    {
        foreach (var instance in DemoWorkspace.Instances)
        {
            var generator = For(instance);

            generator.Anomalies.Should().HaveCount(generator.Spec.AnomaliesPerSource);
            generator.Anomalies.Should().OnlyContain(a => a.DayIndex >= 56 && a.DayIndex < generator.Spec.Days);
            generator.Anomalies.Select(a => a.DayIndex).Should().OnlyHaveUniqueItems();
            generator.Anomalies.Should().OnlyContain(a => a.Day == LastDay.AddDays(a.DayIndex - (generator.Spec.Days - 1)));
            generator.Anomalies.Should().OnlyContain(a => generator.Spec.Campaigns[a.CampaignIndex].Name == a.Campaign);
        }
    }

    [Fact]
    public void Anomalies_are_visible_against_the_same_weekday_median()
    {
        var kinds = new HashSet<string>();
        foreach (var instance in DemoWorkspace.Instances)
        {
            var generator = For(instance);
            var rows = generator.Rows().ToList();
            foreach (var anomaly in generator.Anomalies)
            {
                var slot = anomaly.Metric switch
                {
                    "spend" => Spend,
                    "sales" => Sales,
                    "impressions" => Impressions,
                    "clicks" => Clicks,
                    _ => throw new InvalidOperationException($"Unexpected anomaly metric {anomaly.Metric}"),
                };
                // The campaign's daily total of the metric (all its ASINs), by day.
                var daily = rows.Where(r => r.Dimensions[0] == anomaly.Campaign)
                    .GroupBy(r => DayOf(r.Ts))
                    .ToDictionary(g => g.Key, g => g.Sum(r => r.Measures[slot]!.Value));
                var sameWeekday = Enumerable.Range(-6, 13).Where(w => w != 0)
                    .Select(w => anomaly.Day.AddDays(7 * w))
                    .Where(daily.ContainsKey)
                    .Select(d => daily[d])
                    .Order()
                    .ToList();
                var median = sameWeekday[sameWeekday.Count / 2];
                var ratio = daily[anomaly.Day] / median;

                if (anomaly.Factor > 1) ratio.Should().BeGreaterThan(2, $"{anomaly.Description} on {anomaly.Day} ({instance.SourceId}) should stand out");
                else ratio.Should().BeLessThan(0.5, $"{anomaly.Description} on {anomaly.Day} ({instance.SourceId}) should stand out");
                kinds.Add(anomaly.Metric);
            }
        }

        kinds.Should().BeEquivalentTo("spend", "sales", "impressions", "clicks");
    }

    [Fact]
    public void Weekly_seasonality_makes_sundays_busier_than_fridays()
    {
        var rows = DemoWorkspace.Instances.SelectMany(i => For(i).Rows()).ToList();

        double MeanImpressions(DayOfWeek day) => rows.Where(r => DayOf(r.Ts).DayOfWeek == day).Average(r => r.Measures[Impressions]!.Value);

        MeanImpressions(DayOfWeek.Sunday).Should().BeGreaterThan(MeanImpressions(DayOfWeek.Friday) * 1.1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(1_000)]
    [InlineData(7_311)]
    [InlineData(25_000)]
    [InlineData(100_000)]
    public void ForRowCount_yields_at_least_the_requested_rows_and_not_many_more(long requested)
    {
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForRowCount(requested, LastDay));

        var produced = generator.Rows().LongCount();

        produced.Should().Be(generator.RowCount);
        produced.Should().BeGreaterThanOrEqualTo(requested);
        produced.Should().BeLessThanOrEqualTo(requested + Math.Max(requested / 100, 10), "the spec is sized to roughly the requested count");
    }

    [Fact]
    public void ForRowCount_sizes_millions_of_rows_closely()
    {
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForRowCount(5_000_000, LastDay));

        generator.RowCount.Should().BeInRange(5_000_000, 5_050_000);
        generator.Spec.Days.Should().BeGreaterThan(700, "bulk data spans about two years");
    }

    [Fact]
    public void ForRowCount_never_fails_for_small_histories()
    {
        // Histories just over the eight weeks before the first anomaly leave little room between anomalies.
        for (long requested = 1; requested <= 1_000; requested++)
        {
            var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForRowCount(requested, LastDay));

            var act = () => generator.Rows().LongCount();

            act.Should().NotThrow($"{requested} rows should generate").Which.Should().Be(generator.RowCount);
            generator.Anomalies.Select(a => (a.CampaignIndex, a.DayIndex)).Should().OnlyHaveUniqueItems();
        }
    }
}
