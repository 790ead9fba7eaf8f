using Analytics.Domain.Exports;
using Analytics.Domain.Query;

namespace Analytics.Tests.Exports;

public class ExportModelTests
{
    private static readonly DateTime Day = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1234.5, "currency", "$1,234.50")]
    [InlineData(-12.25, "currency", "-$12.25")]
    [InlineData(1234567.4, "integer", "1,234,567")]
    [InlineData(0.1234, "percent", "12.34%")]
    [InlineData(4.1066, "ratio", "4.11")]
    [InlineData(12.345, "number", "12.35")]
    [InlineData(12345.6, "number", "12,345.6")] // one rule with the UI (MetricFormat): up to two decimals at any size
    public void Numbers_read_by_their_column_format(double value, string format, string expected) =>
        new ExportFormatter().FormatNumber(value, format).Should().Be(expected);

    [Fact]
    public void Currency_symbol_and_zone_come_from_the_document()
    {
        var formatter = new ExportFormatter("EUR", "Europe/Berlin");
        formatter.FormatNumber(99.5, "currency").Should().Be("€99.50");
        formatter.FormatCompact(12_500, "currency").Should().Be("€12.5K");
        formatter.FormatTime(new DateTime(2025, 3, 30, 22, 0, 0, DateTimeKind.Utc), "day").Should().Be("31 Mar 2025");
        formatter.FormatStamp(new DateTimeOffset(2025, 7, 1, 6, 0, 0, TimeSpan.Zero)).Should().Be("1 Jul 2025 08:00 (Europe/Berlin)");
        new ExportFormatter("XYZ").FormatNumber(1, "currency").Should().Be("XYZ 1.00");
        ExportFormatter.FormatChange(-0.0123).Should().Be("−1.2%");
        new ExportFormatter().FormatNumber(null, "integer").Should().Be(ExportFormatter.Missing);
    }

    [Theory]
    [InlineData(0, 87, 0, 100, 20)]
    [InlineData(0, 1.3, 0, 1.5, 0.25)]
    [InlineData(-35, 120, -50, 150, 50)]
    [InlineData(0, 0, 0, 1, 0.25)]
    public void Axis_ticks_land_on_nice_numbers(double min, double max, double niceMin, double niceMax, double step)
    {
        var scale = NiceScale.For(min, max, 5);
        scale.Min.Should().BeApproximately(niceMin, 1e-9);
        scale.Max.Should().BeApproximately(niceMax, 1e-9);
        scale.Step.Should().BeApproximately(step, 1e-9);
        scale.Ticks().First().Should().BeApproximately(niceMin, 1e-9);
        scale.Ticks().Last().Should().BeApproximately(niceMax, 1e-9);
    }

    [Fact]
    public void A_time_and_dimension_result_becomes_one_series_per_value_with_the_rest_as_other()
    {
        var columns = new List<QueryColumn> { new("time", "time", "time"), new("campaign", "string", "dimension", "Campaign"), new("spend", "number", "metric", "Spend", "currency") };
        var rows = new List<object?[]>();
        foreach (var d in new[] { 1, 0 }) // out of order on purpose: time sorts
        {
            for (var c = 0; c < 5; c++) rows.Add([Day.AddDays(d), $"C{c}", (c + 1) * 10.0 + d]);
        }
        var chart = ChartData.From(SampleExportDocument.Result(columns, rows), maxSeries: 3);
        chart.Categories.Should().Equal(Day, Day.AddDays(1));
        chart.Series.Select(s => s.Name).Should().Equal("C3", "C4", ChartData.Other);
        chart.Series[1].Values.Should().Equal(50.0, 51.0);
        chart.Series[2].Values.Should().Equal(10.0 + 20 + 30, 11.0 + 21 + 31);
        chart.ValueFormat.Should().Be("currency");
    }

    [Fact]
    public void Rates_are_not_summed_into_other_and_a_metric_only_result_charts_each_metric()
    {
        var columns = new List<QueryColumn> { new("time", "time", "time"), new("campaign", "string", "dimension"), new("ctr", "number", "metric", "CTR", "percent") };
        var rows = Enumerable.Range(0, 5).Select(c => new object?[] { Day, $"C{c}", 0.01 * (c + 1) }).ToList();
        ChartData.From(SampleExportDocument.Result(columns, rows), maxSeries: 3).Series.Select(s => s.Name).Should().Equal("C2", "C3", "C4");

        var totals = ChartData.From(SampleExportDocument.Result(
            [new QueryColumn("spend", "number", "metric", "Spend", "currency"), new QueryColumn("sales", "number", "metric", "Sales", "currency")], [[10.0, 40.0]], "none"));
        totals.Categories.Should().Equal("Spend", "Sales");
        totals.Series.Single().Values.Should().Equal(10.0, 40.0);
    }

    [Fact]
    public void Kpi_figures_come_from_the_rows_when_the_mapper_gave_none()
    {
        var columns = new List<QueryColumn> { new("time", "time", "time"), new("spend", "number", "metric", "Spend", "currency") };
        var rows = Enumerable.Range(0, 4).Select(i => new object?[] { Day.AddDays(i), 10.0 * (i + 1) }).ToList();
        var kpi = KpiFigures.From(new ExportWidget { Id = "k", Kind = "kpi", Title = "Spend", Data = SampleExportDocument.Result(columns, rows) });
        kpi.Value.Should().Be(100);
        kpi.Change.Should().BeApproximately((70.0 - 30) / 30, 1e-9);
        kpi.Sparkline.Should().Equal(10.0, 20.0, 30.0, 40.0);
        kpi.Format.Should().Be("currency");

        var given = new ExportKpi("ROAS", 4.2, "ratio", 0.1);
        KpiFigures.From(new ExportWidget { Id = "r", Kind = "kpi", Title = "ROAS", Kpi = given }).Should().BeSameAs(given);
    }
}
