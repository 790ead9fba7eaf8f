using Analytics.Domain.Metrics;

namespace Analytics.Domain.Forecasting;

/// <summary>
/// A rolling-origin backtest: at each origin the model is fitted on the history before it (the last
/// <c>window</c> points, or all of them) and forecasts <c>horizon</c> steps, which are compared with what happened; the
/// seasonal-naive forecast from the same origin is scored the same way. MAPE is the mean absolute percentage error of
/// an origin's steps (steps whose actual value is 0 are skipped), averaged over origins; coverage is the share of actual
/// values inside the forecast's prediction interval.
/// </summary>
public sealed record BacktestResult(IReadOnlyList<double> OriginMapes, IReadOnlyList<double> BaselineOriginMapes, int Covered, int Scored)
{
    public static BacktestResult Empty { get; } = new([], [], 0, 0);

    public int Origins => OriginMapes.Count;
    public double? Mape => OriginMapes.Count == 0 ? null : OriginMapes.Average();
    public double? BaselineMape => BaselineOriginMapes.Count == 0 ? null : BaselineOriginMapes.Average();
    public double? Coverage => Scored == 0 ? null : (double)Covered / Scored;

    /// <summary>Several series' backtests as one: every origin of every series counts once.</summary>
    public static BacktestResult Combine(IEnumerable<BacktestResult> results)
    {
        var list = results.ToList();
        return new BacktestResult(list.SelectMany(r => r.OriginMapes).ToList(), list.SelectMany(r => r.BaselineOriginMapes).ToList(),
            list.Sum(r => r.Covered), list.Sum(r => r.Scored));
    }
}

public static class Backtest
{
    /// <summary>
    /// Up to <paramref name="count"/> origins, the last one <paramref name="horizon"/> points before the end and each
    /// earlier one <paramref name="spacing"/> points before the next, keeping at least <paramref name="minimumHistory"/>
    /// points before the first. Oldest first.
    /// </summary>
    public static IReadOnlyList<int> Origins(int length, int horizon, int count, int spacing, int minimumHistory)
    {
        var origins = new List<int>();
        for (var o = length - horizon; o >= minimumHistory && origins.Count < count; o -= spacing) origins.Add(o);
        origins.Reverse();
        return origins;
    }

    public static BacktestResult RollingOrigin(IReadOnlyDictionary<string, IReadOnlyList<double>> parts, Formula formula, int season, int horizon,
        IReadOnlyList<int> origins, int? window = null, double interval = MetricForecaster.DefaultInterval)
    {
        var names = parts.Keys.ToArray();
        double Metric(Func<string, double> part) => formula.Evaluate(n => parts.ContainsKey(n) ? part(n) : null) ?? double.NaN;

        var mapes = new List<double>();
        var baselines = new List<double>();
        int covered = 0, scored = 0;
        foreach (var origin in origins)
        {
            var from = window is { } w ? Math.Max(0, origin - w) : 0;
            var history = names.ToDictionary(n => n, n => (IReadOnlyList<double>)parts[n].Skip(from).Take(origin - from).ToArray());
            var forecast = MetricForecaster.Forecast(history, formula, season, horizon, interval);
            var naive = names.ToDictionary(n => n, n => SeasonalNaive.Forecast(history[n], season, horizon));
            var errors = new List<double>();
            var baselineErrors = new List<double>();
            for (var h = 0; h < horizon && origin + h < parts[names[0]].Count; h++)
            {
                var actual = Metric(n => parts[n][origin + h]);
                if (!double.IsFinite(actual)) continue;
                var step = forecast.Steps[h];
                scored++;
                if (actual >= step.Lower && actual <= step.Upper) covered++;
                if (actual == 0) continue;
                errors.Add(Math.Abs(step.Value - actual) / Math.Abs(actual));
                baselineErrors.Add(Math.Abs(Metric(n => naive[n][h]) - actual) / Math.Abs(actual));
            }
            if (errors.Count == 0) continue;
            mapes.Add(errors.Average());
            baselines.Add(baselineErrors.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average());
        }
        return new BacktestResult(mapes, baselines.Where(double.IsFinite).ToList(), covered, scored);
    }
}
