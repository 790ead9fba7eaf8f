using Analytics.Domain.Metrics;

namespace Analytics.Domain.Insights;

/// <summary>One KPI a dashboard shows, this week against the week before, over the dashboard's instances.</summary>
/// <param name="Additive">A base measure (summed); otherwise a ratio of sums such as ROAS, compared level to level.</param>
/// <param name="Format"><c>currency</c>, <c>number</c>, <c>ratio</c> or <c>percent</c> (the catalog's format).</param>
public sealed record KpiChange(string Metric, string Label, string Format, bool Additive, double? Previous, double? Current)
{
    public double? Change => Previous is { } p && p != 0 && Current is { } c ? (c - p) / Math.Abs(p) : null;
}

public sealed record DashboardWeeklySummary(DateOnly WeekStart, DateOnly WeekEnd, IReadOnlyList<KpiChange> Kpis, SummaryDriver? Driver, string Text);

/// <summary>
/// The weekly summary of one dashboard: each KPI its widgets show, week over week, in the order they appear —
/// “Spend up 12% week over week (41,210 → 46,155), sales down 3% (…), ROAS down from 4.1 to 3.6, ACOS up from 24.4% to
/// 27.7%, driven by campaign X (spend +3,900)”. Sums are compared with their change in percent; ratios level to level.
/// </summary>
public static class DashboardSummaryBuilder
{
    public static DashboardWeeklySummary Build(DateOnly weekEnd, IReadOnlyList<KpiChange> kpis, SummaryDriver? driver)
    {
        var parts = new List<string>();
        foreach (var k in kpis)
        {
            var first = parts.Count == 0;
            if (k.Current is not { } current) continue;
            var label = first ? k.Label : LowerFirst(k.Label);
            if (k.Additive)
            {
                var change = new MetricChange(k.Metric, k.Label, k.Previous ?? 0, current);
                parts.Add($"{WeeklySummaryBuilder.Describe(change, capital: first)}" +
                    $"{(first ? " week over week" : "")} ({Format(k.Format, k.Previous ?? 0)} → {Format(k.Format, current)})");
            }
            else if (k.Previous is { } previous)
            {
                var (a, b) = (Format(k.Format, previous), Format(k.Format, current));
                parts.Add(a == b ? $"{label} steady at {b}" : $"{label} {(current > previous ? "up" : "down")} from {a} to {b}{(first ? " week over week" : "")}");
            }
            else
            {
                parts.Add($"{label} {Format(k.Format, current)}");
            }
        }
        if (driver is not null)
        {
            parts.Add($"driven by campaign {driver.Segment} ({driver.Metric} {MetricFormat.SignedAmount(driver.Delta)})");
        }
        var text = parts.Count == 0 ? "No data for this dashboard's KPIs in either week." : string.Join(", ", parts) + ".";
        return new DashboardWeeklySummary(weekEnd.AddDays(-6), weekEnd, kpis, driver, text);
    }

    /// <summary>
    /// The segment whose change moved <paramref name="metric"/>'s total most in the direction the total moved, from each
    /// segment's previous and current sums; null when the total did not move.
    /// </summary>
    public static SummaryDriver? Driver(string metric, IReadOnlyDictionary<string, (double Previous, double Current)> segments)
    {
        var delta = segments.Values.Sum(v => v.Current - v.Previous);
        if (delta == 0) return null;
        return segments.Select(s => new SummaryDriver(s.Key, metric, s.Value.Previous, s.Value.Current))
            .Where(d => Math.Sign(d.Delta) == Math.Sign(delta))
            .OrderByDescending(d => Math.Abs(d.Delta)).ThenBy(d => d.Segment, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>A value as the summary writes it: sums as whole numbers, ratios with one decimal, percents with one decimal and %.</summary>
    public static string Format(string format, double value) =>
        MetricFormat.Approximate(value, format is "ratio" or "percent" ? format : "integer");

    private static string LowerFirst(string label) =>
        label.Length > 1 && char.IsUpper(label[1]) ? label : label.Length == 0 ? label : char.ToLowerInvariant(label[0]) + label[1..];
}
