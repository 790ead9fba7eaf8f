using System.Text;

namespace Analytics.Domain.Query;

/// <summary>
/// The body of <c>POST /query</c> (CONTRACT.md, "Querying"): metrics × group-by × filters × time range × granularity,
/// sort and limit, over the chosen sources' datasets. <see cref="TimeZone"/> (IANA; default the user's, else UTC) sets
/// the calendar of the time buckets; <see cref="FillEmpty"/> (default true when bucketed) lists empty buckets too.
/// </summary>
public sealed record SemanticQuery
{
    public IReadOnlyList<string>? Metrics { get; init; }
    public IReadOnlyList<string>? GroupBy { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string?>>? Filters { get; init; }
    public QueryTimeRange? TimeRange { get; init; }
    public string? Granularity { get; init; }
    public IReadOnlyList<QuerySort>? Sort { get; init; }
    public int? Limit { get; init; }
    public IReadOnlyList<string>? SourceIds { get; init; }
    public string? Dataset { get; init; }
    public string? TimeZone { get; init; }
    public bool? FillEmpty { get; init; }
    /// <summary>Conditions on metric values, applied to the output rows after aggregation (SQL's HAVING): <c>[{ metric: "roas", op: "&lt;", value: 2 }]</c>.</summary>
    public IReadOnlyList<ValueFilter>? Having { get; init; }
}

/// <summary>
/// A condition on a metric's value in each output row: <c>roas &lt; 2</c> keeps the rows (campaigns, days) whose ROAS is
/// below 2. The metric must be one of the query's metrics; a row whose value is null (no data, division by zero) never passes.
/// </summary>
/// <param name="Op">One of <see cref="Ops"/>.</param>
public sealed record ValueFilter(string? Metric, string? Op, double? Value)
{
    public static readonly IReadOnlyList<string> Ops = ["<", "<=", ">", ">=", "=", "!="];

    public const int MaxFilters = 20;

    public bool Passes(double value) => Op switch
    {
        "<" => value < Value,
        "<=" => value <= Value,
        ">" => value > Value,
        ">=" => value >= Value,
        "=" => value == Value,
        "!=" => value != Value,
        _ => false,
    };

    public override string ToString() => $"{Metric} {Op} {Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
}

public sealed record QueryTimeRange(DateTimeOffset? Start, DateTimeOffset? End);

public sealed record QuerySort(string? By, bool Desc = false);

/// <summary>A validated, canonical query: names lower-cased, defaults applied. Its <see cref="CacheKey"/> identifies it.</summary>
public sealed record NormalizedQuery(
    IReadOnlyList<string> Metrics,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<(string Dimension, IReadOnlyList<string?> Values)> Filters,
    long Start,
    long End,
    Granularity Granularity,
    TimeZoneInfo Zone,
    IReadOnlyList<QuerySort> Sort,
    int Limit,
    bool LimitGiven,
    IReadOnlyList<string>? SourceIds,
    string? Dataset,
    bool FillEmpty,
    IReadOnlyList<ValueFilter>? Having = null)
{
    public const int MaxLimit = 100_000;
    public const int DefaultLimit = 10_000;
    public const int MaxMetrics = 50;
    public const int MaxFilterValues = 1_000;
    public const int MaxBuckets = 50_000;
    public const string TimeColumn = "time";

    /// <summary>Canonical text of everything that changes the answer (not the actor or data versions; the cache adds those).</summary>
    public string CacheKey()
    {
        var sb = new StringBuilder();
        sb.Append("m=").AppendJoin(',', Metrics).Append("|g=").AppendJoin(',', GroupBy).Append("|f=");
        foreach (var (dim, values) in Filters.OrderBy(f => f.Dimension, StringComparer.Ordinal))
        {
            sb.Append(dim).Append(':');
            foreach (var v in values.OrderBy(v => v, StringComparer.Ordinal)) sb.Append(v is null ? "\u0000" : Escape(v)).Append('\u001f');
            sb.Append(';');
        }
        sb.Append("|t=").Append(Start).Append('-').Append(End).Append("|gr=").Append(Granularity.ToWire())
          .Append("|z=").Append(Zone.Id).Append("|s=").AppendJoin(',', Sort.Select(s => s.By + (s.Desc ? " desc" : "")))
          .Append("|l=").Append(Limit).Append("|src=").AppendJoin(',', SourceIds ?? ["*"]).Append("|d=").Append(Dataset)
          .Append("|e=").Append(FillEmpty);
        if (Having is { Count: > 0 }) sb.Append("|h=").AppendJoin(',', Having.Select(h => h.ToString()));
        return sb.ToString();
    }

    private static string Escape(string v) => v.Replace("\u001f", "\u001f\u001f");

    /// <summary>
    /// Validates the shape of <paramref name="query"/> (names against the catalog come later, in the planner) and applies
    /// defaults. Throws <see cref="ValidationException"/> listing every field at fault.
    /// </summary>
    public static NormalizedQuery From(SemanticQuery query, string? userTimeZone)
    {
        var errors = new Dictionary<string, string[]>();
        var metrics = (query.Metrics ?? []).Select(m => (m ?? "").Trim().ToLowerInvariant()).ToList();
        if (metrics.Count == 0) errors["metrics"] = ["Ask for at least one metric."];
        else if (metrics.Count > MaxMetrics) errors["metrics"] = [$"At most {MaxMetrics} metrics."];
        else if (metrics.Any(m => m.Length == 0)) errors["metrics"] = ["Metric names cannot be empty."];
        metrics = metrics.Distinct().ToList();

        var groupBy = (query.GroupBy ?? []).Select(g => (g ?? "").Trim().ToLowerInvariant()).ToList();
        if (groupBy.Any(g => g.Length == 0)) errors["groupBy"] = ["Dimension names cannot be empty."];
        else if (groupBy.Count != groupBy.Distinct().Count()) errors["groupBy"] = ["A dimension appears twice."];
        else if (groupBy.Contains(TimeColumn)) errors["groupBy"] = ["Use granularity to group by time."];

        var filters = new List<(string, IReadOnlyList<string?>)>();
        foreach (var (name, values) in query.Filters ?? new Dictionary<string, IReadOnlyList<string?>>())
        {
            var dim = (name ?? "").Trim().ToLowerInvariant();
            if (values is null || values.Count == 0) errors[$"filters.{name}"] = ["A filter needs at least one value."];
            else if (values.Count > MaxFilterValues) errors[$"filters.{name}"] = [$"At most {MaxFilterValues} values per filter."];
            else filters.Add((dim, values.Distinct().ToList()));
        }

        long start = 0, end = 0;
        if (query.TimeRange is not { Start: { } s, End: { } e })
        {
            errors["timeRange"] = ["A time range { start, end } is required."];
        }
        else if (e <= s)
        {
            errors["timeRange"] = ["timeRange.end must be after timeRange.start."];
        }
        else if (e - s > TimeSpan.FromDays(366 * 20))
        {
            errors["timeRange"] = ["The time range is at most 20 years."];
        }
        else
        {
            start = s.ToUnixTimeSeconds();
            end = e.ToUnixTimeSeconds();
        }

        var granularity = Granularity.None;
        try { granularity = TimeBuckets.Parse(query.Granularity); }
        catch (ValidationException v) { foreach (var (k, m) in v.Errors) errors[k] = m; }

        var zone = TimeZoneInfo.Utc;
        try { zone = TimeBuckets.Zone(query.TimeZone ?? userTimeZone); }
        catch (ValidationException v) { foreach (var (k, m) in v.Errors) errors[k] = m; }

        var sort = new List<QuerySort>();
        for (var i = 0; i < (query.Sort?.Count ?? 0); i++)
        {
            var by = query.Sort![i]?.By?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(by)) errors[$"sort[{i}].by"] = ["Name the column to sort by."];
            else sort.Add(new QuerySort(by, query.Sort[i].Desc));
        }

        if (query.Limit is { } limit && (limit < 1 || limit > MaxLimit)) errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];

        var sourceIds = query.SourceIds?.Select(x => (x ?? "").Trim()).Where(x => x.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        if (query.SourceIds is { Count: > 0 } && sourceIds is { Count: 0 }) errors["sourceIds"] = ["Source ids cannot be empty."];

        var having = new List<ValueFilter>();
        if ((query.Having?.Count ?? 0) > ValueFilter.MaxFilters) errors["having"] = [$"At most {ValueFilter.MaxFilters} value filters."];
        else
        {
            for (var i = 0; i < (query.Having?.Count ?? 0); i++)
            {
                var h = query.Having![i];
                var metric = (h?.Metric ?? "").Trim().ToLowerInvariant();
                if (metric.Length == 0) errors[$"having[{i}].metric"] = ["Name the metric to compare."];
                else if (!metrics.Contains(metric)) errors[$"having[{i}].metric"] = [$"'{h!.Metric}' is not a metric of this query; compare one of {string.Join(", ", metrics)}."];
                var op = (h?.Op ?? "").Trim();
                if (!ValueFilter.Ops.Contains(op)) errors[$"having[{i}].op"] = [$"One of {string.Join(" ", ValueFilter.Ops)}."];
                if (h?.Value is not { } value || !double.IsFinite(value)) errors[$"having[{i}].value"] = ["A number to compare with."];
                if (h is not null) having.Add(new ValueFilter(metric, op, h.Value));
            }
        }

        if (errors.Count > 0) throw new ValidationException(errors);
        return new NormalizedQuery(metrics, groupBy, filters, start, end, granularity, zone, sort,
            query.Limit ?? DefaultLimit, query.Limit is not null, sourceIds is { Count: > 0 } ? sourceIds : null,
            string.IsNullOrWhiteSpace(query.Dataset) ? null : query.Dataset.Trim(),
            granularity != Granularity.None && (query.FillEmpty ?? true), having.Count > 0 ? having : null);
    }
}
