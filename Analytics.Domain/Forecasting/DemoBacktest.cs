using Analytics.Domain.Demo;
using Analytics.Domain.Metrics;

namespace Analytics.Domain.Forecasting;

/// <summary>One metric's backtest on the demo data, over every demo instance.</summary>
public sealed record DemoBacktestMetric(string Metric, double? Mape, double? BaselineMape, double? Coverage, int Origins);

/// <summary>The whole demo backtest: per metric, and overall (every instance × metric × origin counts once).</summary>
public sealed record DemoBacktestReport(
    DateOnly LastDay, int Horizon, int Window, int OriginsPerSeries, int Spacing, int Offset, double Interval,
    double? Mape, double? BaselineMape, double? Improvement, double? Coverage, int Origins, IReadOnlyList<DemoBacktestMetric> Metrics);

/// <summary>
/// Rolling-origin backtests of the forecast on the demo workspace's data (what <c>bench forecast</c> prints): each demo
/// instance's daily totals, generated as the seeder does, forecast <see cref="Horizon"/> days ahead from
/// <see cref="OriginCount"/> origins four weeks apart (a whole year of origins, so Prime Day, the Q4 peak and the
/// injected anomalies are each met once), each fit on up to two years before its origin (<see cref="Window"/>; the demo
/// data spans two years, so early origins have one year and late ones nearly two, and get last year's shape where the
/// inner holdout keeps it, <see cref="YearlyProfile"/>). With an <c>offset</c> every origin moves
/// that many days earlier: a second set of origins, to check figures on origins the model's design did not look at
/// (<see cref="HeldOutOffset"/>).
/// </summary>
public static class DemoBacktest
{
    public const int Horizon = 28;
    /// <summary>Each origin's model learns from up to two years before it: what history exists, so a year before the horizon where there is one.</summary>
    public const int Window = 728;
    /// <summary>Origins have at least a year before them.</summary>
    public const int MinimumHistory = 365;
    public const int OriginCount = 13;
    public const int Spacing = 28;
    /// <summary>The held-out origins <c>bench forecast</c> also reports: each two weeks before one of the main set.</summary>
    public const int HeldOutOffset = 14;
    public static readonly IReadOnlyList<string> Metrics = ["spend", "sales", "roas"];

    public static DemoBacktestReport Run(DateOnly lastDay, int origins = OriginCount, int window = Window, int spacing = Spacing, int horizon = Horizon, int offset = 0)
    {
        var resolver = new MetricResolver(BuiltInMetrics.All);
        var perMetric = Metrics.ToDictionary(m => m, _ => new List<BacktestResult>());
        foreach (var instance in DemoWorkspace.Instances)
        {
            var daily = DailyTotals(instance, lastDay);
            foreach (var metric in Metrics)
            {
                var resolved = resolver.Resolve(metric);
                var parts = resolved.BaseMeasures.ToDictionary(m => m, m => (IReadOnlyList<double>)daily[m]);
                var length = daily[resolved.BaseMeasures[0]].Length;
                var at = Backtest.Origins(length - offset, horizon, origins, spacing, MinimumHistory);
                perMetric[metric].Add(Backtest.RollingOrigin(parts, resolved.Formula, 7, horizon, at, window));
            }
        }
        var all = BacktestResult.Combine(perMetric.Values.SelectMany(v => v));
        return new DemoBacktestReport(lastDay, horizon, window, origins, spacing, offset, MetricForecaster.DefaultInterval,
            Round(all.Mape), Round(all.BaselineMape), all.Mape is { } m && all.BaselineMape is { } b && b > 0 ? Round(1 - m / b) : null,
            Round(all.Coverage), all.Origins,
            perMetric.Select(p =>
            {
                var r = BacktestResult.Combine(p.Value);
                return new DemoBacktestMetric(p.Key, Round(r.Mape), Round(r.BaselineMape), Round(r.Coverage), r.Origins);
            }).ToList());
    }

    /// <summary>An instance's daily sums of each measure, as the seeder would store them (oldest first).</summary>
    public static IReadOnlyDictionary<string, double[]> DailyTotals(DemoInstance instance, DateOnly lastDay)
    {
        var spec = AdPerformanceGenerator.ForInstance(instance, lastDay);
        var measures = DemoWorkspace.Measures().OrderBy(m => m.Slot).Select(m => m.Name).ToArray();
        var sums = measures.ToDictionary(m => m, _ => new double[spec.Days]);
        var firstTs = new DateTimeOffset(lastDay.AddDays(-(spec.Days - 1)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        foreach (var row in new AdPerformanceGenerator(spec).Rows())
        {
            var day = (int)((row.Ts - firstTs) / 86400);
            for (var i = 0; i < measures.Length; i++) sums[measures[i]][day] += row.Measures[i] ?? 0;
        }
        return sums;
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}
