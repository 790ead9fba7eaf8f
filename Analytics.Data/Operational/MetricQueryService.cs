using System.Data.Common;
using System.Globalization;
using Analytics.Domain.Operational;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Operational;

/// <summary>
/// Answers <c>POST /metrics/query</c> from the resolution the <see cref="MetricQueryPlanner"/> picked. Series are
/// selected by name, then filtered and grouped by tags in memory (one metric has few series); buckets are aligned to
/// UTC multiples of the interval (the first and last may be partial when the range is not aligned) and buckets with
/// no points are omitted. avg = Σsum/Σcount; p95/p99 from raw points (linear interpolation between closest ranks).
/// </summary>
public sealed class MetricQueryService(IDbContextFactory<AnalyticsDbContext> factory, IOptions<MetricsOptions> options, TimeProvider clock)
{
    public async Task<MetricQueryResult> QueryAsync(MetricQueryRequest request, CancellationToken ct)
    {
        var plan = MetricQueryPlanner.Plan(request, options.Value.Retention, clock.GetUtcNow());
        await using var db = await factory.CreateDbContextAsync(ct);
        var series = await db.MetricSeries.AsNoTracking().Where(s => s.Name == plan.MetricName).Select(s => new { s.Id, s.TagsKey }).ToListAsync(ct);

        var groupOf = new Dictionary<long, string>();
        var groupTags = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            var tags = MetricSeries.TagsOf(s.TagsKey);
            if (plan.Filters.Any(f => !tags.TryGetValue(f.Key, out var v) || v != f.Value)) continue;
            var grouped = plan.GroupBy.ToDictionary(k => k, k => tags.GetValueOrDefault(k, ""), StringComparer.Ordinal);
            var key = MetricSeries.KeyOf(grouped);
            groupOf[s.Id] = key;
            groupTags.TryAdd(key, grouped);
        }
        var meta = new MetricQueryMeta(plan.Read.ToWire(), plan.Interval.ToWire(), groupOf.Count, plan.Notes);
        if (groupOf.Count == 0) return new MetricQueryResult([], meta);

        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var ids = string.Join(',', groupOf.Keys.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var width = plan.Interval.Ms();
        var data = plan.Aggregation is MetricAggregation.P95 or MetricAggregation.P99
            ? await PercentilesAsync(connection, plan, ids, groupOf, groupTags, ct)
            : await AggregatesAsync(connection, plan, ids, groupOf, groupTags, ct);
        return new MetricQueryResult(data, meta);
    }

    private static async Task<List<MetricDataPoint>> AggregatesAsync(DbConnection connection, MetricQueryPlan plan, string ids,
        Dictionary<long, string> groupOf, Dictionary<string, IReadOnlyDictionary<string, string>> groupTags, CancellationToken ct)
    {
        var width = plan.Interval.Ms();
        // One output group (no groupBy, or every series in the same group): let the database merge the series too.
        var single = groupTags.Count == 1;
        var seriesColumn = single ? "MIN(series_id)" : "series_id";
        var seriesGroup = single ? "" : "series_id, ";
        await using var command = connection.CreateCommand();
        command.CommandText = plan.Read == plan.Interval && !single
            // The rollup already has the output's buckets: stream its rows in key order, no grouping.
            ? $"SELECT series_id, bucket_ts, count, sum, min, max FROM metric_rollups WHERE resolution = {plan.Read.Ms()} AND series_id IN ({ids}) AND bucket_ts >= @start AND bucket_ts < @end"
            : plan.Read == MetricResolution.Raw
            ? $"""
              SELECT {seriesColumn}, ts - (ts % {width}), CAST(COUNT(*) AS BIGINT), SUM(value), MIN(value), MAX(value) FROM metric_points
              WHERE series_id IN ({ids}) AND ts >= @start AND ts < @end GROUP BY {seriesGroup}ts - (ts % {width})
              """
            : $"""
              SELECT {seriesColumn}, bucket_ts - (bucket_ts % {width}), CAST(SUM(count) AS BIGINT), SUM(sum), MIN(min), MAX(max) FROM metric_rollups
              WHERE resolution = {plan.Read.Ms()} AND series_id IN ({ids}) AND bucket_ts >= @start AND bucket_ts < @end
              GROUP BY {seriesGroup}bucket_ts - (bucket_ts % {width})
              """;
        AddParameter(command, "@start", plan.StartMs);
        AddParameter(command, "@end", plan.EndMs);
        // Groups by index, not by their key string: one small-integer lookup per row.
        var groups = groupTags.Keys.Order(StringComparer.Ordinal).ToArray();
        var indexOfGroup = new Dictionary<string, int>(groups.Length, StringComparer.Ordinal);
        for (var i = 0; i < groups.Length; i++) indexOfGroup[groups[i]] = i;
        var groupOfSeries = new Dictionary<long, int>(groupOf.Count);
        foreach (var (seriesId, group) in groupOf) groupOfSeries[seriesId] = indexOfGroup[group];
        var tagsOfGroup = new IReadOnlyDictionary<string, string>[groups.Length];
        for (var i = 0; i < groups.Length; i++) tagsOfGroup[i] = groupTags[groups[i]];
        // Every row's bucket lies in [floor(start), end): aggregate into dense per-(group, bucket) arrays, which are
        // already in output order (group, then time). Huge grids fall back to a dictionary.
        var firstBucket = MetricResolutions.BucketOf(plan.StartMs, width);
        var bucketCount = (plan.EndMs - firstBucket + width - 1) / width;
        var cells = bucketCount * groups.Length;
        return cells <= DenseCellLimit && plan.StartMs >= 0
            ? await ReadDenseAsync(command, plan, groupOfSeries, tagsOfGroup, firstBucket, width, (int)bucketCount, ct)
            : await ReadSparseAsync(command, plan, groupOfSeries, tagsOfGroup, ct);
    }

    /// <summary>At most this many (group × bucket) cells are aggregated in dense arrays (~33 bytes a cell).</summary>
    private const long DenseCellLimit = 1_000_000;

    private static async Task<List<MetricDataPoint>> ReadDenseAsync(DbCommand command, MetricQueryPlan plan, Dictionary<long, int> groupOfSeries,
        IReadOnlyDictionary<string, string>[] tagsOfGroup, long firstBucket, long width, int bucketCount, CancellationToken ct)
    {
        var cells = bucketCount * tagsOfGroup.Length;
        var counts = new long[cells];
        var sums = new double[cells];
        var mins = new double[cells];
        var maxes = new double[cells];
        var present = new bool[cells];
        var filled = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var bucket = reader.GetInt64(1);
                var index = groupOfSeries[reader.GetInt64(0)] * bucketCount + (int)((bucket - firstBucket) / width);
                var count = reader.GetInt64(2);
                var sum = reader.GetDouble(3);
                var min = reader.GetDouble(4);
                var max = reader.GetDouble(5);
                if (present[index])
                {
                    counts[index] += count;
                    sums[index] += sum;
                    mins[index] = Math.Min(mins[index], min);
                    maxes[index] = Math.Max(maxes[index], max);
                }
                else
                {
                    present[index] = true;
                    filled++;
                    counts[index] = count;
                    sums[index] = sum;
                    mins[index] = min;
                    maxes[index] = max;
                }
            }
        }
        var data = new List<MetricDataPoint>(filled);
        var aggregation = plan.Aggregation;
        for (var group = 0; group < tagsOfGroup.Length; group++)
        {
            var tags = tagsOfGroup[group];
            var offset = group * bucketCount;
            for (var b = 0; b < bucketCount; b++)
            {
                var index = offset + b;
                if (!present[index]) continue;
                data.Add(new MetricDataPoint(UtcOf(firstBucket + b * width), ValueOf(aggregation, counts[index], sums[index], mins[index], maxes[index]), tags));
            }
        }
        return data;
    }

    private static async Task<List<MetricDataPoint>> ReadSparseAsync(DbCommand command, MetricQueryPlan plan, Dictionary<long, int> groupOfSeries,
        IReadOnlyDictionary<string, string>[] tagsOfGroup, CancellationToken ct)
    {
        var buckets = new Dictionary<(int Group, long Bucket), (long Count, double Sum, double Min, double Max)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = (groupOfSeries[reader.GetInt64(0)], reader.GetInt64(1));
                var (count, sum, min, max) = (reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
                buckets[key] = buckets.TryGetValue(key, out var a)
                    ? (a.Count + count, a.Sum + sum, Math.Min(a.Min, min), Math.Max(a.Max, max))
                    : (count, sum, min, max);
            }
        }
        var keys = buckets.Keys.ToArray();
        Array.Sort(keys);
        var data = new List<MetricDataPoint>(keys.Length);
        foreach (var key in keys)
        {
            var b = buckets[key];
            data.Add(new MetricDataPoint(UtcOf(key.Bucket), ValueOf(plan.Aggregation, b.Count, b.Sum, b.Min, b.Max), tagsOfGroup[key.Group]));
        }
        return data;
    }

    private static DateTime UtcOf(long unixMs) => DateTime.UnixEpoch.AddTicks(unixMs * TimeSpan.TicksPerMillisecond);

    private static double? ValueOf(MetricAggregation aggregation, long count, double sum, double min, double max) => aggregation switch
    {
        MetricAggregation.Sum => sum,
        MetricAggregation.Count => count,
        MetricAggregation.Min => min,
        MetricAggregation.Max => max,
        _ => count == 0 ? null : sum / count,
    };

    private static async Task<List<MetricDataPoint>> PercentilesAsync(DbConnection connection, MetricQueryPlan plan, string ids,
        Dictionary<long, string> groupOf, Dictionary<string, IReadOnlyDictionary<string, string>> groupTags, CancellationToken ct)
    {
        var width = plan.Interval.Ms();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT series_id, ts, value FROM metric_points WHERE series_id IN ({ids}) AND ts >= @start AND ts < @end";
        AddParameter(command, "@start", plan.StartMs);
        AddParameter(command, "@end", plan.EndMs);
        var values = new Dictionary<(string Group, long Bucket), List<double>>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = (groupOf[reader.GetInt64(0)], MetricResolutions.BucketOf(reader.GetInt64(1), width));
                if (!values.TryGetValue(key, out var list)) values[key] = list = [];
                list.Add(reader.GetDouble(2));
            }
        }
        var p = plan.Aggregation == MetricAggregation.P95 ? 0.95 : 0.99;
        return values
            .OrderBy(b => b.Key.Group, StringComparer.Ordinal).ThenBy(b => b.Key.Bucket)
            .Select(b =>
            {
                b.Value.Sort();
                return new MetricDataPoint(DateTimeOffset.FromUnixTimeMilliseconds(b.Key.Bucket).UtcDateTime, MetricQueryPlanner.Percentile(b.Value, p), groupTags[b.Key.Group]);
            })
            .ToList();
    }

    /// <summary>
    /// One aggregate of a metric's raw points over [from, to), across the series whose tags match <paramref name="filters"/>
    /// (alert rules read this). Null when the window holds no point.
    /// </summary>
    public async Task<double?> WindowAggregateAsync(string name, IReadOnlyDictionary<string, string> filters, MetricAggregation aggregation,
        long fromMs, long toMs, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var series = await db.MetricSeries.AsNoTracking().Where(s => s.Name == name).Select(s => new { s.Id, s.TagsKey }).ToListAsync(ct);
        var ids = series
            .Where(s => { var tags = MetricSeries.TagsOf(s.TagsKey); return filters.All(f => tags.TryGetValue(f.Key, out var v) && v == f.Value); })
            .Select(s => s.Id.ToString(CultureInfo.InvariantCulture))
            .ToList();
        if (ids.Count == 0) return null;

        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        var where = $"FROM metric_points WHERE series_id IN ({string.Join(',', ids)}) AND ts >= @start AND ts < @end";
        AddParameter(command, "@start", fromMs);
        AddParameter(command, "@end", toMs);
        if (aggregation is MetricAggregation.P95 or MetricAggregation.P99)
        {
            command.CommandText = $"SELECT value {where}";
            var values = new List<double>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) values.Add(reader.GetDouble(0));
            if (values.Count == 0) return null;
            values.Sort();
            return MetricQueryPlanner.Percentile(values, aggregation == MetricAggregation.P95 ? 0.95 : 0.99);
        }
        command.CommandText = $"SELECT COUNT(*), SUM(value), MIN(value), MAX(value) {where}";
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            var count = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            if (count == 0) return null;
            double At(int i) => Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
            return aggregation switch
            {
                MetricAggregation.Count => count,
                MetricAggregation.Sum => At(1),
                MetricAggregation.Min => At(2),
                MetricAggregation.Max => At(3),
                _ => At(1) / count,
            };
        }
    }

    /// <summary>Per metric name and bucket of <paramref name="widthMs"/>: count, sum, min, max of the raw points in [from, to).</summary>
    public async Task<List<StreamAggregate>> AggregateByNameAsync(IReadOnlyList<string> names, long fromMs, long toMs, long widthMs, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        var parameters = names.Select((n, i) => $"@n{i}").ToList();
        command.CommandText = $"""
            SELECT s.name, p.ts - (p.ts % {widthMs}), COUNT(*), SUM(p.value), MIN(p.value), MAX(p.value)
            FROM metric_points p JOIN metric_series s ON s.id = p.series_id
            WHERE s.name IN ({string.Join(", ", parameters)}) AND p.ts >= @from AND p.ts < @to
            GROUP BY s.name, p.ts - (p.ts % {widthMs})
            """;
        for (var i = 0; i < names.Count; i++) AddParameter(command, parameters[i], names[i]);
        AddParameter(command, "@from", fromMs);
        AddParameter(command, "@to", toMs);
        var result = new List<StreamAggregate>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StreamAggregate(reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture),
                Convert.ToDouble(reader.GetValue(4), CultureInfo.InvariantCulture), Convert.ToDouble(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }
        return result;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The raw points of one metric name (all its series) in one bucket.</summary>
public sealed record StreamAggregate(string Name, long BucketTs, long Count, double Sum, double Min, double Max);
