using Analytics.Domain.Metrics;

namespace Analytics.Domain.Forecasting;

/// <summary>One forecast step (or a total over steps): the point forecast and its prediction interval.</summary>
public sealed record ForecastStep(double Value, double Lower, double Upper);

/// <summary>
/// Forecasts a metric of the semantic layer from its parts: each base measure the formula needs is fitted and forecast
/// on its own (<see cref="DampedHoltWinters"/>), and the metric is the formula over the parts' forecasts — ROAS of a
/// future day is forecast sales / forecast spend, as ROAS of a past day is Σsales / Σspend. A base metric is the formula
/// that is just its name. With more than a year of history a part's forecast may take last year's shape
/// (<see cref="YearlyProfile"/>: averaged with last year's shape × this year's level, where an inner holdout says it helps).
/// <para>
/// Intervals come from the residuals, jointly: each time of the history is a scenario in which every part misses its
/// forecast by its own one-step residual of that time, widened with the horizon. The metric's interval is the central
/// <c>interval</c> share of the formula over those scenarios; keeping one time's residuals together keeps the parts'
/// correlation (a day when spend ran high was usually a day when sales ran high too), so a ratio's interval is not
/// inflated as if its parts missed independently. A scenario also holds for every step, so totals over steps
/// (<see cref="Total"/>) get an interval the same way. A part that takes last year's shape has its scenarios narrowed by
/// how much smaller that forecast's multi-step errors were than the model's on the inner holdout.
/// </para>
/// </summary>
public sealed class MetricForecast
{
    private readonly Formula _formula;
    private readonly string[] _parts;
    /// <summary>[part][step] point forecasts, and [part][step][scenario] perturbed ones.</summary>
    private readonly double[][] _points;
    private readonly double[][][] _scenarios;
    private readonly double _interval;

    internal MetricForecast(Formula formula, string[] parts, IReadOnlyList<DampedHoltWinters> fits, IReadOnlyList<bool> yearly, double[][] points, double[][][] scenarios, double interval)
    {
        _formula = formula;
        _parts = parts;
        Fits = fits;
        Yearly = yearly;
        _points = points;
        _scenarios = scenarios;
        _interval = interval;
        Steps = Enumerable.Range(0, points.Length == 0 ? 0 : points[0].Length).Select(h => Combine(p => _points[p][h], (p, s) => _scenarios[p][h][s])).ToList();
    }

    public IReadOnlyList<ForecastStep> Steps { get; }

    /// <summary>The fitted model of each part, in the order of <see cref="Parts"/>.</summary>
    public IReadOnlyList<DampedHoltWinters> Fits { get; }

    public IReadOnlyList<string> Parts => _parts;

    /// <summary>Whether each part's forecast takes last year's shape (<see cref="YearlyProfile"/>), in the order of <see cref="Parts"/>.</summary>
    public IReadOnlyList<bool> Yearly { get; }

    public double Interval => _interval;

    public string Model => Fits.Count == 0 ? "none" : Describe(0) is var first && Enumerable.Range(0, Fits.Count).All(i => Describe(i) == first)
        ? first
        : string.Join("; ", _parts.Select((p, i) => $"{p}: {Describe(i)}"));

    private string Describe(int part) => Fits[part].Describe() + (Yearly[part] ? YearlyProfile.Description : "");

    /// <summary>
    /// The metric over a period that is partly past: <paramref name="actualSums"/> (each part's sum so far) plus the first
    /// <paramref name="steps"/> forecast steps — "where will ROAS land this month". For measures that add up (sums).
    /// </summary>
    public ForecastStep Total(IReadOnlyDictionary<string, double> actualSums, int steps)
    {
        steps = Math.Clamp(steps, 0, Steps.Count);
        double Actual(int p) => actualSums.TryGetValue(_parts[p], out var v) ? v : 0;
        return Combine(
            p => Actual(p) + Enumerable.Range(0, steps).Sum(h => _points[p][h]),
            (p, s) => Actual(p) + Enumerable.Range(0, steps).Sum(h => _scenarios[p][h][s]));
    }

    private ForecastStep Combine(Func<int, double> point, Func<int, int, double> scenario)
    {
        var value = Evaluate(point);
        var count = _scenarios.Length == 0 || _scenarios[0].Length == 0 ? 0 : _scenarios[0][0].Length;
        var outcomes = new List<double>(count);
        for (var s = 0; s < count; s++)
        {
            var v = Evaluate(p => scenario(p, s));
            if (double.IsFinite(v)) outcomes.Add(v);
        }
        if (!double.IsFinite(value) || outcomes.Count == 0) return new ForecastStep(value, value, value);
        outcomes.Sort();
        var tail = (1 - _interval) / 2;
        var lower = Math.Min(value, Quantile(outcomes, tail));
        var upper = Math.Max(value, Quantile(outcomes, 1 - tail));
        return new ForecastStep(value, lower, upper);
    }

    private double Evaluate(Func<int, double> part)
    {
        var result = _formula.Evaluate(name =>
        {
            var i = Array.FindIndex(_parts, p => p.Equals(name, StringComparison.OrdinalIgnoreCase));
            return i < 0 ? null : part(i);
        });
        return result ?? double.NaN;
    }

    /// <summary>Linear interpolation between order statistics.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var at = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(at);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }
}

public static class MetricForecaster
{
    public const double DefaultInterval = 0.8;

    /// <param name="parts">Each base measure the formula references → its history, all of one length, oldest first.</param>
    /// <param name="season">Points per season: 7 for days (a weekly season), 1 for weeks.</param>
    public static MetricForecast Forecast(IReadOnlyDictionary<string, IReadOnlyList<double>> parts, Formula formula, int season, int horizon, double interval = DefaultInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var names = parts.Keys.ToArray();
        var lengths = parts.Values.Select(v => v.Count).Distinct().ToList();
        if (lengths.Count > 1) throw new ArgumentException("Every part needs a history of the same length.", nameof(parts));
        var fits = names.Select(n => DampedHoltWinters.Fit(parts[n], season)).ToList();
        var chosen = names.Select((n, i) => YearlyProfile.Choose(parts[n], season, horizon, fits[i])).ToArray();
        var points = chosen.Select(c => c.Points).ToArray();

        // Scenarios: the times at which every part has a residual.
        var length = lengths.Count == 0 ? 0 : lengths[0];
        var times = Enumerable.Range(0, length).Where(t => fits.All(f => double.IsFinite(f.Residuals[t]))).ToArray();
        var scenarios = new double[names.Length][][];
        for (var p = 0; p < names.Length; p++)
        {
            var nonNegative = parts[names[p]].All(v => v >= 0);
            scenarios[p] = new double[horizon][];
            for (var h = 0; h < horizon; h++)
            {
                var row = scenarios[p][h] = new double[times.Length];
                for (var s = 0; s < times.Length; s++)
                {
                    var v = fits[p].Perturb(points[p][h], h + 1, chosen[p].Spread * fits[p].Residuals[times[s]]);
                    row[s] = nonNegative ? Math.Max(0, v) : v;
                }
            }
        }
        return new MetricForecast(formula, names, fits, chosen.Select(c => c.Yearly).ToArray(), points, scenarios, interval);
    }
}
