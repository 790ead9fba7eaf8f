namespace Analytics.Domain.Insights;

/// <summary>
/// Day-level anomalies robust to the weekly cycle. Each value is compared, on a log scale, with the median of the same
/// weekday over the previous <see cref="AnomalyOptions.Weeks"/> weeks; the residual is divided by a robust scale
/// (MAD × 1.4826 of the series' own residuals over the previous <see cref="AnomalyOptions.ScaleDays"/> days) and a day
/// is flagged when that z-score and the relative change both pass their thresholds.
/// <para>
/// Scanned as a group (the campaigns of one instance, one metric), the median residual of the peers on each day is
/// taken out first: a shift every campaign shares (Prime Day, a holiday peak, a tracking outage of the whole account)
/// is the account's news, not each campaign's, and would otherwise flag every campaign at once.
/// </para>
/// </summary>
public sealed class AnomalyDetector(AnomalyOptions? options = null)
{
    public AnomalyOptions Options { get; } = options ?? new AnomalyOptions();

    /// <summary>Anomalies of one series on its own.</summary>
    public IReadOnlyList<AnomalyPoint> Detect(DailySeries series, DateOnly? from = null) => DetectGroup([series], from);

    /// <summary>Anomalies of comparable series (same metric, same days), each judged after the peers' common move.</summary>
    public IReadOnlyList<AnomalyPoint> DetectGroup(IReadOnlyList<DailySeries> group, DateOnly? from = null)
    {
        if (group.Count == 0) return [];
        var first = group.Min(s => s.FirstDay);
        var days = group.Max(s => s.FirstDay.DayNumber + s.Values.Count) - first.DayNumber;

        // Log values on one shared day axis; NaN where a series has no value.
        var logs = group.Select(s =>
        {
            var y = new double[days];
            Array.Fill(y, double.NaN);
            var offset = s.FirstDay.DayNumber - first.DayNumber;
            for (var i = 0; i < s.Values.Count; i++)
            {
                var v = s.Values[i];
                if (!double.IsNaN(v) && v >= 0) y[offset + i] = Math.Log(v + Options.CountOffset);
            }
            return y;
        }).ToList();

        var baselines = logs.Select(SeasonalBaseline).ToList();
        var residuals = logs.Select((y, k) => y.Select((v, t) => v - baselines[k][t]).ToArray()).ToList();

        var common = new double[days];
        if (group.Count >= Options.MinPeers)
        {
            for (var t = 0; t < days; t++)
            {
                var day = residuals.Select(r => r[t]).Where(r => !double.IsNaN(r)).ToList();
                common[t] = day.Count >= Options.MinPeers ? RobustStats.Median(day) : 0;
            }
        }

        var found = new List<AnomalyPoint>();
        var start = from is { } f ? Math.Max(0, f.DayNumber - first.DayNumber) : 0;
        for (var k = 0; k < group.Count; k++)
        {
            var adjusted = residuals[k].Select((r, t) => r - common[t]).ToArray();
            for (var t = start; t < days; t++)
            {
                if (double.IsNaN(adjusted[t])) continue;
                var window = new List<double>(Options.ScaleDays);
                for (var u = Math.Max(0, t - Options.ScaleDays); u < t; u++)
                {
                    if (!double.IsNaN(adjusted[u])) window.Add(adjusted[u]);
                }
                if (window.Count < Options.MinScaleDays) continue;
                var scale = Math.Max(Options.MinScale, RobustStats.MadToSigma * RobustStats.Mad(window));
                var z = adjusted[t] / scale;
                var relative = Math.Exp(adjusted[t]) - 1;
                if (Math.Abs(z) < Options.Threshold || Math.Abs(adjusted[t]) < Math.Log(Options.MinFoldChange)) continue;

                var value = Math.Exp(logs[k][t]) - Options.CountOffset;
                var expected = Math.Exp(baselines[k][t] + common[t]) - Options.CountOffset;
                found.Add(new AnomalyPoint(group[k].Key, first.AddDays(t), value, expected, relative, z));
            }
        }
        return found;
    }

    /// <summary>Median of the same weekday over the previous weeks; NaN until enough of them exist.</summary>
    private double[] SeasonalBaseline(double[] y)
    {
        var baseline = new double[y.Length];
        var same = new List<double>(Options.Weeks);
        for (var t = 0; t < y.Length; t++)
        {
            same.Clear();
            for (var w = 1; w <= Options.Weeks && t - 7 * w >= 0; w++)
            {
                if (!double.IsNaN(y[t - 7 * w])) same.Add(y[t - 7 * w]);
            }
            baseline[t] = same.Count >= Options.MinWeeks ? RobustStats.Median(same) : double.NaN;
        }
        return baseline;
    }
}

public sealed record AnomalyOptions
{
    /// <summary>Same-weekday history the baseline is the median of.</summary>
    public int Weeks { get; init; } = 8;
    /// <summary>Fewest same-weekday values a baseline needs.</summary>
    public int MinWeeks { get; init; } = 4;
    /// <summary>Days of earlier residuals the robust scale is measured on.</summary>
    public int ScaleDays { get; init; } = 56;
    public int MinScaleDays { get; init; } = 14;
    /// <summary>|z| at or above which a day is unusual.</summary>
    public double Threshold { get; init; } = 5;
    /// <summary>
    /// Smallest change worth an alarm whatever the z, as a factor both ways: 2 = at least double or at most half the
    /// expected value. Symmetric on the log scale, so a drop needs the same evidence as a spike.
    /// </summary>
    public double MinFoldChange { get; init; } = 2;
    /// <summary>Floor of the residual scale (log units), so a near-constant series does not alarm on rounding.</summary>
    public double MinScale { get; init; } = 0.02;
    /// <summary>Added before taking logs so counts of zero stay finite and tiny counts weigh less.</summary>
    public double CountOffset { get; init; } = 1;
    /// <summary>Fewest series in a group (on a day) for the peers' common move to be taken out.</summary>
    public int MinPeers { get; init; } = 3;
}

/// <summary>A daily series: <see cref="Values"/>[i] is the value on <see cref="FirstDay"/> + i (NaN = no value).</summary>
public sealed record DailySeries(string Key, DateOnly FirstDay, IReadOnlyList<double> Values);

/// <param name="RelativeChange">Against the expected value: 2.5 = 3.5×, −0.9 = a tenth.</param>
/// <param name="Z">Robust z-score of the log residual.</param>
public sealed record AnomalyPoint(string Key, DateOnly Day, double Value, double Expected, double RelativeChange, double Z)
{
    /// <summary>Two-sided normal confidence of the z-score.</summary>
    public double Confidence => 1 - 2 * (1 - RobustStats.NormalCdf(Math.Abs(Z)));
}
