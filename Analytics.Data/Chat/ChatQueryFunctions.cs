using System.Text.Json;
using Analytics.Data.Insights;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Query;

namespace Analytics.Data.Chat;

/// <summary>Shared pieces of the query functions: dates in the user's zone, the semantic query, results as visualizations.</summary>
internal static class ChatQueries
{
    public const int MaxRows = 500;

    public const string RangeSchema = """
        "start": { "type": "string", "format": "date", "description": "First day, inclusive (YYYY-MM-DD, user's time zone)." },
        "end": { "type": "string", "format": "date", "description": "Day after the last day: exclusive (YYYY-MM-DD)." }
        """;

    public const string FilterSchema = """
        "filters": { "type": "object", "description": "Dimension name → list of values to keep, e.g. {\"campaign\": [\"Contoso - Rugs - Exact\"]}.", "additionalProperties": { "type": "array", "items": { "type": "string" } } },
        "sourceIds": { "type": "array", "items": { "type": "string" }, "description": "Limit to these instances (source ids from list_datasets); default all the user may see." }
        """;

    public static DateTimeOffset At(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public static SemanticQuery Query(ChatToolContext context, IReadOnlyList<string> metrics, IReadOnlyList<string> groupBy,
        IReadOnlyDictionary<string, IReadOnlyList<string>> filters, DateOnly start, DateOnly end, string? granularity,
        IReadOnlyList<QuerySort>? sort, int? limit, IReadOnlyList<string> sourceIds) => new()
    {
        Metrics = metrics,
        GroupBy = groupBy,
        Filters = filters.Count == 0 ? null : filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList()),
        TimeRange = new QueryTimeRange(At(start, context.Zone), At(end, context.Zone)),
        Granularity = granularity ?? "none",
        Sort = sort,
        Limit = limit ?? MaxRows,
        SourceIds = sourceIds.Count == 0 ? null : sourceIds,
        TimeZone = context.Zone.Id,
        FillEmpty = granularity is not null and not "none",
    };

    public static IReadOnlyList<ChatColumn> Columns(QueryResult result) =>
        result.Columns.Select(c => new ChatColumn(c.Name, c.Type, c.Label, c.Format)).ToList();

    /// <summary>Times as dates (the buckets are days or longer), numbers rounded for reading.</summary>
    public static IReadOnlyList<object?[]> Rows(QueryResult result) =>
        result.Rows.Select(r => r.Select(v => v switch
        {
            DateTime t => (object?)DateOnly.FromDateTime(t).ToString("yyyy-MM-dd"),
            double d => Math.Round(d, 6),
            _ => v,
        }).ToArray()).ToList();

    public static string VisualizationType(SemanticQuery q) =>
        q.Granularity is not (null or "none") ? "line" : (q.GroupBy?.Count ?? 0) == 0 ? "kpi" : "bar";

    public static object Payload(QueryResult result) => new
    {
        columns = result.Columns.Select(c => c.Name),
        rows = Rows(result),
        totalRows = result.Meta.TotalRows,
        truncated = result.Meta.Truncated,
        warnings = result.Meta.Warnings,
    };
}

public sealed class ListDatasetsFunction(CatalogService catalog) : IChatFunction
{
    public string Name => "list_datasets";
    public string Description => "Lists the datasets the user may read: instance (source) id and name, dimensions and measures.";
    public string ParametersSchema => """{ "type": "object", "properties": {}, "additionalProperties": false }""";

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        new ChatArgs(arguments).ThrowIfInvalid();
        var c = await catalog.GetAsync(context.Actor, ct);
        var rows = c.Datasets.Select(d => new object?[] { d.SourceId, d.SourceName, d.Key, string.Join(", ", d.Dimensions.Select(x => x.Name)), string.Join(", ", d.Measures.Select(x => x.Name)) }).ToList();
        return new ChatToolResult(
            c.Datasets.Select(d => new { d.Id, d.Key, d.Name, d.SourceId, d.SourceName, dimensions = d.Dimensions.Select(x => x.Name), measures = d.Measures.Select(x => x.Name) }).ToList(),
            rows.Count,
            new ChatVisualization("table", "Datasets", null,
                [new("sourceId", "string", "Instance id"), new("source", "string", "Instance"), new("dataset", "string", "Dataset"), new("dimensions", "string", "Dimensions"), new("measures", "string", "Measures")], rows));
    }
}

public sealed class ListMetricsFunction(CatalogService catalog) : IChatFunction
{
    public string Name => "list_metrics";
    public string Description => "Lists every metric (built in and custom) with its label, formula and format.";
    public string ParametersSchema => """{ "type": "object", "properties": {}, "additionalProperties": false }""";

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        new ChatArgs(arguments).ThrowIfInvalid();
        var metrics = (await catalog.GetAsync(context.Actor, ct)).Metrics;
        var rows = metrics.Select(m => new object?[] { m.Name, m.Label, m.Formula, m.Format, m.Description }).ToList();
        return new ChatToolResult(metrics.Select(m => new { m.Name, m.Label, m.Formula, m.Format, m.Description }).ToList(), rows.Count,
            new ChatVisualization("table", "Metrics", null,
                [new("name", "string", "Name"), new("label", "string", "Label"), new("formula", "string", "Formula"), new("format", "string", "Format"), new("description", "string", "Description")], rows));
    }
}

public sealed class ListDimensionsFunction(CatalogService catalog, ChatVocabularyService vocabulary) : IChatFunction
{
    public string Name => "list_dimensions";
    public string Description => "Lists the dimensions to group or filter by; with a dimension, lists its values (optionally only those containing search).";
    public string ParametersSchema => """
        { "type": "object", "properties": {
            "dimension": { "type": "string", "description": "A dimension name, to list its values." },
            "search": { "type": "string", "description": "Only values containing this text (case-insensitive)." } },
          "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "dimension", "search");
        var dimension = args.String("dimension");
        var search = args.String("search");
        args.ThrowIfInvalid();
        if (dimension is null)
        {
            var dims = (await catalog.GetAsync(context.Actor, ct)).Datasets.SelectMany(d => d.Dimensions).DistinctBy(d => d.Name).ToList();
            var rows = dims.Select(d => new object?[] { d.Name, d.Label }).ToList();
            return new ChatToolResult(dims, rows.Count, new ChatVisualization("table", "Dimensions", null, [new("name", "string", "Name"), new("label", "string", "Label")], rows));
        }
        var vocab = await vocabulary.GetAsync(context, ct);
        var found = vocab.Dimensions.FirstOrDefault(d => d.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ValidationException("arguments.dimension", $"Unknown dimension '{dimension}'; known: {string.Join(", ", vocab.Dimensions.Select(d => d.Name))}.");
        var values = found.Values.Where(v => search is null || v.Contains(search, StringComparison.OrdinalIgnoreCase)).Take(ChatQueries.MaxRows).ToList();
        return new ChatToolResult(new { dimension = found.Name, values }, values.Count,
            new ChatVisualization("table", $"{found.Label} values", null, [new(found.Name, "string", found.Label)], values.Select(v => new object?[] { v }).ToList()));
    }
}

public sealed class DescribeMetricFunction(CatalogService catalog) : IChatFunction
{
    public string Name => "describe_metric";
    public string Description => "Describes one metric: label, description, formula, format, whether higher is better.";
    public string ParametersSchema => """
        { "type": "object", "properties": { "name": { "type": "string", "description": "Metric name, e.g. roas." } }, "required": ["name"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "name");
        var name = args.String("name", required: true);
        args.ThrowIfInvalid();
        var metric = (await catalog.GetAsync(context.Actor, ct)).Metrics.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                     ?? throw new NotFoundException("Metric", name!);
        return new ChatToolResult(new { metric.Name, metric.Label, metric.Description, metric.Formula, metric.Format, metric.HigherIsBetter, metric.BaseMeasures }, 1);
    }
}

public sealed class QueryFunction(FactQueryService engine) : IChatFunction
{
    public string Name => "query";
    public string Description => "Runs a semantic-layer query: metrics, optionally grouped by dimensions and/or time (granularity), filtered, sorted and limited.";
    public string ParametersSchema => $$"""
        { "type": "object", "properties": {
            "metrics": { "type": "array", "items": { "type": "string" }, "description": "Metric names (see list_metrics)." },
            "groupBy": { "type": "array", "items": { "type": "string" }, "description": "Dimension names to group by." },
            {{ChatQueries.RangeSchema}},
            "granularity": { "type": "string", "enum": ["none", "day", "week", "month", "quarter", "year"], "description": "Group by time buckets; none for totals." },
            "sort": { "type": "array", "items": { "type": "object", "properties": { "by": { "type": "string" }, "desc": { "type": "boolean" } }, "required": ["by"] } },
            "limit": { "type": "integer", "minimum": 1, "maximum": {{ChatQueries.MaxRows}} },
            "having": { "type": "array", "description": "Keep only the rows whose metric values pass, after aggregation, e.g. [{\"metric\": \"roas\", \"op\": \"<\", \"value\": 2}] for the campaigns with ROAS below 2; the metric must be one of metrics.",
              "items": { "type": "object", "properties": { "metric": { "type": "string" }, "op": { "type": "string", "enum": ["<", "<=", ">", ">=", "=", "!="] }, "value": { "type": "number" } }, "required": ["metric", "op", "value"] } },
            {{ChatQueries.FilterSchema}} },
          "required": ["metrics", "start", "end"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "metrics", "groupBy", "start", "end", "granularity", "sort", "limit", "filters", "sourceIds", "having");
        var metrics = args.Strings("metrics", required: true);
        var groupBy = args.Strings("groupBy", max: 3);
        var (start, end) = args.Range();
        var granularity = args.String("granularity");
        if (granularity is not null and not ("none" or "day" or "week" or "month" or "quarter" or "year")) args.Fail("granularity", "granularity is one of none, day, week, month, quarter, year.");
        var limit = args.Int("limit", 1, ChatQueries.MaxRows);
        var filters = args.Filters();
        var sources = args.Strings("sourceIds");
        var sort = new List<QuerySort>();
        if (arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("sort", out var s) && s.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in s.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("by", out var by) || by.ValueKind != JsonValueKind.String) { args.Fail("sort", "sort is a list of { by, desc }."); break; }
                sort.Add(new QuerySort(by.GetString(), item.TryGetProperty("desc", out var d) && d.ValueKind == JsonValueKind.True));
            }
        }
        var having = new List<ValueFilter>();
        if (arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("having", out var h))
        {
            if (h.ValueKind != JsonValueKind.Array) args.Fail("having", "having is a list of { metric, op, value }.");
            else foreach (var item in h.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("metric", out var m) || m.ValueKind != JsonValueKind.String
                    || !item.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String || !item.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number)
                {
                    args.Fail("having", "having is a list of { metric, op, value }.");
                    break;
                }
                having.Add(new ValueFilter(m.GetString(), op.GetString(), v.GetDouble()));
            }
        }
        args.ThrowIfInvalid();
        var query = ChatQueries.Query(context, metrics, groupBy, filters, start, end, granularity is "none" ? null : granularity, sort, limit, sources)
            with { Having = having.Count > 0 ? having : null };
        var result = await engine.ExecuteAsync(context.Actor, query, ct);
        return new ChatToolResult(ChatQueries.Payload(result), result.Rows.Count,
            new ChatVisualization(ChatQueries.VisualizationType(query), $"{string.Join(", ", metrics)}{(groupBy.Count > 0 ? " by " + string.Join(", ", groupBy) : "")}, {start:yyyy-MM-dd} – {end.AddDays(-1):yyyy-MM-dd}",
                query, ChatQueries.Columns(result), ChatQueries.Rows(result)));
    }
}

public sealed class TopNFunction(FactQueryService engine) : IChatFunction
{
    public string Name => "top_n";
    public string Description => "The top (or bottom) N values of a dimension by a metric over a date range.";
    public string ParametersSchema => $$"""
        { "type": "object", "properties": {
            "metric": { "type": "string" },
            "dimension": { "type": "string" },
            "n": { "type": "integer", "minimum": 1, "maximum": 100 },
            "direction": { "type": "string", "enum": ["top", "bottom"] },
            {{ChatQueries.RangeSchema}},
            {{ChatQueries.FilterSchema}} },
          "required": ["metric", "dimension", "start", "end"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "metric", "dimension", "n", "direction", "start", "end", "filters", "sourceIds");
        var metric = args.String("metric", required: true);
        var dimension = args.String("dimension", required: true);
        var n = args.Int("n", 1, 100) ?? 5;
        var direction = args.String("direction") ?? "top";
        if (direction is not ("top" or "bottom")) args.Fail("direction", "direction is top or bottom.");
        var (start, end) = args.Range();
        var filters = args.Filters();
        var sources = args.Strings("sourceIds");
        args.ThrowIfInvalid();
        var query = ChatQueries.Query(context, [metric!], [dimension!], filters, start, end, null, [new QuerySort(metric, direction == "top")], n, sources);
        var result = await engine.ExecuteAsync(context.Actor, query, ct);
        // Rows without a value (no spend, so no ROAS) are not a ranking.
        var rows = ChatQueries.Rows(result).Where(r => r[^1] is not null).ToList();
        return new ChatToolResult(new { columns = result.Columns.Select(c => c.Name), rows }, rows.Count,
            new ChatVisualization("bar", $"{(direction == "top" ? "Top" : "Bottom")} {n} {dimension} by {metric}, {start:yyyy-MM-dd} – {end.AddDays(-1):yyyy-MM-dd}", query, ChatQueries.Columns(result), rows));
    }
}

public sealed class ComparePeriodsFunction(FactQueryService engine) : IChatFunction
{
    public string Name => "compare_periods";
    public string Description => "Compares metrics between two date ranges (optionally by dimension): current, previous, and relative change.";
    public string ParametersSchema => $$"""
        { "type": "object", "properties": {
            "metrics": { "type": "array", "items": { "type": "string" } },
            "groupBy": { "type": "array", "items": { "type": "string" } },
            "start": { "type": "string", "format": "date", "description": "Current period's first day (inclusive)." },
            "end": { "type": "string", "format": "date", "description": "Current period's end (exclusive)." },
            "previousStart": { "type": "string", "format": "date" },
            "previousEnd": { "type": "string", "format": "date" },
            {{ChatQueries.FilterSchema}} },
          "required": ["metrics", "start", "end", "previousStart", "previousEnd"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "metrics", "groupBy", "start", "end", "previousStart", "previousEnd", "filters", "sourceIds");
        var metrics = args.Strings("metrics", required: true, max: 10);
        var groupBy = args.Strings("groupBy", max: 2);
        var (start, end) = args.Range();
        var (pStart, pEnd) = args.Range("previousStart", "previousEnd");
        var filters = args.Filters();
        var sources = args.Strings("sourceIds");
        args.ThrowIfInvalid();
        var current = await engine.ExecuteAsync(context.Actor, ChatQueries.Query(context, metrics, groupBy, filters, start, end, null, null, ChatQueries.MaxRows, sources), ct);
        var previous = await engine.ExecuteAsync(context.Actor, ChatQueries.Query(context, metrics, groupBy, filters, pStart, pEnd, null, null, ChatQueries.MaxRows, sources), ct);

        string Key(object?[] row) => string.Join("\u001f", row.Take(groupBy.Count).Select(v => v?.ToString()));
        var before = previous.Rows.ToDictionary(Key, r => r);
        var keys = current.Rows.Select(Key).Concat(before.Keys).Distinct().ToList();
        var now = current.Rows.ToDictionary(Key, r => r);
        var columns = new List<ChatColumn>();
        columns.AddRange(groupBy.Select(g => new ChatColumn(g, "string", g)));
        foreach (var m in metrics)
        {
            var col = current.Columns.First(c => c.Name == m);
            columns.Add(new ChatColumn(m, "number", col.Label, col.Format));
            columns.Add(new ChatColumn($"{m}_previous", "number", $"{col.Label} (previous)", col.Format));
            columns.Add(new ChatColumn($"{m}_change", "number", $"{col.Label} change", "percent"));
        }
        var rows = new List<object?[]>();
        foreach (var key in keys)
        {
            var row = new List<object?>();
            var source = now.GetValueOrDefault(key) ?? before[key];
            row.AddRange(source.Take(groupBy.Count));
            for (var i = 0; i < metrics.Count; i++)
            {
                var a = now.TryGetValue(key, out var r1) ? r1[groupBy.Count + i] as double? : null;
                var b = before.TryGetValue(key, out var r2) ? r2[groupBy.Count + i] as double? : null;
                row.Add(a is { } x ? Math.Round(x, 6) : null);
                row.Add(b is { } y ? Math.Round(y, 6) : null);
                row.Add(a is { } c && b is { } p && p != 0 ? Math.Round((c - p) / Math.Abs(p), 6) : null);
            }
            rows.Add(row.ToArray());
        }
        var query = new { metrics, groupBy, current = new { start, end }, previous = new { start = pStart, end = pEnd }, filters, sourceIds = sources };
        return new ChatToolResult(new { columns = columns.Select(c => c.Name), rows }, rows.Count,
            new ChatVisualization(groupBy.Count == 0 ? "kpi" : "bar", $"{string.Join(", ", metrics)}: {start:yyyy-MM-dd} – {end.AddDays(-1):yyyy-MM-dd} vs {pStart:yyyy-MM-dd} – {pEnd.AddDays(-1):yyyy-MM-dd}", query, columns, rows));
    }
}

/// <summary>
/// Unusual days per campaign and metric in a range, found by <see cref="InsightScanner.FindAnomaliesAsync"/> — the same
/// reading, detector and grouping as the daily insight scan, so the chat's "anything unusual?" names the anomalies the
/// feed stores — per instance the user may read.
/// </summary>
public sealed class FindAnomaliesFunction(InsightScanner insights, CatalogService catalog) : IChatFunction
{
    private static readonly string[] Scanned = InsightScanner.ScannedMetrics;

    public string Name => "find_anomalies";
    public string Description => "Finds unusual days (spikes and drops) per campaign in a date range, per instance, for impressions, clicks, spend, sales and purchases.";
    public string ParametersSchema => $$"""
        { "type": "object", "properties": {
            {{ChatQueries.RangeSchema}},
            "metrics": { "type": "array", "items": { "type": "string", "enum": ["impressions", "clicks", "spend", "sales", "purchases"] } },
            "sourceIds": { "type": "array", "items": { "type": "string" } } },
          "required": ["start", "end"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "start", "end", "metrics", "sourceIds");
        var (start, end) = args.Range();
        var metrics = args.Strings("metrics");
        foreach (var m in metrics.Where(m => !Scanned.Contains(m))) args.Fail("metrics", $"'{m}' is not scanned; use {string.Join(", ", Scanned)}.");
        var wanted = args.Strings("sourceIds");
        args.ThrowIfInvalid();
        var scan = metrics.Count > 0 ? metrics : Scanned;
        var visible = (await catalog.GetAsync(context.Actor, ct)).Datasets;
        foreach (var id in wanted.Where(w => visible.All(d => d.SourceId != w))) throw new NotFoundException("Source", id);
        var names = visible.GroupBy(d => d.SourceId).ToDictionary(g => g.Key, g => g.First().SourceName);

        var rows = new List<object?[]>();
        foreach (var (dataset, e) in await insights.FindAnomaliesAsync(context.Actor, start, end.AddDays(-1), wanted, metrics.Count > 0 ? metrics : null, ct))
        {
            var p = e.Primary;
            rows.Add([names.GetValueOrDefault(dataset.SourceId, dataset.SourceId), e.Segment, e.Day.ToString("yyyy-MM-dd"), p.Metric, Math.Round(p.Point.Value, 2), Math.Round(p.Point.Expected, 2), Math.Round(p.Point.RelativeChange, 4),
                string.Join(", ", e.Metrics.Select(m => m.Metric))]);
        }
        rows = rows.OrderBy(r => (string)r[2]!, StringComparer.Ordinal).ThenBy(r => (string)r[1]!, StringComparer.Ordinal).ToList();
        var columns = new List<ChatColumn>
        {
            new("instance", "string", "Instance"), new("campaign", "string", "Campaign"), new("day", "string", "Day"), new("metric", "string", "Metric"),
            new("value", "number", "Value"), new("expected", "number", "Expected"), new("change", "number", "Change", "percent"), new("metrics", "string", "Metrics affected"),
        };
        return new ChatToolResult(new { columns = columns.Select(c => c.Name), rows }, rows.Count,
            new ChatVisualization("table", $"Unusual days, {start:yyyy-MM-dd} – {end.AddDays(-1):yyyy-MM-dd}", new { start, end, metrics = scan, sourceIds = wanted }, columns, rows));
    }
}
