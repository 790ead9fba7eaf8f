namespace Analytics.Domain.Exports;

/// <summary>Axis ticks at "nice" steps (1, 2, 2.5, 5 × 10ⁿ) covering a data range, as charting libraries do.</summary>
public sealed record NiceScale(double Min, double Max, double Step)
{
    public IEnumerable<double> Ticks()
    {
        var count = (int)Math.Round((Max - Min) / Step);
        for (var i = 0; i <= count; i++) yield return Math.Round(Min + i * Step, 10);
    }

    /// <summary>A scale from <paramref name="min"/> to <paramref name="max"/> with about <paramref name="maxTicks"/> ticks; zero is kept in view.</summary>
    public static NiceScale For(double min, double max, int maxTicks = 5, bool includeZero = true)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) (min, max) = (0, 1);
        if (includeZero) (min, max) = (Math.Min(0, min), Math.Max(0, max));
        if (max - min < 1e-12)
        {
            max = min == 0 ? 1 : min + Math.Abs(min) * 0.5;
            if (includeZero && min > 0) min = 0;
        }
        var step = NiceNumber((max - min) / Math.Max(1, maxTicks - 1), round: true);
        var niceMin = Math.Floor(min / step) * step;
        var niceMax = Math.Ceiling(max / step) * step;
        return new NiceScale(niceMin, niceMax, step);
    }

    public static double NiceNumber(double range, bool round)
    {
        var exponent = Math.Floor(Math.Log10(range));
        var fraction = range / Math.Pow(10, exponent);
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }
}
