namespace Analytics.Domain.Insights;

/// <summary>Order statistics and the normal distribution, the few the detectors need.</summary>
public static class RobustStats
{
    /// <summary>1 / Φ⁻¹(3/4): scales a median absolute deviation to a standard deviation under normality.</summary>
    public const double MadToSigma = 1.4826;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Median absolute deviation from the median.</summary>
    public static double Mad(IReadOnlyCollection<double> values)
    {
        var median = Median(values);
        return Median(values.Select(v => Math.Abs(v - median)));
    }

    /// <summary>Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 erf, |error| &lt; 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
