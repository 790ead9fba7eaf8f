using Analytics.Data;
using Analytics.Data.Operational;
using Analytics.Domain.Operational;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Data;

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteOperationalMetricsTests : OperationalMetricsTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresOperationalMetricsTests : OperationalMetricsTests;

/// <summary>The operational store on each provider: writes, rollups, the planner's reads, retention. Expectations are LINQ over the points sent.</summary>
public abstract class OperationalMetricsTests : ProviderTests
{
    private const string Metric = "svc.latency";
    private static readonly string[] Hosts = ["a", "b", "c"];
    private static readonly string[] Regions = ["eu", "us"];

    private sealed record Sent(string Host, string Region, long Ts, double Value);

    /// <summary>Three hours of irregular points for 6 series, written in several batches, with some points replaced later.</summary>
    private static async Task<List<Sent>> WriteSampleAsync(AnalyticsTestHost host)
    {
        var rng = new Random(42);
        var now = host.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var all = new Dictionary<(string, string, long), double>();
        var writer = host.Services.GetRequiredService<OperationalMetricsWriter>();
        for (var batch = 0; batch < 4; batch++)
        {
            var points = new List<SeriesPoint>();
            for (var i = 0; i < 400; i++)
            {
                var h = Hosts[rng.Next(Hosts.Length)];
                var r = Regions[rng.Next(Regions.Length)];
                var ts = now - 3 * 3_600_000L + rng.NextInt64(3 * 3_600_000L);
                ts -= ts % 1000; // whole seconds, so later batches hit earlier (series, time) pairs and replace them
                if (batch == 3 && i < 50 && all.Count > 0) (h, r, ts) = all.Keys.ElementAt(rng.Next(all.Count));
                var value = Math.Round(rng.NextDouble() * 1000, 3);
                points.Add(new SeriesPoint(Metric, MetricSeries.KeyOf(new Dictionary<string, string> { ["host"] = h, ["region"] = r }), ts, value));
                all[(h, r, ts)] = value;
            }
            await writer.WriteAsync(points, CancellationToken.None);
        }
        return all.Select(p => new Sent(p.Key.Item1, p.Key.Item2, p.Key.Item3, p.Value)).ToList();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = p * (sorted.Length - 1);
        var below = (int)rank;
        return below + 1 < sorted.Length ? sorted[below] + (rank - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
    }

    private static Task<MetricQueryResult> QueryAsync(AnalyticsTestHost host, DateTimeOffset start, DateTimeOffset end, string aggregation, string interval,
        string[]? groupBy = null, Dictionary<string, string>? filters = null) =>
        host.Services.GetRequiredService<MetricQueryService>().QueryAsync(new MetricQueryRequest
        {
            MetricName = Metric, TimeRange = new(start, end), Aggregation = aggregation, Interval = interval, GroupBy = groupBy, Filters = filters,
        }, CancellationToken.None);

    [ProviderFact]
    public async Task Query_returns_avg_sum_min_max_count_and_p95_per_interval_as_computed_from_the_points()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var sent = await WriteSampleAsync(host);
        var now = host.Clock.GetUtcNow();
        var start = now.AddHours(-3);
        var hour = 3_600_000L;
        var byHour = sent.GroupBy(p => p.Ts - p.Ts % hour).OrderBy(g => g.Key).ToList();

        foreach (var (aggregation, expected) in new (string, Func<IEnumerable<Sent>, double>)[]
                 {
                     ("avg", g => g.Average(p => p.Value)), ("sum", g => g.Sum(p => p.Value)), ("min", g => g.Min(p => p.Value)),
                     ("max", g => g.Max(p => p.Value)), ("count", g => g.Count()), ("p95", g => Percentile(g.Select(p => p.Value).ToList(), 0.95)),
                 })
        {
            var result = await QueryAsync(host, start, now, aggregation, "1h");
            result.Meta.Resolution.Should().Be(aggregation == "p95" ? "raw" : "1h", aggregation);
            result.Data.Select(d => new DateTimeOffset(d.Timestamp).ToUnixTimeMilliseconds()).Should().Equal(byHour.Select(g => g.Key), aggregation);
            result.Data.Select(d => d.Value!.Value).Should().Equal(byHour.Select(expected), (a, e) => Math.Abs(a - e) < 1e-6 * Math.Max(1, Math.Abs(e)), aggregation);
        }
    }

    [ProviderFact]
    public async Task GroupBy_and_filters_select_and_split_series_by_tags()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var sent = await WriteSampleAsync(host);
        var now = host.Clock.GetUtcNow();
        var width = 5 * 60_000L;

        var result = await QueryAsync(host, now.AddHours(-3), now, "sum", "5m", ["host"], new() { ["region"] = "eu" });

        result.Meta.Resolution.Should().Be("5m");
        var expected = sent.Where(p => p.Region == "eu")
            .GroupBy(p => (p.Host, Bucket: p.Ts - p.Ts % width))
            .OrderBy(g => g.Key.Host, StringComparer.Ordinal).ThenBy(g => g.Key.Bucket)
            .Select(g => (g.Key.Host, g.Key.Bucket, Sum: g.Sum(p => p.Value))).ToList();
        result.Data.Should().HaveCount(expected.Count);
        result.Data.Select(d => (d.Tags["host"], new DateTimeOffset(d.Timestamp).ToUnixTimeMilliseconds(), d.Value!.Value)).Should()
            .Equal(expected, (a, e) => a.Item1 == e.Host && a.Item2 == e.Bucket && Math.Abs(a.Item3 - e.Sum) < 1e-6);
        result.Data.Should().AllSatisfy(d => d.Tags.Keys.Should().Equal("host"));
    }

    [ProviderFact]
    public async Task Rollups_at_every_resolution_equal_aggregates_of_the_raw_points()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var sent = await WriteSampleAsync(host);
        await using var db = await host.DbAsync();
        var series = await db.MetricSeries.ToDictionaryAsync(s => s.Id, s => MetricSeries.TagsOf(s.TagsKey));
        var rollups = await db.MetricRollups.AsNoTracking().ToListAsync();

        foreach (var resolution in MetricResolutions.Rollups)
        {
            var width = resolution.Ms();
            var expected = sent.GroupBy(p => (p.Host, p.Region, p.Ts - p.Ts % width))
                .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Sum: g.Sum(p => p.Value), Min: g.Min(p => p.Value), Max: g.Max(p => p.Value)));
            var actual = rollups.Where(r => r.Resolution == resolution)
                .ToDictionary(r => (series[r.SeriesId]["host"], series[r.SeriesId]["region"], r.BucketTs), r => (r.Count, r.Sum, r.Min, r.Max));
            actual.Keys.Should().BeEquivalentTo(expected.Keys, resolution.ToWire());
            foreach (var (key, e) in expected)
            {
                var a = actual[key];
                a.Count.Should().Be(e.Count);
                a.Sum.Should().BeApproximately(e.Sum, 1e-6);
                a.Min.Should().Be(e.Min);
                a.Max.Should().Be(e.Max);
            }
        }
    }

    [ProviderFact]
    public async Task Retention_deletes_only_what_is_past_each_resolutions_horizon()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var now = host.Clock.GetUtcNow();
        var ages = new[] { 1, 29, 31, 89, 91, 179, 181, 364, 366, 1824, 1826 };
        var points = ages.Select(days => new SeriesPoint("ret.test", "", now.AddDays(-days).AddMinutes(7).ToUnixTimeMilliseconds(), days)).ToList();
        await host.Services.GetRequiredService<OperationalMetricsWriter>().WriteAsync(points, CancellationToken.None);

        await host.Services.GetRequiredService<MetricRetention>().ApplyAsync(CancellationToken.None);

        var retention = new MetricsRetentionOptions();
        await using var db = await host.DbAsync();
        var nowMs = now.ToUnixTimeMilliseconds();
        (await db.MetricPoints.Select(p => p.Ts).ToListAsync()).Should()
            .BeEquivalentTo(points.Where(p => p.Ts >= nowMs - (long)retention.For(MetricResolution.Raw).TotalMilliseconds).Select(p => p.Ts));
        var rollups = await db.MetricRollups.AsNoTracking().ToListAsync();
        foreach (var resolution in MetricResolutions.Rollups)
        {
            var horizon = nowMs - (long)retention.For(resolution).TotalMilliseconds;
            var expected = points.Select(p => MetricResolutions.BucketOf(p.Ts, resolution.Ms())).Distinct().Where(b => b + resolution.Ms() > horizon);
            rollups.Where(r => r.Resolution == resolution).Select(r => r.BucketTs).Should().BeEquivalentTo(expected, resolution.ToWire());
        }
    }

    [ProviderFact]
    public async Task A_batch_with_a_duplicate_time_keeps_the_last_value_and_rollups_follow()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var ts = host.Clock.GetUtcNow().AddMinutes(-10).ToUnixTimeMilliseconds();
        var writer = host.Services.GetRequiredService<OperationalMetricsWriter>();
        await writer.WriteAsync([new SeriesPoint("dup", "", ts, 1), new SeriesPoint("dup", "", ts, 5), new SeriesPoint("dup", "", ts + 1, 2)], CancellationToken.None);

        await using var db = await host.DbAsync();
        (await db.MetricPoints.OrderBy(p => p.Ts).Select(p => p.Value).ToListAsync()).Should().Equal(5, 2);
        var minute = await db.MetricRollups.SingleAsync(r => r.Resolution == MetricResolution.OneMinute);
        (minute.Count, minute.Sum, minute.Min, minute.Max).Should().Be((2L, 7.0, 2.0, 5.0));
    }
}
