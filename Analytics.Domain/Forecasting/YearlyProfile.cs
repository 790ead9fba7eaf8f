namespace Analytics.Domain.Forecasting;

/// <summary>A part's forecast as chosen: the points, whether they take last year's shape, and how wide its scenarios spread (1 = as the residuals say).</summary>
public sealed record PartForecast(double[] Points, bool Yearly, double Spread);

/// <summary>
/// The yearly component, for a history of more than a year: <b>last year's shape × this year's level</b>, averaged with the
/// damped Holt-Winters forecast, where an inner holdout says it helps.
/// <para>
/// A year is <see cref="PeriodOf">364 days</see> (52 whole weeks, so weekdays line up; 52 for weekly buckets). Last
/// year's shape is a smoothed value a year before each forecast step — a centered mean over a whole season (7 days, so
/// the weekly pattern cancels; 3 weeks for weekly buckets) — relative to the mean of the season before the origin a year
/// earlier. This year's level is last year's level at the origin times the growth since: the last four weeks' sum over
/// the same four weeks a year earlier (whole weeks, and aligned, so a step that fell inside them last year falls inside
/// them this year too). The weekly pattern is the fitted model's. The yearly forecast of step h is then
/// <code>
///   ŷ(T+h) = s(T+h) · L(T−P) · [mean of y over (T−W, T] / mean of y over (T−W−P, T−P]] · S(T+h−P) / L(T−P)
///          = s(T+h) · growth · S(T+h−P)
/// </code>
/// with s the model's weekly index, S the smoothed series and P the year; the forecast used is the mean of that and the
/// model's own (a combination is steadier than either: Clemen, <i>Combining forecasts</i>, 1989), ratios capped at
/// ×<see cref="Cap"/>.
/// </para>
/// <para>
/// Nothing here knows a calendar: a step up last November is forecast this November because the history holds it, and a
/// series without a yearly pattern has a flat shape. Whether a series takes the component is decided on its own history,
/// auto-ETS style: the model (with its fitted parameters) is run up to each of the last origins a horizon apart that
/// have a year and four weeks before them, and both forecasts are scored on what followed (mean absolute percentage
/// error). The combination is kept only when it did better; its scenarios are then narrowed by the same ratio (its
/// multi-step errors over the model's), as the residual scenarios are calibrated to the model's own errors.
/// </para>
/// </summary>
public static class YearlyProfile
{
    /// <summary>The largest move last year's shape (or the growth since) may make: ×2 up or ÷2 down.</summary>
    public const double Cap = 2.0;

    /// <summary>How the model's description says it took the component.</summary>
    public const string Description = ", with last year's shape";

    /// <summary>A year in points: 364 days (52 whole weeks) with a weekly season; 52 for weekly buckets (no season); null otherwise.</summary>
    public static int? PeriodOf(int season) => season switch { 7 => 364, 1 => 52, _ => null };

    /// <summary>The smoothing span: a whole week of days; three weekly buckets.</summary>
    private static int WidthOf(int season) => season > 1 ? season : 3;

    /// <summary>The span the growth since last year is measured over: four weeks.</summary>
    private static int GrowthSpanOf(int season) => season > 1 ? 4 * season : 4;

    /// <summary>
    /// The fewest points of history the yearly forecast needs for <paramref name="horizon"/> steps: a year and four weeks
    /// (392 days, 56 weeks); null when no horizon that long can be forecast from last year (or no yearly period applies).
    /// </summary>
    public static int? MinimumHistory(int season, int horizon) =>
        PeriodOf(season) is { } period && horizon + WidthOf(season) / 2 < period ? period + Math.Max(GrowthSpanOf(season), WidthOf(season)) : null;

    /// <summary>
    /// The forecast for <paramref name="horizon"/> steps after the points of <paramref name="y"/>,
    /// from <paramref name="fit"/> (the model run over those points): with or without the yearly component, as the inner
    /// holdout decides.
    /// </summary>
    public static PartForecast Choose(IReadOnlyList<double> y, int season, int horizon, DampedHoltWinters fit)
    {
        var model = fit.Forecast(horizon);
        if (Combined(y, y.Count, season, horizon, fit) is not { } combined) return new PartForecast(model, false, 1);
        // The inner holdout: origins a horizon (at least two seasons) apart, back from the end, while a year and four weeks lie before them.
        var step = Math.Max(horizon, 2 * season);
        var needed = Math.Max(MinimumHistory(season, step) ?? int.MaxValue, DampedHoltWinters.MinimumHistory(season));
        double with = 0, without = 0;
        for (var origin = y.Count - step; origin >= needed; origin -= step)
        {
            var prefix = DampedHoltWinters.Fit(y.Take(origin).ToArray(), season, fit.Parameters);
            if (Combined(y, origin, season, step, prefix) is not { } candidate) break;
            var plain = prefix.Forecast(step);
            for (var h = 0; h < step; h++)
            {
                var actual = y[origin + h];
                if (actual == 0) continue;
                without += Math.Abs(plain[h] - actual) / Math.Abs(actual);
                with += Math.Abs(candidate[h] - actual) / Math.Abs(actual);
            }
        }
        return with < without ? new PartForecast(combined, true, with / without) : new PartForecast(model, false, 1);
    }

    /// <summary>
    /// The mean of the model's forecast and last year's shape × this year's level, for <paramref name="horizon"/> steps
    /// after the first <paramref name="length"/> points; null when the history is too short, a value in the windows used
    /// is negative or last year's windows sum to 0, or the season is additive (a weekly index needs a multiplicative one).
    /// </summary>
    public static double[]? Combined(IReadOnlyList<double> y, int length, int season, int horizon, DampedHoltWinters fit)
    {
        if (PeriodOf(season) is not { } period || MinimumHistory(season, horizon) is not { } needed || length < needed) return null;
        if (fit.Mode == SeasonalMode.Additive || !(fit.Level > 0)) return null;
        var width = WidthOf(season);
        var span = GrowthSpanOf(season);
        var lastYear = Mean(y, length - period - width, length - period);
        var growth = Mean(y, length - span, length) / Mean(y, length - period - span, length - period);
        if (!(lastYear > 0) || !double.IsFinite(growth)) return null;
        growth = Math.Clamp(growth, 1 / Cap, Cap);
        var model = fit.Forecast(horizon);
        var flat = fit.Forecast(horizon, trend: false);
        var result = new double[horizon];
        for (var h = 1; h <= horizon; h++)
        {
            var from = Math.Max(0, length - 1 + h - period - width / 2);
            var shape = Mean(y, from, Math.Min(length, from + width)) / lastYear;
            if (!double.IsFinite(shape)) return null;
            var index = flat[h - 1] / fit.Level; // the model's weekly index of the step (1 without a season)
            result[h - 1] = (model[h - 1] + index * lastYear * growth * Math.Clamp(shape, 1 / Cap, Cap)) / 2;
        }
        return result;
    }

    /// <summary>The mean of y over [from, to); NaN when a value is negative.</summary>
    private static double Mean(IReadOnlyList<double> y, int from, int to)
    {
        var sum = 0.0;
        for (var t = from; t < to; t++)
        {
            if (y[t] < 0) return double.NaN;
            sum += y[t];
        }
        return sum / (to - from);
    }
}
