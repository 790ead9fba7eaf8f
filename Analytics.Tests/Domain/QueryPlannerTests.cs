using Analytics.Domain;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Tests.Domain;

public sealed class QueryPlannerTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static long T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    private static Dataset Ads(int id, string source, string key = "ads", string grain = "day", List<DimensionField>? dimensions = null) => new()
    {
        Id = id, Key = key, Name = "Ads", SourceId = source, Grain = grain,
        Dimensions = dimensions ?? [new("campaign", "Campaign", 1), new("asin", "ASIN", 2)],
        Measures = [new("impressions", "Impressions", 1), new("clicks", "Clicks", 2), new("spend", "Spend", 3), new("sales", "Sales", 4), new("reach", "Reach", 5, Additive: false)],
    };

    private static SemanticQuery Query(string granularity, params string[] metrics) => new()
    {
        Metrics = metrics, Granularity = granularity,
        TimeRange = new QueryTimeRange(DateTimeOffset.Parse("2025-01-01T00:00:00Z"), DateTimeOffset.Parse("2025-03-01T00:00:00Z")),
    };

    private static QueryPlan Plan(SemanticQuery query, params Dataset[] datasets) =>
        QueryPlanner.Plan(NormalizedQuery.From(query, null), datasets, new MetricResolver(BuiltInMetrics.All));

    private static string Describe(IReadOnlyList<ReadSegment> segments) => string.Join(" ", segments.Select(s =>
        $"{s.Table.ToString().ToLowerInvariant()}[{DateTimeOffset.FromUnixTimeSeconds(s.Start):MM-dd},{DateTimeOffset.FromUnixTimeSeconds(s.End):MM-dd})"));

    [Fact]
    public void Whole_UTC_months_by_month_read_the_monthly_rollup_only() =>
        Describe(QueryPlanner.Segments(T("2025-01-01T00:00:00Z"), T("2026-01-01T00:00:00Z"), Granularity.Month, TimeZoneInfo.Utc, [FactTable.Month, FactTable.Week]))
            .Should().Be("month[01-01,01-01)");

    [Fact]
    public void A_total_over_a_ragged_range_reads_months_in_the_middle_weeks_next_to_them_and_raw_days_at_the_edges() =>
        Describe(QueryPlanner.Segments(T("2025-01-15T00:00:00Z"), T("2025-06-20T00:00:00Z"), Granularity.None, TimeZoneInfo.Utc, [FactTable.Month, FactTable.Week]))
            .Should().Be("raw[01-15,01-20) week[01-20,01-27) raw[01-27,02-01) month[02-01,06-01) raw[06-01,06-02) week[06-02,06-16) raw[06-16,06-20)");

    [Fact]
    public void Months_in_another_time_zone_or_daily_buckets_never_read_rollups_that_would_mix_buckets()
    {
        Describe(QueryPlanner.Segments(T("2025-01-01T00:00:00Z"), T("2026-01-01T00:00:00Z"), Granularity.Month, Berlin, [FactTable.Month, FactTable.Week]))
            .Should().Be("raw[01-01,01-01)");
        Describe(QueryPlanner.Segments(T("2025-01-06T00:00:00Z"), T("2025-02-03T00:00:00Z"), Granularity.Day, TimeZoneInfo.Utc, [FactTable.Month, FactTable.Week]))
            .Should().StartWith("raw");
        Describe(QueryPlanner.Segments(T("2025-01-06T00:00:00Z"), T("2025-02-03T00:00:00Z"), Granularity.Week, TimeZoneInfo.Utc, [FactTable.Month, FactTable.Week]))
            .Should().Be("week[01-06,02-03)");
    }

    [Fact]
    public void Derived_metrics_read_their_base_measures_from_every_dataset_that_has_them()
    {
        var plan = Plan(Query("week", "roas", "ctr"), Ads(1, "a"), Ads(2, "b"));
        plan.BaseMeasures.Should().Equal("sales", "spend", "clicks", "impressions");
        plan.Datasets.Should().HaveCount(2);
        plan.Datasets[0].Measures.Select(m => m.Slot).Should().Equal(4, 3, 2, 1);
    }

    [Fact]
    public void One_source_answers_from_one_of_its_datasets_the_finest_grained_then_the_oldest_never_their_sum()
    {
        var weeklyReport = Ads(1, "a", "report_x", "week");
        var daily = Ads(5, "a");
        var laterDaily = Ads(9, "a", "report_y");
        var other = Ads(3, "b");
        var plan = Plan(Query("week", "spend"), weeklyReport, laterDaily, daily, other);
        plan.Datasets.Select(d => d.Dataset.Id).Should().Equal(5, 3);

        // Only a dataset that has the asked dimension answers for its source, whatever its grain or age.
        var paths = Ads(2, "a", "paths", "week", [new("path", "Path", 1)]);
        Plan(Query("week", "spend") with { GroupBy = ["path"] }, daily, paths).Datasets.Single().Dataset.Key.Should().Be("paths");
        Plan(Query("week", "spend"), paths, daily).Datasets.Single().Dataset.Id.Should().Be(5);
    }

    [Fact]
    public void Unknown_metrics_dimensions_and_sort_columns_are_rejected_naming_the_field()
    {
        var query = Query("day", "roas", "nonsense") with { GroupBy = ["campaign", "planet"], Sort = [new QuerySort("clicks")] };
        var act = () => Plan(query, Ads(1, "a"));
        act.Should().Throw<ValidationException>().Which.Errors.Keys.Should().BeEquivalentTo("metrics[1]", "groupBy[1]", "sort[0].by");
    }

    [Fact]
    public void A_non_additive_measure_is_refused_at_a_coarser_grain_or_across_segments_and_added_up_across_instances_with_a_warning()
    {
        var weekly = () => Plan(Query("week", "reach") with { GroupBy = ["campaign", "asin"] }, Ads(1, "a"));
        weekly.Should().Throw<ValidationException>().Which.Errors["metrics"].Single().Should().Contain("not additive").And.Contain("week");

        var acrossAsins = () => Plan(Query("day", "reach") with { GroupBy = ["campaign"] }, Ads(1, "a"));
        acrossAsins.Should().Throw<ValidationException>().Which.Errors["metrics"].Single().Should().Contain("asin");

        var acrossInstances = Plan(Query("day", "reach") with { GroupBy = ["campaign", "asin"] }, Ads(1, "a"), Ads(2, "b"));
        acrossInstances.Datasets.Should().HaveCount(2);
        acrossInstances.Warnings.Should().ContainSingle(w => w.Contains("'reach' is a distinct count per instance") && w.Contains("2 instances"));
        var acrossAsinsOfTwo = () => Plan(Query("day", "reach") with { GroupBy = ["campaign"] }, Ads(1, "a"), Ads(2, "b"));
        acrossAsinsOfTwo.Should().Throw<ValidationException>().Which.Errors["metrics"].Single().Should().Contain("asin");

        var exact = Plan(Query("day", "reach") with { GroupBy = ["campaign"], Filters = new Dictionary<string, IReadOnlyList<string?>> { ["asin"] = ["B01"] } }, Ads(1, "a"));
        exact.Datasets.Single().Segments.Should().OnlyContain(s => s.Table == FactTable.Raw);
    }

    [Fact]
    public void Query_shape_errors_name_each_field()
    {
        var act = () => NormalizedQuery.From(new SemanticQuery
        {
            Metrics = [], Granularity = "fortnight", Limit = 0, TimeZone = "Nowhere/Special",
            TimeRange = new QueryTimeRange(DateTimeOffset.Parse("2025-02-01T00:00:00Z"), DateTimeOffset.Parse("2025-01-01T00:00:00Z")),
        }, null);
        act.Should().Throw<ValidationException>().Which.Errors.Keys.Should().BeEquivalentTo("metrics", "granularity", "limit", "timeZone", "timeRange");
    }
}

/// <summary>The planner's choice between full rollups, day projections and raw facts, from row counts.</summary>
public sealed class ProjectionPlannerTests
{
    private static readonly Dataset Ads = new()
    {
        Id = 7, Key = "ads", Name = "Ads", SourceId = "s", Grain = "day",
        Dimensions = [new("campaign", "Campaign", 1), new("asin", "ASIN", 2), new("campaign_type", "Type", 3)],
        Measures = [new("spend", "Spend", 3), new("sales", "Sales", 4), new("bid", "Bid", 5, Aggregation.Avg)],
    };

    /// <summary>The 1M-row benchmark's shape: 137 campaigns × 10 ASINs × 730 days.</summary>
    private static readonly FactProjection[] Stats =
    [
        new() { DatasetId = 7, Grain = FactRollup.Week, Dimensions = FactProjection.AllDimensions, RowCount = 143_850 },
        new() { DatasetId = 7, Grain = FactRollup.Month, Dimensions = FactProjection.AllDimensions, RowCount = 34_250 },
        new() { DatasetId = 7, Grain = FactProjection.Day, Dimensions = 0, RowCount = 730 },
        new() { DatasetId = 7, Grain = FactProjection.Day, Dimensions = 0b100, RowCount = 2_190 },
        new() { DatasetId = 7, Grain = FactProjection.Day, Dimensions = 0b101, RowCount = 100_010 },
    ];

    private static DatasetRead Read(string granularity, string[] metrics, string[] groupBy, string? zone = null, IReadOnlyList<FactProjection>? stats = null,
        string from = "2025-01-01T00:00:00Z", string to = "2026-01-01T00:00:00Z")
    {
        var query = new SemanticQuery
        {
            Metrics = metrics, GroupBy = groupBy, Granularity = granularity, TimeZone = zone,
            TimeRange = new QueryTimeRange(DateTimeOffset.Parse(from), DateTimeOffset.Parse(to)),
        };
        return QueryPlanner.Plan(NormalizedQuery.From(query, null), [Ads], new MetricResolver(BuiltInMetrics.All), stats ?? Stats).Datasets.Single();
    }

    [Fact]
    public void Daily_ROAS_by_campaign_reads_the_smallest_projection_that_keeps_the_campaign()
    {
        var read = Read("day", ["roas"], ["campaign"]);
        read.Projection.Should().Be(0b101);
        read.Segments.Should().Equal(new ReadSegment(FactTable.Day, DateTimeOffset.Parse("2025-01-01T00:00:00Z").ToUnixTimeSeconds(), DateTimeOffset.Parse("2026-01-01T00:00:00Z").ToUnixTimeSeconds()));
    }

    [Fact]
    public void Monthly_totals_read_the_totals_projection_not_the_monthly_rollup() =>
        Read("month", ["spend", "sales"], []).Should().Match<DatasetRead>(r => r.Projection == 0 && r.Segments.All(s => s.Table == FactTable.Day));

    [Fact]
    public void A_filter_counts_as_a_dimension_the_projection_must_keep()
    {
        var query = new SemanticQuery
        {
            Metrics = ["spend"], Granularity = "month", Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["x"] },
            TimeRange = new QueryTimeRange(DateTimeOffset.Parse("2025-01-01T00:00:00Z"), DateTimeOffset.Parse("2026-01-01T00:00:00Z")),
        };
        var read = QueryPlanner.Plan(NormalizedQuery.From(query, null), [Ads], new MetricResolver(BuiltInMetrics.All), Stats).Datasets.Single();
        // 12 months × 34,250 / 24 rows from the monthly rollup beat 365 × 137 from the (campaign, type) projection.
        read.Projection.Should().BeNull();
        read.Segments.Should().OnlyContain(s => s.Table == FactTable.Month);
    }

    [Fact]
    public void No_projection_keeps_the_ASIN_so_by_ASIN_reads_rollups_and_raw_facts() =>
        Read("week", ["spend"], ["asin"], from: "2025-01-06T00:00:00Z", to: "2025-12-29T00:00:00Z")
            .Should().Match<DatasetRead>(r => r.Projection == null && r.Segments.All(s => s.Table == FactTable.Week));

    [Fact]
    public void Day_projections_keep_each_facts_time_so_they_answer_days_and_hours_in_another_zone()
    {
        Read("day", ["roas"], ["campaign"], zone: "America/New_York").Should().Match<DatasetRead>(r => r.Projection == 0b101 && r.Segments.All(s => s.Table == FactTable.Day));
        Read("hour", ["spend"], ["campaign_type"], zone: "Asia/Kolkata", from: "2025-03-01T00:00:00Z", to: "2025-03-03T00:00:00Z")
            .Should().Match<DatasetRead>(r => r.Projection == 0b100 && r.Segments.All(s => s.Table == FactTable.Day));
    }

    [Fact]
    public void Day_projections_answer_whole_days_of_a_zone_without_offset_for_totals() =>
        Read("none", ["spend"], ["campaign_type"], zone: "America/New_York").Should().Match<DatasetRead>(r => r.Projection == 0b100 && r.Segments.All(s => s.Table == FactTable.Day));

    [Fact]
    public void Averages_never_read_aggregates() =>
        Read("day", ["bid"], ["campaign"]).Should().Match<DatasetRead>(r => r.Projection == null && r.Segments.Single().Table == FactTable.Raw);

    [Fact]
    public void Without_statistics_the_coarsest_rollup_answers_as_before() =>
        Read("month", ["spend"], [], stats: []).Should().Match<DatasetRead>(r => r.Projection == null && r.Segments.All(s => s.Table == FactTable.Month));

    [Fact]
    public void Projections_above_a_quarter_of_the_facts_or_dominated_by_an_equal_superset_are_not_kept() =>
        FactProjections.Keep(new Dictionary<int, long> { [0] = 730, [0b001] = 100_010, [0b100] = 2_190, [0b101] = 100_010, [0b010] = 1_000_000, [0b011] = 1_000_000 }, 1_000_000)
            .Should().Equal(0, 0b100, 0b101);

    [Fact]
    public void Candidates_are_totals_single_dimensions_and_pairs_but_never_every_dimension() =>
        FactProjections.Candidates(Ads).Should().Equal(0, 0b001, 0b010, 0b100, 0b011, 0b101, 0b110);
}
