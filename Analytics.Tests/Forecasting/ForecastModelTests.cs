using Analytics.Domain.Forecasting;
using Analytics.Domain.Metrics;

namespace Analytics.Tests.Forecasting;

/// <summary>The forecasting model in the domain: fit, forecast, intervals, derived metrics, and the demo backtest.</summary>
public sealed class ForecastModelTests
{
    /// <summary>Level 100 growing 1 a day, a weekly pattern ×(0.8…1.3), ±2% seeded noise.</summary>
    private static double[] Weekly(int days, int seed = 7)
    {
        double[] week = [1.3, 1.0, 0.9, 0.8, 0.95, 1.05, 1.0];
        var rng = new Random(seed);
        return Enumerable.Range(0, days).Select(t => (100 + t) * week[t % 7] * (1 + 0.02 * (rng.NextDouble() * 2 - 1))).ToArray();
    }

    [Fact]
    public void Damped_holt_winters_learns_level_trend_and_weekly_season()
    {
        var y = Weekly(140);
        var model = DampedHoltWinters.Fit(y, 7);
        model.Mode.Should().Be(SeasonalMode.Multiplicative);
        var forecast = model.Forecast(14);
        var truth = Weekly(154, seed: 99).Skip(140).ToArray(); // same shape, other noise
        for (var h = 0; h < 14; h++) forecast[h].Should().BeApproximately(truth[h], truth[h] * 0.06, $"step {h + 1}");
        // The season is learned: Monday (index 0 of the pattern, ×1.3) is forecast above Thursday (×0.8).
        forecast[0].Should().BeGreaterThan(forecast[3] * 1.4);
    }

    [Fact]
    public void Intervals_widen_with_the_horizon_and_hold_the_point()
    {
        var forecast = MetricForecaster.Forecast(new Dictionary<string, IReadOnlyList<double>> { ["spend"] = Weekly(140) }, Formula.Parse("spend"), 7, 28);
        forecast.Steps.Should().OnlyContain(s => s.Lower <= s.Value && s.Value <= s.Upper);
        var width = forecast.Steps.Select(s => (s.Upper - s.Lower) / s.Value).ToList();
        width[27].Should().BeGreaterThan(width[0]);
        forecast.Fits[0].HorizonScale(1).Should().Be(1);
    }

    [Fact]
    public void A_derived_metric_is_its_formula_over_the_parts_forecasts()
    {
        var sales = Weekly(120, 1).Select(v => v * 4).ToArray();
        var spend = Weekly(120, 2);
        var parts = new Dictionary<string, IReadOnlyList<double>> { ["sales"] = sales, ["spend"] = spend };
        var roas = MetricForecaster.Forecast(parts, Formula.Parse("sales / spend"), 7, 14);
        var salesAlone = MetricForecaster.Forecast(new Dictionary<string, IReadOnlyList<double>> { ["sales"] = sales }, Formula.Parse("sales"), 7, 14);
        var spendAlone = MetricForecaster.Forecast(new Dictionary<string, IReadOnlyList<double>> { ["spend"] = spend }, Formula.Parse("spend"), 7, 14);
        for (var h = 0; h < 14; h++) roas.Steps[h].Value.Should().BeApproximately(salesAlone.Steps[h].Value / spendAlone.Steps[h].Value, 1e-9);
        roas.Steps.Should().OnlyContain(s => s.Value > 3.5 && s.Value < 4.5);
        // Totals over steps: the formula over summed parts, not the sum of daily ratios.
        var total = roas.Total(new Dictionary<string, double>(), 14);
        total.Value.Should().BeApproximately(salesAlone.Steps.Sum(s => s.Value) / spendAlone.Steps.Sum(s => s.Value), 1e-9);
    }

    [Fact]
    public void Seasonal_naive_repeats_the_last_week()
    {
        double[] y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        SeasonalNaive.Forecast(y, 7, 9).Should().Equal(8, 9, 10, 11, 12, 13, 14, 8, 9);
        SeasonalNaive.Forecast(y, 1, 2).Should().Equal(14, 14);
    }

    /// <summary>
    /// What <c>bench forecast</c> prints, asserted loosely: over a year of rolling origins on the demo data the model's
    /// mean MAPE is at least 15% below seasonal-naive's (issue 24's bar), and the 80% intervals hold 70–90% of what
    /// happened — on the main origins and on the held-out ones two weeks earlier. Each origin learns from up to two
    /// years, so most have last year's shape to go by.
    /// </summary>
    [Fact]
    public void On_the_demo_data_the_model_beats_seasonal_naive_by_15_percent_and_its_80_percent_intervals_hold_70_to_90_percent()
    {
        var report = DemoBacktest.Run(new DateOnly(2026, 3, 14));
        report.Origins.Should().Be(3 * 3 * 13, "thirteen origins per instance and metric");
        report.Improvement!.Value.Should().BeGreaterThanOrEqualTo(0.15, $"model {report.Mape}, seasonal-naive {report.BaselineMape}");
        report.Coverage!.Value.Should().BeInRange(0.70, 0.90);

        var heldOut = DemoBacktest.Run(new DateOnly(2026, 3, 14), offset: DemoBacktest.HeldOutOffset);
        heldOut.Improvement!.Value.Should().BeGreaterThanOrEqualTo(0.15, $"held out: model {heldOut.Mape}, seasonal-naive {heldOut.BaselineMape}");
        heldOut.Coverage!.Value.Should().BeInRange(0.70, 0.90);
    }

    /// <summary>
    /// Daily values: level 100 growing slowly, the weekly pattern, ±3% seeded noise and, with <paramref name="yearly"/>, a
    /// yearly shape: ±20% over the year and a step ×1.5 for 30 days from day 300 of every 365 (a Q4).
    /// </summary>
    private static double[] WithYear(int days, bool yearly, int seed)
    {
        double[] week = [1.3, 1.0, 0.9, 0.8, 0.95, 1.05, 1.0];
        var rng = new Random(seed);
        return Enumerable.Range(0, days).Select(t => (100 + 0.02 * t) * week[t % 7]
            * (yearly ? (1 + 0.2 * Math.Sin(2 * Math.PI * t / 365)) * (t % 365 is >= 300 and < 330 ? 1.5 : 1) : 1)
            * (1 + 0.03 * (rng.NextDouble() * 2 - 1))).ToArray();
    }

    private static MetricForecast ForecastOf(double[] y, int length, int horizon = 28) =>
        MetricForecaster.Forecast(new Dictionary<string, IReadOnlyList<double>> { ["spend"] = y.Take(length).ToArray() }, Formula.Parse("spend"), 7, horizon);

    private static double Mape(IReadOnlyList<double> forecast, double[] y, int origin) => Enumerable.Range(0, forecast.Count).Average(h => Math.Abs(forecast[h] / y[origin + h] - 1));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void With_more_than_a_year_of_history_a_yearly_step_seen_last_year_is_forecast(int seed)
    {
        // The origin is ten days before the second year's step (day 665); the model alone only knows the last weeks.
        var y = WithYear(760, yearly: true, seed);
        const int origin = 655;
        var forecast = ForecastOf(y, origin);
        var plain = DampedHoltWinters.Fit(y.Take(origin).ToArray(), 7).Forecast(28);

        forecast.Yearly.Should().Equal(true);
        forecast.Model.Should().EndWith("with last year's shape");
        var values = forecast.Steps.Select(s => s.Value).ToList();
        Mape(values, y, origin).Should().BeLessThan(0.7 * Mape(plain, y, origin), "last year's step is in the forecast");
        // The step itself: the week after day 665 is forecast well above the week before it (×1.5 in truth).
        values.Skip(14).Take(7).Sum().Should().BeGreaterThan(1.2 * values.Take(7).Sum());
        forecast.Steps.Should().OnlyContain(s => s.Lower <= s.Value && s.Value <= s.Upper);
    }

    [Fact]
    public void A_series_without_a_yearly_pattern_is_not_hurt_by_the_yearly_component()
    {
        var with = 0.0;
        var without = 0.0;
        var taken = 0;
        for (var seed = 1; seed <= 4; seed++)
        {
            var y = WithYear(760, yearly: false, seed);
            foreach (var origin in new[] { 420, 500, 600, 655, 700 })
            {
                var forecast = ForecastOf(y, origin);
                if (forecast.Yearly[0]) taken++;
                with += Mape(forecast.Steps.Select(s => s.Value).ToList(), y, origin);
                without += Mape(DampedHoltWinters.Fit(y.Take(origin).ToArray(), 7).Forecast(28), y, origin);
            }
        }
        with.Should().BeLessThanOrEqualTo(without * 1.02, "a flat last year adds nothing, and the holdout mostly says so");
        taken.Should().BeLessThan(10, "of 20 forecasts, the inner holdout keeps last year's shape in few");
    }

    [Theory]
    [InlineData(300)]
    [InlineData(391)]
    public void Less_than_a_year_and_four_weeks_of_history_gets_no_yearly_component(int length)
    {
        YearlyProfile.MinimumHistory(7, 28).Should().Be(392, "364 days (52 weeks) and the four weeks the growth since is measured over");
        var y = WithYear(760, yearly: true, seed: 1);
        var forecast = ForecastOf(y, length);
        forecast.Yearly.Should().Equal(false);
        forecast.Model.Should().NotContain("last year");
        forecast.Steps.Select(s => s.Value).Should().Equal(DampedHoltWinters.Fit(y.Take(length).ToArray(), 7).Forecast(28));
        YearlyProfile.Combined(y, length, 7, 28, forecast.Fits[0]).Should().BeNull();
    }

    [Fact]
    public void A_step_in_the_level_is_learned_within_days_where_a_lone_spike_is_not()
    {
        // The last four days run 40% higher and stay there (a budget raised): a level shift, not four outliers.
        var y = Weekly(140);
        for (var t = 136; t < 140; t++) y[t] *= 1.4;
        var forecast = DampedHoltWinters.Fit(y, 7).Forecast(14);
        var truth = Weekly(154, seed: 99).Skip(140).Select(v => v * 1.4).ToArray();
        Enumerable.Range(0, 14).Average(h => Math.Abs(forecast[h] / truth[h] - 1)).Should().BeLessThan(0.08, "the forecast follows the new level");
    }

    [Fact]
    public void One_unusual_day_at_the_end_of_the_history_does_not_drag_the_forecast_along()
    {
        var y = Weekly(140);
        y[^1] *= 1.8; // a Prime Day
        var forecast = DampedHoltWinters.Fit(y, 7).Forecast(14);
        var truth = Weekly(154, seed: 99).Skip(140).ToArray();
        Enumerable.Range(7, 7).Average(h => Math.Abs(forecast[h] / truth[h] - 1)).Should().BeLessThan(0.08, "the second week is back near the usual level");
    }
}
