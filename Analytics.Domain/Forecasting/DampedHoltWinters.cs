namespace Analytics.Domain.Forecasting;

public enum SeasonalMode { None, Additive, Multiplicative }

/// <param name="Alpha">Level smoothing, 0.01–0.99.</param>
/// <param name="Beta">Trend smoothing, below <paramref name="Alpha"/>.</param>
/// <param name="Gamma">Season smoothing, below 1 − <paramref name="Alpha"/> (0 without a season).</param>
/// <param name="Phi">Trend damping, 0.80–0.98: the trend fades instead of running on forever.</param>
public sealed record HoltWintersParameters(double Alpha, double Beta, double Gamma, double Phi);

/// <summary>
/// Holt-Winters exponential smoothing with a damped trend (ETS A,Ad,M — or A,Ad,A when a value is zero or negative, and
/// A,Ad,N without a season), in the error-correction form of Hyndman et al., <i>Forecasting with Exponential
/// Smoothing</i> (2008), §2.3:
/// <code>
///   ŷ(t)  = (l + φb) · s(t−m)                       forecast one step ahead
///   e(t)  = y(t) − ŷ(t)
///   l     ← l + φb + α e / s(t−m)
///   b     ← φb + β e / s(t−m)
///   s(t)  = s(t−m) + γ e / (l_prev + φb_prev)
///   ŷ(T+h) = (l + (φ + φ² + … + φʰ) b) · s(T+h−m⌈h/m⌉)
/// </code>
/// The states learn from the error clipped at ±2 running error scales (robust Holt-Winters, Gelper, Fried &amp; Croux,
/// <i>Robust forecasting with exponential and Holt-Winters smoothing</i>, 2010), so one unusual day does not drag the
/// forecast along. Three clipped errors in a row, all of one sign, are not outliers but a <b>level shift</b> (an additive
/// outlier is one day; a level shift persists — the distinction of Tsay, <i>Outliers, level shifts and variance changes in
/// time series</i>, 1988): the level then takes what the clipping held back over the run, so a new level (a budget
/// raised, a price cut, a season's step) is learned within days instead of being clipped away for weeks. α, β, γ and φ are fitted per series by minimizing the absolute one-step errors (relative with a
/// multiplicative season; <see cref="NelderMead"/> over a logistic map of the bounds). The initial level, trend, season
/// and error scale come from the first (up to four) whole seasons.
/// Prediction intervals come from the one-step residuals (relative to the forecast when the season is multiplicative),
/// widened with the horizon by the ETS variance factor √(1 + Σⱼ₌₁ʰ⁻¹ (α + βφⱼ + γ[j mod m = 0])²).
/// </summary>
public sealed class DampedHoltWinters
{
    private readonly double _level;
    private readonly double _trend;
    private readonly double[] _seasonal;
    private readonly int _length;

    private DampedHoltWinters(int season, SeasonalMode mode, HoltWintersParameters parameters, State state, double[] residuals, int length)
    {
        Season = season;
        Mode = mode;
        Parameters = parameters;
        _level = state.Level;
        _trend = state.Trend;
        _seasonal = state.Seasonal;
        Residuals = residuals;
        _length = length;
    }

    /// <summary>Points per season (7 for daily data with a weekly season); 1 without a season.</summary>
    public int Season { get; }
    public SeasonalMode Mode { get; }
    public HoltWintersParameters Parameters { get; }

    /// <summary>The level at the end of the history (without the season).</summary>
    public double Level => _level;

    /// <summary>
    /// The one-step residual at each time of the history (NaN for the first seasons, which only set the start, and where
    /// the forecast was 0): relative (e / ŷ) when <see cref="Mode"/> is multiplicative, else absolute.
    /// </summary>
    public IReadOnlyList<double> Residuals { get; }

    public bool RelativeResiduals => Mode == SeasonalMode.Multiplicative;

    /// <summary>The fewest points a fit needs: two whole seasons and a week more (21 days), or eight without a season.</summary>
    public static int MinimumHistory(int season) => season > 1 ? 3 * season : 8;

    /// <param name="parameters">Given smoothing parameters instead of fitted ones (to run a fitted model over part of its history).</param>
    public static DampedHoltWinters Fit(IReadOnlyList<double> history, int season, HoltWintersParameters? parameters = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(season, 1);
        if (history.Count < MinimumHistory(season))
            throw new ArgumentException($"At least {MinimumHistory(season)} points are needed, got {history.Count}.", nameof(history));
        var y = history.ToArray();
        var mode = season == 1 ? SeasonalMode.None : y.All(v => v > 0) ? SeasonalMode.Multiplicative : SeasonalMode.Additive;
        var start = Initial(y, season, mode);
        var seasonal = mode != SeasonalMode.None;

        // Unconstrained search space: logits of α, β/α, γ/(1−α) and (φ−0.8)/0.18.
        double[] x0 = seasonal ? [Logit(0.3), Logit(0.1), Logit(0.1), Logit(0.8)] : [Logit(0.3), Logit(0.1), Logit(0.8)];
        parameters ??= Map(NelderMead.Minimize(x => Run(y, season, mode, Map(x, seasonal), start, null, out _), x0), seasonal);
        var residuals = new double[y.Length];
        Run(y, season, mode, parameters, start, residuals, out var end);
        return new DampedHoltWinters(season, mode, parameters, end, residuals, y.Length);
    }

    /// <summary>Point forecasts for the <paramref name="horizon"/> steps after the history.</summary>
    /// <param name="trend">Whether the damped trend carries on; without it, the last level with the season.</param>
    public double[] Forecast(int horizon, bool trend = true)
    {
        var result = new double[horizon];
        var phi = Parameters.Phi;
        var damped = 0.0;
        var power = 1.0;
        for (var h = 1; h <= horizon; h++)
        {
            power *= phi;
            damped += power;
            var level = trend ? _level + damped * _trend : _level;
            var s = Mode == SeasonalMode.None ? 0 : _seasonal[(_length - 1 + h) % Season];
            result[h - 1] = Mode switch
            {
                SeasonalMode.Multiplicative => level * s,
                SeasonalMode.Additive => level + s,
                _ => level,
            };
        }
        return result;
    }

    /// <summary>How much wider than a one-step error the error <paramref name="h"/> steps ahead is (1 for h = 1).</summary>
    public double HorizonScale(int h)
    {
        var (alpha, beta, gamma, phi) = Parameters;
        var variance = 1.0;
        var damped = 0.0;
        var power = 1.0;
        for (var j = 1; j < h; j++)
        {
            power *= phi;
            damped += power;
            var c = alpha + beta * damped + (Season > 1 && j % Season == 0 ? gamma : 0);
            variance += c * c;
        }
        return Math.Sqrt(variance);
    }

    /// <summary>A forecast <paramref name="point"/> <paramref name="h"/> steps ahead, moved by one historical residual (a scenario).</summary>
    public double Perturb(double point, int h, double residual) =>
        RelativeResiduals ? point * (1 + HorizonScale(h) * residual) : point + HorizonScale(h) * residual;

    public string Describe() => Mode switch
    {
        SeasonalMode.Multiplicative => $"damped Holt-Winters, multiplicative season of {Season}",
        SeasonalMode.Additive => $"damped Holt-Winters, additive season of {Season}",
        _ => "damped Holt (no season)",
    };

    private sealed record State(double Level, double Trend, double[] Seasonal, double Scale);

    /// <summary>Errors beyond this many scales are clipped before the states learn from them (Huber's ψ).</summary>
    private const double Clip = 2.0;
    /// <summary>E[min(Z², 4)] for a standard normal Z: keeps the clipped scale estimate unbiased for normal errors.</summary>
    private const double ClippedVariance = 0.9205;
    /// <summary>This many clipped errors in a row, all of one sign, are a level shift rather than outliers.</summary>
    private const int ShiftRun = 3;
    /// <summary>How fast the error scale follows (λσ of Gelper et al.).</summary>
    private const double ScaleSmoothing = 0.1;

    private static HoltWintersParameters Map(double[] x, bool seasonal)
    {
        var alpha = 0.01 + 0.98 * Sigmoid(x[0]);
        var beta = alpha * Sigmoid(x[1]);
        var gamma = seasonal ? (1 - alpha) * Sigmoid(x[2]) : 0;
        var phi = 0.8 + 0.18 * Sigmoid(x[seasonal ? 3 : 2]);
        return new HoltWintersParameters(alpha, beta, gamma, phi);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Level and trend from the means of the first whole seasons; season indices as the average deviation from them.</summary>
    private static State Initial(double[] y, int m, SeasonalMode mode)
    {
        if (mode == SeasonalMode.None)
        {
            var k = Math.Min(4, y.Length - 1);
            var steps = Enumerable.Range(1, y.Length - 1).Select(t => Math.Abs(y[t] - y[t - 1])).ToList();
            return new State(y[0], (y[k] - y[0]) / k, [], Math.Max(1e-9, Insights.RobustStats.Median(steps) * Insights.RobustStats.MadToSigma / Math.Sqrt(2)));
        }
        var seasons = Math.Min(4, y.Length / m);
        var means = Enumerable.Range(0, seasons).Select(j => y.Skip(j * m).Take(m).Average()).ToArray();
        var level = means[0];
        var trend = (means[^1] - means[0]) / ((seasons - 1) * m);
        var indices = new double[m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < seasons; j++)
                indices[i] += mode == SeasonalMode.Multiplicative ? y[j * m + i] / means[j] : y[j * m + i] - means[j];
            indices[i] /= seasons;
        }
        var mean = indices.Average();
        for (var i = 0; i < m; i++) indices[i] = mode == SeasonalMode.Multiplicative ? indices[i] / mean : indices[i] - mean;
        // The error scale to start from: the spread of the first seasons around their season means and pattern (relative
        // with a multiplicative season), as a robust standard deviation.
        var deviations = new List<double>();
        for (var j = 0; j < seasons; j++)
        {
            for (var i = 0; i < m; i++)
            {
                var v = y[j * m + i];
                deviations.Add(mode == SeasonalMode.Multiplicative ? Math.Abs(v / (means[j] * indices[i]) - 1) : Math.Abs(v - means[j] - indices[i]));
            }
        }
        var scale = Math.Max(1e-9, Insights.RobustStats.Median(deviations) * Insights.RobustStats.MadToSigma);
        return new State(level, trend, indices, scale);
    }

    /// <summary>Runs the recursions over the history; returns the sum of squared one-step errors (∞ for parameters that break down).</summary>
    private static double Run(double[] y, int m, SeasonalMode mode, HoltWintersParameters p, State start, double[]? residuals, out State end)
    {
        var (alpha, beta, gamma, phi) = p;
        var level = start.Level;
        var trend = start.Trend;
        var seasonal = (double[])start.Seasonal.Clone();
        var loss = 0.0;
        var burnIn = Math.Min(y.Length / 3, 2 * m);
        var scale = start.Scale;
        // A run of clipped errors of one sign: what the clipping held back at each step, in level units.
        var held = new double[ShiftRun];
        var run = 0;
        end = start;
        for (var t = 0; t < y.Length; t++)
        {
            var baseLevel = level + phi * trend;
            var i = t % m;
            var relative = mode == SeasonalMode.Multiplicative;
            var forecast = mode switch
            {
                SeasonalMode.Multiplicative => baseLevel * seasonal[i],
                SeasonalMode.Additive => baseLevel + seasonal[i],
                _ => baseLevel,
            };
            if (relative && (baseLevel <= 1e-9 || seasonal[i] <= 1e-9)) return double.PositiveInfinity;
            var error = y[t] - forecast;
            // Robust updating (Gelper, Fried & Croux 2010): the states learn from the error clipped at ±Clip scales, so one
            // unusual day (a spike, an outage) moves the level a little instead of dragging the forecast along for weeks.
            var unit = relative ? forecast : 1.0;
            var z = error / unit / scale;
            var cleaned = Math.Clamp(z, -Clip, Clip) * scale * unit;
            run = Math.Abs(z) <= Clip ? 0 : run > 0 && Math.Sign(z) == Math.Sign(held[(run - 1) % ShiftRun]) ? run + 1 : 1;
            if (run > 0) held[(run - 1) % ShiftRun] = mode == SeasonalMode.Multiplicative ? (error - cleaned) / seasonal[i] : error - cleaned;
            scale = Math.Sqrt((1 - ScaleSmoothing) * scale * scale + ScaleSmoothing * Math.Min(z * z, Clip * Clip) * scale * scale / ClippedVariance);
            switch (mode)
            {
                case SeasonalMode.Multiplicative:
                    var s = seasonal[i];
                    level = baseLevel + alpha * cleaned / s;
                    trend = phi * trend + beta * cleaned / s;
                    seasonal[i] = s + gamma * cleaned / baseLevel;
                    break;
                case SeasonalMode.Additive:
                    level = baseLevel + alpha * cleaned;
                    trend = phi * trend + beta * cleaned;
                    seasonal[i] += gamma * cleaned;
                    break;
                default:
                    level = baseLevel + alpha * cleaned;
                    trend = phi * trend + beta * cleaned;
                    break;
            }
            // A level shift, not an outlier: ShiftRun errors in a row beyond the clip, all one way. The level takes what the
            // clipping held back over the run, so a new level (a budget raised, a price cut) is learned within days.
            if (run >= ShiftRun)
            {
                level += held.Average();
                run = 0;
            }
            // Absolute (relative, with a multiplicative season) one-step errors: a robust loss, so outliers do not pick the parameters.
            loss += Math.Abs(error) / unit;
            if (residuals is not null)
            {
                residuals[t] = t < burnIn ? double.NaN
                    : mode == SeasonalMode.Multiplicative ? (forecast > 0 ? error / forecast : double.NaN)
                    : error;
            }
        }
        if (!double.IsFinite(loss)) return double.PositiveInfinity;
        end = new State(level, trend, seasonal, scale);
        return loss;
    }
}
