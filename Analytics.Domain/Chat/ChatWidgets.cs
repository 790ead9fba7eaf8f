using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;

namespace Analytics.Domain.Chat;

/// <summary>
/// "Add to dashboard": a dashboard widget from a chat answer's chart or table. The widget keeps the answer's query
/// (metrics, group-by, granularity, filters, instances, sort and limit) but not its dates: on a dashboard the
/// dashboard's time range applies. The kind follows the shape: time buckets → line; one metric without group-by → KPI
/// card; one metric by one dimension → bar; anything wider → table.
/// </summary>
public static partial class ChatWidgets
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The widget (without a position), or a <see cref="ValidationException"/> naming why this answer cannot be one.</summary>
    public static WidgetDefinition FromVisualization(ChatVisualization visualization, string? title = null)
    {
        var query = QueryOf(visualization.Query)
            ?? throw new ValidationException("index", $"\"{visualization.Title}\" has no query a widget could repeat (lists and unusual days cannot go on a dashboard); pick a chart or table of metrics.");
        var kind = KindFor(query);
        var name = string.IsNullOrWhiteSpace(title) ? TitleOf(visualization.Title) : title.Trim();
        if (name.Length > 200) throw new ValidationException("title", "At most 200 characters.");
        return new WidgetDefinition { Type = kind, Config = new WidgetConfig { Title = name, Query = query } };
    }

    /// <summary>The widget kind for a query's shape (checked against <see cref="WidgetKinds"/>; a table when nothing narrower fits).</summary>
    public static string KindFor(SemanticQuery query)
    {
        var shape = WidgetKinds.ShapeOf(query);
        var kind = shape switch
        {
            { ByTime: true, GroupBy: 0 } => "line",
            { ByTime: true, Metrics: 1, GroupBy: 1 } => "line",
            { ByTime: false, GroupBy: 0, Metrics: 1 } => "kpi",
            { ByTime: false, GroupBy: 1, Metrics: 1 } => "bar",
            _ => "table",
        };
        return WidgetKinds.Get(kind).Check(shape) is null ? kind : "table";
    }

    /// <summary>
    /// The query behind a visualization, as the query functions record it (a semantic query, or compare_periods'
    /// <c>{ metrics, groupBy, current, previous, filters, sourceIds }</c>), without dates; null when there is none.
    /// </summary>
    public static SemanticQuery? QueryOf(object? recorded)
    {
        if (recorded is null) return null;
        JsonElement root;
        try
        {
            root = recorded is JsonElement e ? e : JsonSerializer.SerializeToElement(recorded, recorded.GetType(), Json);
        }
        catch (NotSupportedException)
        {
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object) return null;
        // A query has metrics and says how it groups (an anomaly scan names metrics only).
        var metrics = Strings(root, "metrics");
        if (metrics.Count == 0 || !root.TryGetProperty("groupBy", out _)) return null;
        var groupBy = Strings(root, "groupBy");
        var granularity = root.TryGetProperty("granularity", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : "none";
        Dictionary<string, IReadOnlyList<string?>>? filters = null;
        if (root.TryGetProperty("filters", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            filters = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in f.EnumerateObject())
            {
                var values = p.Value.ValueKind == JsonValueKind.Array
                    ? p.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList()
                    : p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()] : [];
                if (values.Count > 0) filters[p.Name] = values;
            }
            if (filters.Count == 0) filters = null;
        }
        var sources = Strings(root, "sourceIds");
        List<QuerySort>? sort = null;
        if (root.TryGetProperty("sort", out var s) && s.ValueKind == JsonValueKind.Array)
        {
            sort = s.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("by", out var by) && by.ValueKind == JsonValueKind.String)
                .Select(x => new QuerySort(x.GetProperty("by").GetString(), x.TryGetProperty("desc", out var d) && d.ValueKind == JsonValueKind.True)).ToList();
            if (sort.Count == 0) sort = null;
        }
        int? limit = root.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n : null;
        var dataset = root.TryGetProperty("dataset", out var ds) && ds.ValueKind == JsonValueKind.String ? ds.GetString() : null;
        return new SemanticQuery
        {
            Metrics = metrics,
            GroupBy = groupBy,
            Granularity = string.IsNullOrWhiteSpace(granularity) ? "none" : granularity,
            Filters = filters,
            SourceIds = sources.Count == 0 ? null : sources,
            Sort = sort,
            Limit = limit,
            Dataset = dataset,
        };
    }

    /// <summary>The answer's title without its dates ("roas by campaign, 2026-02-01 – 2026-02-28" → "roas by campaign").</summary>
    public static string TitleOf(string title)
    {
        var trimmed = DatesSuffix().Replace(title ?? "", "").Trim();
        if (trimmed.Length == 0) trimmed = "From chat";
        return trimmed.Length > 200 ? trimmed[..200] : trimmed;
    }

    private static List<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(x.GetString())).Select(x => x.GetString()!).ToList()
            : [];

    [GeneratedRegex(@"[,:]\s*\d{4}-\d{2}-\d{2}.*$")]
    private static partial Regex DatesSuffix();
}
