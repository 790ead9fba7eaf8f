using System.Globalization;
using Analytics.Data.Query;
using Analytics.Domain.Insights;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Data.Dashboards;

/// <summary>
/// Whether a KPI card's latest day is unusual, by the insights' <see cref="AnomalyDetector"/> (the same rule the daily
/// scan and the chat use): the card's metric, under the card's filters, per day over enough history for the detector's
/// same-weekday baseline, ending at the last complete day of the card's range.
/// </summary>
public static class KpiAnomalies
{
    private static readonly AnomalyDetector Detector = new();

    /// <summary>History read before the day judged: the baseline's weeks plus the scale's days, and a week of slack.</summary>
    public static int HistoryDays => 7 * Detector.Options.Weeks + Detector.Options.ScaleDays + 7;

    /// <returns>A short sentence (“Unusual: Spend +250% on Thu 12 Mar against about 1,200 expected for that weekday”), or null.</returns>
    public static async Task<string?> CheckAsync(FactQueryService facts, WidgetContext context, SemanticQuery current, string label, TimeProvider clock, CancellationToken ct)
    {
        if (current.TimeRange is not { End: { } rangeEnd } || current.Metrics is not { Count: > 0 } metrics) return null;
        // The day in progress is not over: judging it would call every morning a drop.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), context.Zone).DateTime);
        // The first day after the range (its end is exclusive), or today when the range runs into it.
        var end = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(rangeEnd.AddTicks(-1), context.Zone).DateTime).AddDays(1);
        if (end > today) end = today;
        var daily = current with
        {
            Metrics = [metrics[0]], GroupBy = [], Granularity = "day", Sort = null, Limit = null, FillEmpty = false,
            TimeRange = new QueryTimeRange(rangeEnd.AddDays(-(HistoryDays + 1)), rangeEnd),
        };
        var result = await facts.ExecuteAsync(context.Actor, daily, ct);
        var timeIndex = result.Columns.ToList().FindIndex(c => c.Role == "time");
        if (timeIndex < 0 || result.Rows.Count == 0) return null;
        var values = new SortedDictionary<DateOnly, double>();
        foreach (var row in result.Rows)
        {
            var day = row[timeIndex] switch
            {
                DateTime t => DateOnly.FromDateTime(t),
                DateTimeOffset o => DateOnly.FromDateTime(o.DateTime),
                _ => (DateOnly?)null,
            };
            if (day is { } d && d < end && row[^1] is { } v) values[d] = Convert.ToDouble(v, CultureInfo.InvariantCulture);
        }
        if (values.Count == 0) return null;
        var first = values.Keys.First();
        var last = values.Keys.Last();
        var series = new double[last.DayNumber - first.DayNumber + 1];
        Array.Fill(series, double.NaN);
        foreach (var (day, value) in values) series[day.DayNumber - first.DayNumber] = value;
        var point = Detector.Detect(new DailySeries(label, first, series), last).FirstOrDefault(p => p.Day == last);
        if (point is null) return null;
        return $"Unusual: {label} {point.RelativeChange.ToString("+0%;−0%", CultureInfo.InvariantCulture)} on {last.ToString("ddd d MMM", CultureInfo.InvariantCulture)} " +
            $"against about {Number(point.Expected)} expected for that weekday";
    }

    private static string Number(double value) => MetricFormat.Approximate(value);
}
