using System.Globalization;
using System.Text;
using Analytics.Domain.Chat;
using Analytics.Domain.Metrics;

namespace Analytics.Data.Chat;

/// <summary>
/// Answers derived from a query's rows (offline planner): an average per day or week ("average daily spend in
/// August": the total over the period's days that have data, divided by them) and each group's share of the total
/// ("share of spend by campaign"). Only summable metrics have either; a ratio (ROAS, CTR) is answered as the ratio
/// over the period, saying so.
/// </summary>
public static class ChatDerived
{
    /// <summary>The base measures, which add up over days and groups; every other metric is a ratio of sums.</summary>
    public static readonly IReadOnlySet<string> Summable = new HashSet<string>(StringComparer.Ordinal) { "impressions", "clicks", "spend", "sales", "purchases" };

    public sealed record Answer(ChatVisualization Visualization, string Text);

    public static Answer? Apply(ChatPlan plan, ChatToolResult result, ChatVocabulary vocabulary)
    {
        if (plan.Intent != ChatIntent.Query || result.Visualization is not { } viz || plan.Range is not { } range) return null;
        if (plan.Per is { } per && plan.GroupBy.Count == 0 && viz.Rows.Count == 1) return Average(plan, viz, range, per, vocabulary);
        if (plan.Share && plan.GroupBy.Count > 0 && Summable.Contains(plan.Metrics[0])) return Share(plan, viz, vocabulary);
        return null;
    }

    /// <summary>The days of <paramref name="range"/> that have data (all of them when coverage is unknown).</summary>
    public static int CoveredDays(DateRange range, DataCoverage? coverage)
    {
        if (coverage is null) return range.Days;
        var start = range.Start > coverage.First ? range.Start : coverage.First;
        var end = range.End <= coverage.Last ? range.End : coverage.Last.AddDays(1);
        return Math.Max(0, end.DayNumber - start.DayNumber);
    }

    private static Answer Average(ChatPlan plan, ChatVisualization viz, DateRange range, string per, ChatVocabulary vocabulary)
    {
        var days = CoveredDays(range, vocabulary.Coverage);
        var units = per == "week" ? days / 7.0 : days;
        var columns = new List<ChatColumn>();
        var values = new List<object?>();
        var parts = new List<string>();
        foreach (var metric in plan.Metrics)
        {
            var i = viz.Columns.ToList().FindIndex(c => c.Name == metric);
            if (i < 0) continue;
            var m = vocabulary.Metrics.FirstOrDefault(x => x.Name == metric);
            var label = m?.Label ?? metric;
            var total = viz.Rows[0][i] as double?;
            if (Summable.Contains(metric))
            {
                double? average = total is { } t && units > 0 ? t / units : null;
                columns.Add(new ChatColumn($"{metric}_per_{per}", "number", $"{label} per {per} (average)", m?.Format));
                values.Add(average);
                parts.Add($"average {(per == "day" ? "daily" : "weekly")} {label} {MetricFormat.Format(average, m?.Format)} ({MetricFormat.Format(total, m?.Format)} over {days} day{(days == 1 ? "" : "s")})");
            }
            else
            {
                columns.Add(viz.Columns[i]);
                values.Add(total);
                parts.Add($"{label} {MetricFormat.Format(total, m?.Format)} (a ratio, so the same over the whole period; it has no {(per == "day" ? "daily" : "weekly")} average)");
            }
        }
        var text = $"In {range.Label}{ChatAnswerWriter.Scope(plan, vocabulary)}: {string.Join("; ", parts)}.";
        return new Answer(new ChatVisualization("kpi", $"Average per {per}, {range.Label}", null, columns, [values.ToArray()]), text);
    }

    private static Answer Share(ChatPlan plan, ChatVisualization viz, ChatVocabulary vocabulary)
    {
        var dims = plan.GroupBy.Count;
        var metric = plan.Metrics[0];
        var i = viz.Columns.ToList().FindIndex(c => c.Name == metric);
        var m = vocabulary.Metrics.FirstOrDefault(x => x.Name == metric);
        var label = m?.Label ?? metric;
        var total = viz.Rows.Sum(r => r[i] as double? ?? 0);
        var rows = viz.Rows
            .Select(r => (Keys: r.Take(dims).ToArray(), Value: r[i] as double?))
            .OrderByDescending(r => r.Value ?? double.MinValue)
            .Select(r => r.Keys.Append(r.Value).Append(total == 0 || r.Value is null ? null : (object?)(r.Value / total)).ToArray())
            .ToList();
        var columns = viz.Columns.Take(dims).Append(viz.Columns[i]).Append(new ChatColumn($"{metric}_share", "number", $"Share of {label}", "percent")).ToList();
        var sb = new StringBuilder($"Share of {label} by {string.Join(" and ", plan.GroupBy)}{ChatAnswerWriter.Scope(plan, vocabulary)}, {plan.Range!.Label} (total {MetricFormat.Format(total, m?.Format)}):");
        foreach (var r in rows.Take(10))
            sb.Append(CultureInfo.InvariantCulture, $"\n• {string.Join(" / ", r.Take(dims).Select(v => v ?? "(none)"))}: {MetricFormat.Format(r[^1], "percent")} ({MetricFormat.Format(r[^2], m?.Format)})");
        if (rows.Count > 10) sb.Append(CultureInfo.InvariantCulture, $"\n…and {rows.Count - 10} more in the table.");
        return new Answer(new ChatVisualization("table", $"Share of {label}, {plan.Range.Label}", null, columns, rows), sb.ToString());
    }
}
