namespace Analytics.Domain.Insights;

/// <summary>
/// Monotonic trend of an evenly spaced series: the Theil–Sen slope (median of pairwise slopes, robust to outliers) for
/// the size, and the Mann–Kendall test (with the tie correction and continuity correction) for the significance.
/// Feed it weekly totals rather than days when the series has a weekly cycle.
/// </summary>
public sealed class TrendDetector(TrendOptions? options = null)
{
    public TrendOptions Options { get; } = options ?? new TrendOptions();

    public static TrendResult Analyze(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 3) return new TrendResult(n, 0, 0, 0, 0, 1, 0, 0, 0, TrendDirection.None);

        var slopes = new List<double>(n * (n - 1) / 2);
        long s = 0;
        for (var i = 0; i < n - 1; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                slopes.Add((values[j] - values[i]) / (j - i));
                s += Math.Sign(values[j] - values[i]);
            }
        }
        var slope = RobustStats.Median(slopes);
        var intercept = RobustStats.Median(values.Select((v, i) => v - slope * i));
        var start = intercept;
        var end = intercept + slope * (n - 1);

        // Var(S) with the tie correction: n(n-1)(2n+5) minus Σ t(t-1)(2t+5) over groups of equal values.
        var tieTerm = values.GroupBy(v => v).Where(g => g.Count() > 1).Sum(g => (double)g.Count() * (g.Count() - 1) * (2 * g.Count() + 5));
        var variance = (n * (n - 1.0) * (2 * n + 5) - tieTerm) / 18.0;
        var z = variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.Sqrt(variance) : s < 0 ? (s + 1) / Math.Sqrt(variance) : 0;
        var p = 2 * (1 - RobustStats.NormalCdf(Math.Abs(z)));
        var tau = s / (n * (n - 1) / 2.0);
        var pct = Math.Abs(start) < 1e-12 ? 0 : (end - start) / Math.Abs(start);
        var direction = slope > 0 ? TrendDirection.Up : slope < 0 ? TrendDirection.Down : TrendDirection.None;
        return new TrendResult(n, slope, intercept, s, z, p, tau, start, pct, direction);
    }

    /// <summary>The trend when it is significant and large enough to mention; otherwise null.</summary>
    public TrendResult? Detect(IReadOnlyList<double> values)
    {
        if (values.Count < Options.MinPoints) return null;
        var result = Analyze(values);
        return result.PValue <= Options.MaxPValue && Math.Abs(result.PercentChange) >= Options.MinPercentChange ? result : null;
    }
}

public sealed record TrendOptions
{
    /// <summary>Fewest points a trend may rest on.</summary>
    public int MinPoints { get; init; } = 6;
    /// <summary>Largest two-sided Mann–Kendall p-value that counts as a trend.</summary>
    public double MaxPValue { get; init; } = 0.05;
    /// <summary>Smallest change over the window (Theil–Sen line, end vs start; 0.1 = 10%) worth an insight.</summary>
    public double MinPercentChange { get; init; } = 0.10;
}

public enum TrendDirection { None, Up, Down }

/// <param name="Slope">Theil–Sen slope per step.</param>
/// <param name="Intercept">Theil–Sen line at the first point.</param>
/// <param name="S">Mann–Kendall statistic.</param>
/// <param name="Z">Normal approximation of S.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Tau">Kendall's tau, S over the number of pairs.</param>
/// <param name="StartLevel">The fitted line's value at the first point.</param>
/// <param name="PercentChange">Change of the fitted line from the first to the last point, relative to the first (0.1 = 10%).</param>
public sealed record TrendResult(int Points, double Slope, double Intercept, long S, double Z, double PValue, double Tau,
    double StartLevel, double PercentChange, TrendDirection Direction)
{
    public double EndLevel => StartLevel + Slope * (Points - 1);
    /// <summary>1 − p: how sure the test is that the series moves one way.</summary>
    public double Confidence => 1 - PValue;
}
