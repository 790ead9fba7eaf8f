using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Analytics.Domain.Chat;
using Analytics.Domain.Metrics;

namespace Analytics.Data.Chat;

/// <summary>
/// The default planner (no model configured): <see cref="QuestionParser"/> reads the question into a plan, the plan
/// becomes one call of a query function (through the audited registry, like the LLM's calls), and the answer is
/// written from the rows.
/// </summary>
public sealed class OfflineChatPlanner(ChatVocabularyService vocabularies, ChatFunctionRegistry functions) : IChatPlanner
{
    public string Name => "offline";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async IAsyncEnumerable<ChatEvent> AnswerAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken ct)
    {
        var vocabulary = await vocabularies.GetAsync(turn.Context, ct);
        var outcome = QuestionParser.Parse(turn.Question, vocabulary, turn.PreviousPlan, turn.Context.Today, turn.Scope);
        if (outcome.Clarify is { } clarify)
        {
            yield return new ChatEvent.Delta(clarify.Question);
            yield return new ChatEvent.Choices(clarify.Choices);
            yield break;
        }
        if (outcome.Plan is not { } plan)
        {
            yield return new ChatEvent.Delta($"Sorry, I don't understand that. {outcome.NotUnderstood} I can answer questions about metrics ({string.Join(", ", vocabulary.Metrics.Take(11).Select(m => m.Label))}) by {string.Join(", ", vocabulary.Dimensions.Select(d => d.Label.ToLowerInvariant()))} over time, for example:\n"
                + string.Join("\n", QuestionParser.Suggestions.Select(s => "• " + s)));
            yield break;
        }
        if (plan.Intent == ChatIntent.Help)
        {
            yield return new ChatEvent.Delta("Ask about your advertising metrics in plain words: totals, breakdowns by campaign, ASIN or campaign type, top and bottom N, trends, comparisons between periods and unusual days. For example:\n"
                + string.Join("\n", QuestionParser.Suggestions.Select(s => "• " + s)));
            yield break;
        }

        var (name, args) = Call(plan);
        var arguments = JsonSerializer.Serialize(args, Json);
        yield return new ChatEvent.ToolCall(name, arguments);
        var call = await functions.InvokeAsync(turn.Context, name, arguments, ct);
        yield return new ChatEvent.ToolResult(name, call.RowCount, call.Ms, call.Outcome);
        if (call.Result is not { } result)
        {
            yield return new ChatEvent.Delta($"I could not answer that: {call.Error}");
            yield break;
        }
        if (ChatAnswerWriter.NoData(plan, result, vocabulary) is { } none)
        {
            yield return new ChatEvent.Delta(none);
            yield return new ChatEvent.Context(plan);
            yield break;
        }
        if (ChatDerived.Apply(plan, result, vocabulary) is { } derived)
        {
            yield return new ChatEvent.Visualization(derived.Visualization);
            yield return new ChatEvent.Delta(derived.Text);
            yield return new ChatEvent.Context(plan);
            yield break;
        }
        if (result.Visualization is { } viz && plan.Intent is not (ChatIntent.DescribeMetric)) yield return new ChatEvent.Visualization(viz);
        yield return new ChatEvent.Delta(ChatAnswerWriter.Write(plan, result, vocabulary));
        yield return new ChatEvent.Context(plan);
    }

    private static (string Name, Dictionary<string, object?> Args) Call(ChatPlan plan)
    {
        var args = new Dictionary<string, object?>();
        void Range(DateRange? r)
        {
            if (r is null) return;
            args["start"] = r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            args["end"] = r.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        void Scope()
        {
            if (plan.Filters.Count > 0) args["filters"] = plan.Filters;
            if (plan.SourceIds.Count > 0) args["sourceIds"] = plan.SourceIds;
        }
        switch (plan.Intent)
        {
            case ChatIntent.ListMetrics: return ("list_metrics", args);
            case ChatIntent.ListDatasets: return ("list_datasets", args);
            case ChatIntent.ListDimensions: return ("list_dimensions", args);
            case ChatIntent.DescribeMetric: args["name"] = plan.Subject; return ("describe_metric", args);
            case ChatIntent.TopN:
                args["metric"] = plan.Metrics[0];
                args["dimension"] = plan.GroupBy[0];
                args["n"] = plan.Limit ?? 5;
                args["direction"] = plan.Descending ? "top" : "bottom";
                Range(plan.Range);
                Scope();
                return ("top_n", args);
            case ChatIntent.Compare:
                args["metrics"] = plan.Metrics;
                if (plan.GroupBy.Count > 0) args["groupBy"] = plan.GroupBy;
                Range(plan.Range);
                args["previousStart"] = plan.CompareTo!.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                args["previousEnd"] = plan.CompareTo.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                Scope();
                return ("compare_periods", args);
            case ChatIntent.Forecast:
                args["metric"] = plan.Metrics[0];
                if (plan.Granularity == "month") args["period"] = "month";
                else
                {
                    args["granularity"] = plan.Granularity ?? "day";
                    if (plan.Horizon is { } horizon) args["horizon"] = horizon;
                }
                Scope();
                return ("forecast", args);
            case ChatIntent.Anomalies:
                Range(plan.Range);
                var scanned = plan.Metrics.Where(m => m is "impressions" or "clicks" or "spend" or "sales" or "purchases").ToList();
                if (scanned.Count > 0) args["metrics"] = scanned;
                if (plan.SourceIds.Count > 0) args["sourceIds"] = plan.SourceIds;
                return ("find_anomalies", args);
            default:
                args["metrics"] = plan.Metrics;
                if (plan.GroupBy.Count > 0) args["groupBy"] = plan.GroupBy;
                Range(plan.Range);
                if (plan.Intent == ChatIntent.Trend) args["granularity"] = plan.Granularity ?? "day";
                else if (plan.GroupBy.Count > 0) args["sort"] = new[] { new { by = plan.Metrics[0], desc = true } };
                Scope();
                return ("query", args);
        }
    }
}

/// <summary>Plain-language answers from a plan and its rows, with numbers formatted by each metric's format.</summary>
public static class ChatAnswerWriter
{
    private const int Listed = 10;

    /// <summary>
    /// When the period read has no data at all: which period was read (with its dates) and which days do have data, so a
    /// date read wrongly is never answered with a confident "n/a". Null when there is data (or the question is not about a period).
    /// </summary>
    public static string? NoData(ChatPlan plan, ChatToolResult result, ChatVocabulary vocabulary)
    {
        if (plan.Range is not { } range || plan.Intent is not (ChatIntent.Query or ChatIntent.TopN or ChatIntent.Trend)) return null;
        if (result.Visualization is not { } viz) return null;
        var metricColumns = viz.Columns.Select((c, i) => (c, i)).Where(x => plan.Metrics.Contains(x.c.Name)).Select(x => x.i).ToList();
        if (viz.Rows.Any(r => metricColumns.Count == 0 || metricColumns.Any(i => r[i] is not null))) return null;
        var read = range.Days == 1 ? range.Start.ToString("ddd MMM d, yyyy", CultureInfo.InvariantCulture)
            : $"{range.Start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} – {range.End.AddDays(-1).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}";
        var covers = vocabulary.Coverage is { } c ? $"The data you can see covers {c.Label}." : "There is no data you can see yet.";
        return $"There is no data{Scope(plan, vocabulary)} for {range.Label} (I read it as {read}). {covers}";
    }

    public static string Write(ChatPlan plan, ChatToolResult result, ChatVocabulary vocabulary)
    {
        var viz = result.Visualization;
        var scope = Scope(plan, vocabulary);
        switch (plan.Intent)
        {
            case ChatIntent.ListMetrics:
                return "These metrics are available:\n" + string.Join("\n", viz!.Rows.Select(r => $"• {r[1]} ({r[0]}): {r[4]}"));
            case ChatIntent.ListDatasets:
                return "You can query these datasets:\n" + string.Join("\n", viz!.Rows.Select(r => $"• {r[1]} — {r[2]}: dimensions {r[3]}; measures {r[4]}"));
            case ChatIntent.ListDimensions:
                return "You can group and filter by: " + string.Join(", ", viz!.Rows.Select(r => $"{r[1]} ({r[0]})")) + ".";
            case ChatIntent.DescribeMetric:
                var m = vocabulary.Metrics.First(x => x.Name == plan.Subject);
                var payload = JsonSerializer.SerializeToElement(result.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web));
                return $"{m.Label} ({m.Name}): {m.Description} Formula: {payload.GetProperty("formula").GetString()}. {(m.HigherIsBetter ? "Higher is better." : "Lower is better.")}";
        }
        if (viz is null) return "Done.";
        var rows = viz.Rows;
        var cols = viz.Columns;
        string Label(string metric) => vocabulary.Metrics.FirstOrDefault(x => x.Name == metric)?.Label ?? metric;
        string Value(string metric, object? v) => Format(vocabulary.Metrics.FirstOrDefault(x => x.Name == metric)?.Format, v);
        var period = plan.Range?.Label ?? "";
        var sb = new StringBuilder();
        switch (plan.Intent)
        {
            case ChatIntent.Forecast:
                return ForecastAnswer(plan, result, vocabulary, scope);
            case ChatIntent.Anomalies:
                if (rows.Count == 0) return $"Nothing unusual{scope} in {period}: no campaign had a day far outside its usual range.";
                sb.Append($"I found {rows.Count} unusual day{(rows.Count == 1 ? "" : "s")}{scope} in {period}:");
                foreach (var r in rows.Take(Listed))
                    sb.Append($"\n• {r[2]}, {r[1]} ({r[0]}): {Label((string)r[3]!)} {Value((string)r[3]!, r[4])} against about {Value((string)r[3]!, r[5])} expected ({Percent(r[6])}).");
                if (rows.Count > Listed) sb.Append($"\n…and {rows.Count - Listed} more in the table.");
                return sb.ToString();
            case ChatIntent.TopN:
                var metric = plan.Metrics[0];
                if (rows.Count == 0) return $"There is no {Label(metric)} by {plan.GroupBy[0]}{scope} in {period}.";
                sb.Append($"{(plan.Descending ? "Top" : "Bottom")} {rows.Count} {Dimension(plan.GroupBy[0], vocabulary, rows.Count)} by {Label(metric)}{scope}, {period}:");
                for (var i = 0; i < rows.Count; i++) sb.Append($"\n{i + 1}. {rows[i][0] ?? "(none)"}: {Value(metric, rows[i][^1])}");
                return sb.ToString();
            case ChatIntent.Compare:
            {
                var dims = plan.GroupBy.Count;
                var against = plan.CompareTo?.Label ?? "the previous period";
                if (rows.Count == 0) return $"There is no data{scope} for {period} or {against}.";
                if (dims == 0)
                {
                    var r = rows[0];
                    var parts = plan.Metrics.Select((mm, i) => $"{Label(mm)} was {Value(mm, r[i * 3])} in {period} against {Value(mm, r[i * 3 + 1])} in {against} ({Percent(r[i * 3 + 2])})");
                    return string.Join("; ", parts) + $"{scope}.";
                }
                var first = plan.Metrics[0];
                sb.Append($"{Label(first)} by {plan.GroupBy[0]}{scope}, {period} against {against}:");
                foreach (var r in rows.OrderByDescending(r => r[dims] as double? ?? double.MinValue).Take(Listed))
                    sb.Append($"\n• {string.Join(" / ", r.Take(dims).Select(v => v ?? "(none)"))}: {Value(first, r[dims])} vs {Value(first, r[dims + 1])} ({Percent(r[dims + 2])})");
                if (rows.Count > Listed) sb.Append($"\n…and {rows.Count - Listed} more in the table.");
                return sb.ToString();
            }
            case ChatIntent.Trend:
            {
                var mm = plan.Metrics[0];
                var idx = cols.ToList().FindIndex(c => c.Name == mm);
                var points = rows.Where(r => plan.GroupBy.Count == 0 && r[idx] is double).ToList();
                var unit = plan.Granularity ?? "day";
                if (plan.GroupBy.Count > 0) return $"{Label(mm)} per {unit} by {plan.GroupBy[0]}{scope}, {period}: see the chart ({rows.Count} points).";
                if (points.Count == 0) return $"There is no {Label(mm)}{scope} in {period}.";
                var high = points.MaxBy(r => (double)r[idx]!)!;
                var low = points.MinBy(r => (double)r[idx]!)!;
                var firstV = (double)points[0][idx]!;
                var lastV = (double)points[^1][idx]!;
                sb.Append($"{Label(mm)} per {unit}{scope}, {period}: from {Value(mm, firstV)} ({points[0][0]}) to {Value(mm, lastV)} ({points[^1][0]})");
                if (firstV != 0) sb.Append($", {Percent((lastV - firstV) / Math.Abs(firstV))} overall");
                sb.Append($". Highest {Value(mm, high[idx])} ({high[0]}), lowest {Value(mm, low[idx])} ({low[0]}).");
                if (plan.Metrics.Count > 1) sb.Append($" The chart also shows {string.Join(", ", plan.Metrics.Skip(1).Select(Label))}.");
                return sb.ToString();
            }
            default:
            {
                var dims = plan.GroupBy.Count;
                if (rows.Count == 0) return $"There is no data{scope} in {period}.";
                if (dims == 0)
                {
                    var r = rows[0];
                    var parts = plan.Metrics.Select((mm, i) => $"{Label(mm)} {Value(mm, r[i])}").ToList();
                    return $"In {period}{scope}: {Join(parts)}.";
                }
                var first = plan.Metrics[0];
                sb.Append($"{string.Join(", ", plan.Metrics.Select(Label))} by {string.Join(" and ", plan.GroupBy)}{scope}, {period}:");
                foreach (var r in rows.Take(Listed))
                    sb.Append($"\n• {string.Join(" / ", r.Take(dims).Select(v => v ?? "(none)"))}: {string.Join(", ", plan.Metrics.Select((mm, i) => (plan.Metrics.Count > 1 ? Label(mm) + " " : "") + Value(mm, r[dims + i])))}");
                if (rows.Count > Listed) sb.Append($"\n…and {rows.Count - Listed} more in the table.");
                return sb.ToString();
            }
        }
    }

    /// <summary>"Spend is forecast at about $12.3K over the next 4 weeks (80% range $11K–$13.6K)", or where the month lands.</summary>
    private static string ForecastAnswer(ChatPlan plan, ChatToolResult result, ChatVocabulary vocabulary, string scope)
    {
        var metric = plan.Metrics[0];
        var known = vocabulary.Metrics.FirstOrDefault(x => x.Name == metric);
        string Value(JsonElement e) => e.ValueKind == JsonValueKind.Number ? Format(known?.Format, e.GetDouble()) : "no value";
        var label = known?.Label ?? metric;
        var payload = JsonSerializer.SerializeToElement(result.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        if (plan.Granularity == "month")
        {
            var month = DateOnly.ParseExact(payload.GetProperty("month").GetString()! + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var toDate = payload.GetProperty("toDate");
            var sb = new StringBuilder($"{label}{scope} is projected to land at about {Value(payload.GetProperty("projected"))} for {month.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}");
            sb.Append($" (80% range {Value(payload.GetProperty("lower"))} – {Value(payload.GetProperty("upper"))})");
            if (toDate.ValueKind == JsonValueKind.Number) sb.Append($": {Value(toDate)} so far over {payload.GetProperty("daysElapsed").GetInt32()} days, with {payload.GetProperty("daysLeft").GetInt32()} days forecast.");
            else sb.Append($", all {payload.GetProperty("daysLeft").GetInt32()} days forecast.");
            return sb.ToString();
        }
        var rows = payload.GetProperty("rows");
        var count = rows.GetArrayLength();
        var unit = payload.GetProperty("granularity").GetString() ?? "day";
        var answer = new StringBuilder($"{label}{scope} over the next {count} {unit}{(count == 1 ? "" : "s")}");
        if (payload.GetProperty("total") is { ValueKind: JsonValueKind.Object } total)
            answer.Append($": about {Value(total.GetProperty("value"))} in total (80% range {Value(total.GetProperty("lower"))} – {Value(total.GetProperty("upper"))})");
        answer.Append('.');
        if (unit == "week" || count <= 7)
        {
            foreach (var r in rows.EnumerateArray())
                answer.Append($"\n• {unit} of {r[0].GetString()}: {Value(r[1])} ({Value(r[2])} – {Value(r[3])})");
        }
        else
        {
            answer.Append(" See the chart for each day.");
        }
        answer.Append($"\nModel: {payload.GetProperty("model").GetString()}, learned from the last two years.");
        return answer.ToString();
    }

    private static string Dimension(string name, ChatVocabulary vocabulary, int count)
    {
        var label = (vocabulary.Dimensions.FirstOrDefault(d => d.Name == name)?.Label ?? name).ToLowerInvariant();
        if (label == "asin") label = "ASIN";
        return count == 1 ? label : label + "s";
    }

    internal static string Scope(ChatPlan plan, ChatVocabulary vocabulary)
    {
        var parts = new List<string>();
        if (plan.SourceIds.Count > 0)
            parts.Add(string.Join(" and ", plan.SourceIds.Select(id => vocabulary.Instances.FirstOrDefault(i => i.Id == id)?.Name ?? id)));
        foreach (var (dim, values) in plan.Filters)
            parts.Add(values.Count <= 3 ? string.Join(" or ", values) : $"{values.Count} {dim} values");
        return parts.Count == 0 ? "" : " for " + string.Join(", ", parts);
    }

    private static string Join(IReadOnlyList<string> parts) =>
        parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    public static string Percent(object? change) => change is double d ? MetricFormat.SignedPercent(d) : "no earlier value";

    public static string Format(string? format, object? value) => MetricFormat.Format(value, format);
}
