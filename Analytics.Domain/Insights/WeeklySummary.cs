using System.Globalization;
using Analytics.Domain.Metrics;

namespace Analytics.Domain.Insights;

/// <summary>One segment's (e.g. campaign's) additive measures on one day.</summary>
public sealed record SegmentDay(string Segment, DateOnly Day, IReadOnlyDictionary<string, double> Measures);

/// <summary>A total this week against the week before.</summary>
public sealed record MetricChange(string Metric, string Label, double Previous, double Current)
{
    /// <summary>Relative change (0.12 = +12%); null when the previous week had none.</summary>
    public double? Change => Previous == 0 ? null : (Current - Previous) / Previous;
}

/// <summary>The segment that moved the headline metric the most, in the direction the total moved.</summary>
public sealed record SummaryDriver(string Segment, string Metric, double Previous, double Current)
{
    public double Delta => Current - Previous;
}

public sealed record WeeklySummary(
    DateOnly WeekStart, DateOnly WeekEnd, IReadOnlyList<MetricChange> Totals, double? RoasPrevious, double? RoasCurrent,
    string Headline, SummaryDriver? Driver, string Text)
{
    public MetricChange Total(string metric) => Totals.Single(t => t.Metric == metric);
}

/// <summary>
/// Week over week: the totals of the additive measures, ROAS as Σsales / Σspend of each week (not an average of daily
/// ratios), and the segment that drove the headline move (spend or sales, whichever moved more), written as one line
/// with the numbers: “Spend up 12% week over week (41,210 → 46,155), sales down 3% (…), ROAS down from 4.1 to 3.6,
/// driven by campaign X (spend +3,900)”.
/// </summary>
public static class WeeklySummaryBuilder
{
    /// <summary>The last Sunday strictly before <paramref name="today"/>: the end of the last complete Monday–Sunday week.</summary>
    public static DateOnly LastCompleteWeekEnd(DateOnly today)
    {
        var back = (int)today.DayOfWeek; // Sunday = 0 → a full week back
        return today.AddDays(back == 0 ? -7 : -back);
    }

    private static readonly (string Metric, string Label)[] Measures =
        [("spend", "Spend"), ("sales", "Sales"), ("impressions", "Impressions"), ("clicks", "Clicks"), ("purchases", "Purchases")];

    /// <param name="weekEnd">Last day (inclusive) of the week summarised; the week before ends seven days earlier.</param>
    public static WeeklySummary Build(IEnumerable<SegmentDay> rows, DateOnly weekEnd) =>
        Build(rows, weekEnd.AddDays(-6), weekEnd, weekEnd.AddDays(-13), "week over week");

    /// <summary>The calendar month starting <paramref name="monthStart"/> against the month before (the monthly review).</summary>
    public static WeeklySummary BuildMonth(IEnumerable<SegmentDay> rows, DateOnly monthStart) =>
        Build(rows, monthStart, monthStart.AddMonths(1).AddDays(-1), monthStart.AddMonths(-1), "month over month");

    /// <summary>
    /// [<paramref name="weekStart"/>, <paramref name="weekEnd"/>] (inclusive days) against [<paramref name="previousStart"/>,
    /// <paramref name="weekStart"/>): any period against the one before it, described as <paramref name="comparison"/>.
    /// </summary>
    public static WeeklySummary Build(IEnumerable<SegmentDay> rows, DateOnly weekStart, DateOnly weekEnd, DateOnly previousStart, string comparison)
    {
        var current = new Dictionary<(string Segment, string Metric), double>();
        var previous = new Dictionary<(string Segment, string Metric), double>();
        foreach (var row in rows)
        {
            var bucket = row.Day >= weekStart && row.Day <= weekEnd ? current
                : row.Day >= previousStart && row.Day < weekStart ? previous : null;
            if (bucket is null) continue;
            foreach (var (metric, value) in row.Measures)
            {
                bucket[(row.Segment, metric)] = bucket.GetValueOrDefault((row.Segment, metric)) + value;
            }
        }

        double Sum(Dictionary<(string Segment, string Metric), double> week, string metric) =>
            week.Where(kv => kv.Key.Metric == metric).Sum(kv => kv.Value);

        var totals = Measures
            .Where(m => current.Keys.Concat(previous.Keys).Any(k => k.Metric == m.Metric))
            .Select(m => new MetricChange(m.Metric, m.Label, Sum(previous, m.Metric), Sum(current, m.Metric)))
            .ToList();
        var spend = totals.FirstOrDefault(t => t.Metric == "spend");
        var sales = totals.FirstOrDefault(t => t.Metric == "sales");
        double? roasPrevious = spend is { Previous: > 0 } && sales is not null ? sales.Previous / spend.Previous : null;
        double? roasCurrent = spend is { Current: > 0 } && sales is not null ? sales.Current / spend.Current : null;

        var headline = new[] { spend, sales }.OfType<MetricChange>()
            .OrderByDescending(t => Math.Abs(t.Change ?? 0)).FirstOrDefault() ?? totals.FirstOrDefault();
        SummaryDriver? driver = null;
        if (headline is not null && headline.Current != headline.Previous)
        {
            var sign = Math.Sign(headline.Current - headline.Previous);
            driver = current.Keys.Concat(previous.Keys).Where(k => k.Metric == headline.Metric).Select(k => k.Segment).Distinct()
                .Select(s => new SummaryDriver(s, headline.Metric, previous.GetValueOrDefault((s, headline.Metric)), current.GetValueOrDefault((s, headline.Metric))))
                .Where(d => Math.Sign(d.Delta) == sign)
                .OrderByDescending(d => Math.Abs(d.Delta)).ThenBy(d => d.Segment, StringComparer.Ordinal)
                .FirstOrDefault();
        }

        var parts = new List<string>();
        if (spend is not null) parts.Add($"{Describe(spend, capital: true)} {comparison} ({MetricFormat.Approximate(spend.Previous, "integer")} → {MetricFormat.Approximate(spend.Current, "integer")})");
        if (sales is not null) parts.Add($"{Describe(sales, capital: parts.Count == 0)} ({MetricFormat.Approximate(sales.Previous, "integer")} → {MetricFormat.Approximate(sales.Current, "integer")})");
        if (roasPrevious is { } r0 && roasCurrent is { } r1)
        {
            var (a, b) = (Math.Round(r0, 1), Math.Round(r1, 1));
            parts.Add(a == b
                ? $"ROAS steady at {MetricFormat.Approximate(r1, "ratio")}"
                : $"ROAS {(r1 > r0 ? "up" : "down")} from {MetricFormat.Approximate(r0, "ratio")} to {MetricFormat.Approximate(r1, "ratio")}");
        }
        if (driver is not null)
        {
            parts.Add($"driven by campaign {driver.Segment} ({driver.Metric} {MetricFormat.SignedAmount(driver.Delta)})");
        }
        var text = parts.Count == 0 ? $"No data in either period ({comparison})." : string.Join(", ", parts) + ".";
        return new WeeklySummary(weekStart, weekEnd, totals, roasPrevious, roasCurrent, headline?.Metric ?? "", driver, text);
    }

    /// <summary>“Spend up 12%”, “sales down 3%”, “spend flat”, “sales new” (nothing the week before).</summary>
    public static string Describe(MetricChange change, bool capital)
    {
        var label = capital ? change.Label : change.Label.ToLowerInvariant();
        if (change.Change is not { } c) return change.Current == 0 ? $"{label} none" : $"{label} new";
        var pct = Math.Round(Math.Abs(c) * 100);
        return pct == 0 ? $"{label} flat" : $"{label} {(c > 0 ? "up" : "down")} {pct.ToString("0", CultureInfo.InvariantCulture)}%";
    }
}
