using Analytics.Domain.Facts;
using Analytics.Domain.Reports;

namespace Analytics.Tests.Domain;

public sealed class ResultMapperTests
{
    private static readonly DateTimeOffset Window = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    private static readonly ReportConfig Daily = new()
    {
        TimeColumn = "date", Dimensions = ["campaign"], Measures = [new("clicks"), new("spend"), new("reach", Aggregation.Max, Additive: false)],
    };

    private static TabularResult Result(params object?[][] rows) => new(["date", "campaign", "clicks", "spend", "reach"], rows);

    [Fact]
    public void Typed_and_text_values_map_to_fact_rows_in_slot_order()
    {
        var mapped = ResultMapper.Map(Result(
            ["2025-01-06", "A", "10", "1.5", 7L],
            [new DateOnly(2025, 1, 7), "A", 12L, 2.25m, "9"],
            ["2025-01-08T00:00:00Z", "B", 3, 0.0, 1.0]), Daily, Window);

        mapped.IsValid.Should().BeTrue();
        mapped.Rows.Should().HaveCount(3);
        mapped.Rows[0].Ts.Should().Be(Window.ToUnixTimeSeconds());
        mapped.Rows[1].Ts.Should().Be(Window.AddDays(1).ToUnixTimeSeconds());
        mapped.Rows[1].Measures.Should().Equal(12, 2.25, 9);
        mapped.Rows[2].Dimensions.Should().Equal("B");
    }

    [Fact]
    public void Every_bad_row_is_reported_with_its_row_and_column_and_no_rows_are_returned()
    {
        var mapped = ResultMapper.Map(Result(
            ["2025-01-06", "A", "10", "1.5", 7],
            ["not a date", "A", "10", "1", 1],
            ["2025-01-07", "A", "-3", "1", 1],
            ["2025-01-07", "B", null, "1", 1],
            ["2025-01-07", "C", "1", "NaN", 1],
            ["2025-01-07", "D", "1", "-2.5", 1]), Daily, Window);

        mapped.IsValid.Should().BeFalse();
        mapped.Rows.Should().BeEmpty("a result with bad rows writes nothing");
        mapped.Problems.Select(p => $"{p.Row}:{p.Column}").Should().Equal("2:date", "3:clicks", "4:clicks", "5:spend");
        mapped.Problems[1].Message.Should().Contain("count cannot be negative");
        mapped.Describe().Should().StartWith("4 problems in the result, nothing was written");
    }

    [Fact]
    public void A_missing_column_is_a_schema_problem_naming_the_columns_there_are()
    {
        var mapped = ResultMapper.Map(new TabularResult(["date", "campaign", "clicks"], [["2025-01-06", "A", 1]]), Daily, Window);
        mapped.Problems.Select(p => p.Column).Should().Equal("spend", "reach");
        mapped.Problems[0].Message.Should().Contain("it has: date, campaign, clicks");
    }

    [Fact]
    public void Suppressed_dimensions_fold_into_one_visible_bucket_by_each_measures_aggregation()
    {
        var mapped = ResultMapper.Map(Result(
            ["2025-01-06", null, 5, 1.0, 40],
            ["2025-01-06", "", 7, 2.0, 60],
            ["2025-01-06", "A", 1, 1.0, 3]), Daily, Window);

        mapped.IsValid.Should().BeTrue();
        mapped.SuppressedRows.Should().Be(2);
        var suppressed = mapped.Rows.Single(r => r.Dimensions[0] == ResultMapper.Suppressed);
        suppressed.Measures.Should().Equal(12, 3, 60);
    }

    [Fact]
    public void A_repeated_key_is_a_problem_not_a_silent_overwrite()
    {
        var mapped = ResultMapper.Map(Result(["2025-01-06", "A", 1, 1, 1], ["2025-01-06", "A", 2, 2, 2]), Daily, Window);
        mapped.Problems.Should().ContainSingle().Which.Message.Should().Contain("row 1");
    }

    [Fact]
    public void Without_a_time_column_rows_are_stamped_with_the_window_start()
    {
        var config = new ReportConfig { Dimensions = ["campaign"], Measures = [new("clicks")] };
        var mapped = ResultMapper.Map(new TabularResult(["campaign", "clicks"], [["A", "4"]]), config, Window);
        mapped.Rows.Single().Ts.Should().Be(Window.ToUnixTimeSeconds());
    }

    [Fact]
    public void The_checksum_ignores_row_order_and_changes_with_any_value()
    {
        var a = ResultMapper.Map(Result(["2025-01-06", "A", 1, 1, 1], ["2025-01-06", "B", 2, 2, 2]), Daily, Window);
        var b = ResultMapper.Map(Result(["2025-01-06", "B", 2, 2, 2], ["2025-01-06", "A", 1, 1, 1]), Daily, Window);
        var c = ResultMapper.Map(Result(["2025-01-06", "B", 2, 2, 2], ["2025-01-06", "A", 1, 1.0000001, 1]), Daily, Window);
        a.Checksum.Should().Be(b.Checksum).And.NotBe(c.Checksum);
    }

    [Fact]
    public void Report_config_validation_names_every_problem()
    {
        var act = () => new ReportConfig { TimeColumn = "date", Dimensions = ["date", "bad name"], Measures = [], Grain = "fortnight" }.Validate();
        act.Should().Throw<Analytics.Domain.ValidationException>()
            .Which.Errors.Keys.Should().Contain(["reportConfig.measures", "reportConfig.grain", "reportConfig.fields"]);
    }
}
