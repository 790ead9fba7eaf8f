using System.Text;
using Analytics.Domain;
using Analytics.Domain.Operational;

namespace Analytics.Tests.Domain;

public sealed class MetricBatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly MetricsIngestOptions Options = new();

    private static List<SeriesPoint> Parse(string json, MetricsIngestOptions? options = null) =>
        MetricBatchParser.Parse(Encoding.UTF8.GetBytes(json), options ?? Options, Now);

    private static IReadOnlyDictionary<string, string[]> ErrorsOf(string json, MetricsIngestOptions? options = null)
    {
        var act = () => Parse(json, options);
        return act.Should().Throw<ValidationException>().Which.Errors;
    }

    [Fact]
    public void Valid_points_parse_with_canonical_tags_and_unix_ms()
    {
        var points = Parse("""
            [{"name":"cpu.load","time":"2026-03-15T11:00:00+02:00","value":1.5,"tags":{"z":"1","a":"x"}},
             {"name":"cpu.load","time":"2026-03-15T11:00:00.250Z","value":-2,"tags":{"a":"x","z":"1"}}, {"name":"n","time":"2026-03-15T10:00:00Z","value":0}]
            """);
        points.Should().HaveCount(3);
        points[0].Ts.Should().Be(new DateTimeOffset(2026, 3, 15, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
        points[0].TagsKey.Should().Be(MetricSeries.KeyOf(new Dictionary<string, string> { ["a"] = "x", ["z"] = "1" }));
        points[1].TagsKey.Should().Be(points[0].TagsKey);
        points[1].Ts.Should().Be(new DateTimeOffset(2026, 3, 15, 11, 0, 0, 250, TimeSpan.Zero).ToUnixTimeMilliseconds());
        points[2].TagsKey.Should().BeEmpty();
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("\"12\"")]
    [InlineData("1e400")]
    [InlineData("null")]
    public void Non_finite_or_non_numeric_values_are_refused_naming_the_index(string value)
    {
        var errors = ErrorsOf($$"""[{"name":"a","time":"2026-03-15T11:00:00Z","value":1},{"name":"a","time":"2026-03-15T11:00:01Z","value":{{value}}}]""");
        errors.Keys.Should().Equal("[1].value");
    }

    [Theory]
    [InlineData("2026-03-15T11:00:00")]
    [InlineData("yesterday")]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("2026-03-16T12:00:01Z")]
    public void Times_without_offset_unparseable_or_out_of_bounds_are_refused(string time)
    {
        ErrorsOf($$"""[{"name":"a","time":"{{time}}","value":1}]""").Keys.Should().Equal("[0].time");
    }

    [Fact]
    public void Too_many_tags_bad_names_and_missing_fields_are_each_reported()
    {
        var tags = "{" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}";
        var longValue = "{\"k\":\"" + new string('x', 300) + "\"}";
        var errors = ErrorsOf($$"""
            [{"name":"ok","time":"2026-03-15T11:00:00Z","value":1,"tags":{{tags}}},
             {"name":"9bad name","time":"2026-03-15T11:00:00Z","value":1},
             {"time":"2026-03-15T11:00:00Z","value":1},
             {"name":"ok","time":"2026-03-15T11:00:00Z","value":1,"tags":{{longValue}}}]
            """);
        errors.Keys.Should().BeEquivalentTo("[0].tags", "[1].name", "[2].name", "[3].tags.k");
    }

    [Fact]
    public void Batches_over_the_point_limit_and_invalid_json_are_refused()
    {
        var options = new MetricsIngestOptions { MaxPoints = 2 };
        ErrorsOf("""[{"name":"a","time":"2026-03-15T11:00:00Z","value":1},{"name":"a","time":"2026-03-15T11:00:01Z","value":1},{"name":"a","time":"2026-03-15T11:00:02Z","value":1}]""", options)
            .Keys.Should().Equal("body");
        ErrorsOf("""[{"name":"a",""").Keys.Should().Equal("body");
        ErrorsOf("""{"name":"a"}""").Keys.Should().Equal("body");
    }

    [Fact]
    public void Planner_reads_the_coarsest_rollup_aligned_with_the_range()
    {
        var retention = new MetricsRetentionOptions();
        var day = new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.Zero);
        MetricQueryPlan Plan(DateTimeOffset start, DateTimeOffset end, string interval, string aggregation = "avg") =>
            MetricQueryPlanner.Plan(new MetricQueryRequest { MetricName = "m", TimeRange = new(start, end), Interval = interval, Aggregation = aggregation }, retention, Now);

        Plan(day, day.AddDays(1), "1h").Read.Should().Be(MetricResolution.OneHour);
        Plan(day, day.AddDays(1), "1d").Read.Should().Be(MetricResolution.OneDay);
        Plan(day.AddMinutes(5), day.AddDays(1), "1h").Read.Should().Be(MetricResolution.FiveMinutes);
        Plan(day.AddMinutes(3), day.AddDays(1), "1h").Read.Should().Be(MetricResolution.OneMinute);
        Plan(day.AddSeconds(3), day.AddDays(1), "1h").Read.Should().Be(MetricResolution.Raw);
        Plan(day, day.AddDays(1), "1h", "p95").Read.Should().Be(MetricResolution.Raw);
    }

    [Fact]
    public void Percentiles_past_raw_retention_are_refused_with_a_clear_message()
    {
        var act = () => MetricQueryPlanner.Plan(new MetricQueryRequest
        {
            MetricName = "m", TimeRange = new(Now.AddDays(-45), Now), Interval = "1d", Aggregation = "p99",
        }, new MetricsRetentionOptions(), Now);
        act.Should().Throw<ValidationException>().Which.Errors["timeRange"].Single().Should().Contain("raw points");
    }
}
