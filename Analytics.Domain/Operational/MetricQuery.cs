namespace Analytics.Domain.Operational;

public enum MetricAggregation { Avg, Sum, Count, Min, Max, P95, P99 }

/// <summary>A time-series query: <c>POST /metrics/query</c>.</summary>
public sealed record MetricQueryRequest
{
    public string? MetricName { get; init; }
    public MetricTimeRange? TimeRange { get; init; }
    public string? Aggregation { get; init; }
    public string? Interval { get; init; }
    public IReadOnlyList<string>? GroupBy { get; init; }
    public IReadOnlyDictionary<string, string>? Filters { get; init; }
}

public sealed record MetricTimeRange(DateTimeOffset? Start, DateTimeOffset? End);

public sealed record MetricDataPoint(DateTime Timestamp, double? Value, IReadOnlyDictionary<string, string> Tags);

/// <summary>How the answer was computed: the resolution read (<c>raw</c>, <c>1m</c>, …), the output interval, and notes.</summary>
public sealed record MetricQueryMeta(string Resolution, string Interval, int SeriesCount, IReadOnlyList<string> Notes);

public sealed record MetricQueryResult(IReadOnlyList<MetricDataPoint> Data, MetricQueryMeta Meta);

/// <summary>A validated query, with the plan: which stored resolution to read.</summary>
public sealed record MetricQueryPlan(
    string MetricName, long StartMs, long EndMs, MetricAggregation Aggregation, MetricResolution Interval,
    MetricResolution Read, IReadOnlyList<string> GroupBy, IReadOnlyDictionary<string, string> Filters, IReadOnlyList<string> Notes);

/// <summary>
/// Validates a query and picks the coarsest stored resolution that answers it exactly: a rollup whose width divides
/// the interval and to which the range's start and end are aligned (1m, 5m, 1h, 1d); raw points otherwise. Percentiles
/// cannot be rebuilt from rollups, so they read raw points, and are refused (400) when the range reaches past raw
/// retention. Without an interval, one is chosen for about 100–300 buckets.
/// </summary>
public static class MetricQueryPlanner
{
    public const int MaxBuckets = 100_000;

    public static MetricQueryPlan Plan(MetricQueryRequest request, MetricsRetentionOptions retention, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.MetricName) || !MetricBatchParser.NamePattern().IsMatch(request.MetricName))
            errors["metricName"] = ["Required: a metric name."];
        if (request.TimeRange?.Start is null || request.TimeRange.End is null)
            errors["timeRange"] = ["Required: { start, end } as ISO 8601 times with offset."];
        else if (request.TimeRange.End <= request.TimeRange.Start)
            errors["timeRange"] = ["end must be after start."];
        MetricAggregation? parsed = (request.Aggregation ?? "avg").Trim().ToLowerInvariant() switch
        {
            "avg" => MetricAggregation.Avg, "sum" => MetricAggregation.Sum, "count" => MetricAggregation.Count,
            "min" => MetricAggregation.Min, "max" => MetricAggregation.Max, "p95" => MetricAggregation.P95, "p99" => MetricAggregation.P99,
            _ => null,
        };
        if (parsed is null) errors["aggregation"] = ["One of avg, sum, count, min, max, p95, p99."];
        var aggregation = parsed ?? MetricAggregation.Avg;
        var interval = MetricResolution.Raw;
        if (request.Interval is not null && !MetricResolutions.TryParseInterval(request.Interval, out interval))
            errors["interval"] = ["One of 1m, 5m, 1h, 1d."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var start = request.TimeRange!.Start!.Value.ToUnixTimeMilliseconds();
        var end = request.TimeRange.End!.Value.ToUnixTimeMilliseconds();
        if (interval == MetricResolution.Raw) interval = AutoInterval(end - start);
        if ((end - start) / interval.Ms() > MaxBuckets)
            throw new ValidationException("interval", $"The range holds more than {MaxBuckets} intervals of {interval.ToWire()}; choose a coarser interval.");

        var notes = new List<string>();
        var read = MetricResolution.Raw;
        if (aggregation is MetricAggregation.P95 or MetricAggregation.P99)
        {
            var rawHorizon = now - retention.For(MetricResolution.Raw);
            if (start < rawHorizon.ToUnixTimeMilliseconds())
                throw new ValidationException("timeRange",
                    $"Percentiles are computed from raw points, which are kept for {retention.RawDays} days; the range starts before {rawHorizon:O}. Narrow the range or use avg/max.");
        }
        else
        {
            foreach (var candidate in MetricResolutions.Rollups)
            {
                if (candidate.Ms() > interval.Ms() || interval.Ms() % candidate.Ms() != 0) continue;
                if (start % candidate.Ms() != 0 || end % candidate.Ms() != 0) continue;
                read = candidate;
            }
            var horizon = now - retention.For(read);
            if (start < horizon.ToUnixTimeMilliseconds())
                notes.Add($"The range starts before the {read.ToWire()} retention horizon ({horizon:O}); older buckets may be missing. A coarser interval reads longer-kept rollups.");
        }
        var groupBy = (request.GroupBy ?? []).Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal).ToList();
        var filters = request.Filters ?? new Dictionary<string, string>();
        return new MetricQueryPlan(request.MetricName!, start, end, aggregation, interval, read, groupBy, filters, notes);
    }

    public static MetricResolution AutoInterval(long rangeMs) => rangeMs switch
    {
        <= 6L * 3_600_000 => MetricResolution.OneMinute,
        <= 2L * 86_400_000 => MetricResolution.FiveMinutes,
        <= 31L * 86_400_000 => MetricResolution.OneHour,
        _ => MetricResolution.OneDay,
    };

    /// <summary>
    /// Percentile by linear interpolation between closest ranks (as numpy's default and Excel's PERCENTILE.INC):
    /// rank h = (n − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). <paramref name="sorted"/> must be ascending.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("No values.", nameof(sorted));
        var h = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
    }
}
