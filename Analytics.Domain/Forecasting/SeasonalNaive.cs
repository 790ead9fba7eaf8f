namespace Analytics.Domain.Forecasting;

/// <summary>The baseline a model must beat: the last season repeated (last week's same weekday; the last value without a season).</summary>
public static class SeasonalNaive
{
    public static double[] Forecast(IReadOnlyList<double> history, int season, int horizon)
    {
        var result = new double[horizon];
        var n = history.Count;
        for (var h = 1; h <= horizon; h++)
        {
            var back = season * (int)Math.Ceiling(h / (double)season);
            result[h - 1] = history[n + h - 1 - back];
        }
        return result;
    }
}
