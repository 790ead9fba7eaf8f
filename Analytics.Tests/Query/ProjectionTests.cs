using Analytics.Data;
using Analytics.Data.Facts;
using Analytics.Data.Query;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Query;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Query;

/// <summary>
/// Day projections end to end: which ones a dataset keeps, that the in-memory and the SQL builds agree, that the
/// planner reads them, and that they answer the same numbers as the raw facts (computed here from the rows).
/// </summary>
public abstract class ProjectionTests : ProviderTests
{
    private const long Day = 86_400;
    private static readonly long Start = DateTimeOffset.Parse("2025-01-06T00:00:00Z").ToUnixTimeSeconds(); // a Monday
    private static readonly string[] Types = ["SP", "SB", "SD"];

    private sealed record Row(long Ts, string Campaign, string Asin, string Type, double Spend, double Sales, double Low)
    {
        public FactRow Fact => new(Ts, [Campaign, Asin, Type], [null, null, Spend, Sales, Low]); // measures by slot
    }

    /// <summary>100 days × 10 campaigns × 5 ASINs (5,000 facts: past the in-memory build's warm-up); a campaign has one type.</summary>
    private static List<Row> Rows(int seed = 5)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var d = 0; d < 100; d++)
            for (var c = 0; c < 10; c++)
                for (var a = 0; a < 5; a++)
                    rows.Add(new Row(Start + d * Day, $"C{c}", $"C{c}-A{a}", Types[c % 3], Math.Round(random.NextDouble() * 50, 2),
                        Math.Round(random.NextDouble() * 200, 2), Math.Round(random.NextDouble() * 3, 2)));
        return rows;
    }

    private static async Task<Dataset> DatasetAsync(AnalyticsTestHost host, string source)
    {
        await using var db = await host.DbAsync();
        db.Sources.Add(new DataSource { Id = source, Name = source, Kind = SourceKind.Csv, OwnerId = "system" });
        var dataset = new Dataset
        {
            Key = "ads", Name = "ads", SourceId = source,
            Dimensions = [new("campaign", "Campaign", 1), new("asin", "ASIN", 2), new("campaign_type", "Campaign type", 3)],
            Measures = [new("spend", "Spend", 3), new("sales", "Sales", 4), new("low", "Lowest bid", 5, Aggregation.Min)],
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset;
    }

    private static async Task<List<string>> ProjectionRowsAsync(AnalyticsTestHost host, Dataset dataset)
    {
        await using var db = await host.DbAsync();
        return (await db.Set<FactProjectionRow>().AsNoTracking().Where(r => r.DatasetId == dataset.Id).ToListAsync())
            .Select(r => $"{r.Projection} {r.Ts} {r.DimHash} {r.D1}|{r.D2}|{r.D3} {r.M3:0.######} {r.M4:0.######} {r.M5}")
            .Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<(string Grain, int Dimensions, long Rows)>> StatsAsync(AnalyticsTestHost host, Dataset dataset)
    {
        await using var db = await host.DbAsync();
        return (await db.Set<FactProjection>().AsNoTracking().Where(p => p.DatasetId == dataset.Id).ToListAsync())
            .Select(p => (p.Grain, p.Dimensions, p.RowCount)).OrderBy(p => p.Grain).ThenBy(p => p.Dimensions).ToList();
    }

    private static SemanticQuery Q(string granularity, string[] metrics, string[] groupBy, int days = 100) => new()
    {
        Metrics = metrics, GroupBy = groupBy, Granularity = granularity,
        TimeRange = new QueryTimeRange(DateTimeOffset.FromUnixTimeSeconds(Start), DateTimeOffset.FromUnixTimeSeconds(Start + days * Day)),
        SourceIds = ["src-p"], Limit = 100_000,
    };

    private static int Col(QueryResult r, string name) => r.Columns.Select(c => c.Name).ToList().IndexOf(name);

    [ProviderFact]
    public async Task A_bulk_insert_keeps_the_small_projections_and_they_equal_the_ones_rebuilt_in_SQL()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var store = host.Services.GetRequiredService<FactStore>();
        var inMemory = await DatasetAsync(host, "src-p");
        var rebuilt = await DatasetAsync(host, "src-q");

        await store.WriteAsync(inMemory, Rows().Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);
        await store.WriteAsync(rebuilt, Rows().Select(r => r.Fact), FactWriteMode.Upsert, CancellationToken.None);
        (await ProjectionRowsAsync(host, rebuilt)).Should().BeEmpty("an upsert into an empty dataset does not choose projections");
        await store.RebuildRollupsAsync(rebuilt, CancellationToken.None);

        // Totals (100 rows), campaign type (300) and (campaign, type) (1,000) are at most a quarter of the 5,000 facts;
        // campaign alone has as many rows as (campaign, type), which answers everything it would; anything with the ASIN is too large.
        var stats = await StatsAsync(host, inMemory);
        stats.Where(s => s.Grain == FactProjection.Day).Should().Equal((FactProjection.Day, 0, 100L), (FactProjection.Day, 0b100, 300L), (FactProjection.Day, 0b101, 1_000L));
        stats.Should().Contain((FactRollup.Week, FactProjection.AllDimensions, 750L)).And.Contain((FactRollup.Month, FactProjection.AllDimensions, 200L));
        (await StatsAsync(host, rebuilt)).Should().Equal(stats);
        var expected = await ProjectionRowsAsync(host, rebuilt);
        expected.Should().HaveCount(1_400);
        (await ProjectionRowsAsync(host, inMemory)).Should().Equal(expected);
    }

    [ProviderFact]
    public async Task Projections_answer_the_same_numbers_as_the_raw_facts()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var store = host.Services.GetRequiredService<FactStore>();
        var engine = host.Services.GetRequiredService<FactQueryService>();
        var dataset = await DatasetAsync(host, "src-p");
        var rows = Rows();
        await store.WriteAsync(dataset, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);

        await CheckAsync(engine, rows, expectProjection: true);

        // An upsert that changes three days (and adds a campaign) refreshes the projections of those days.
        var changed = Rows(seed: 9).Where(r => r.Ts >= Start + 20 * Day && r.Ts < Start + 23 * Day).ToList();
        changed.Add(new Row(Start + 21 * Day + 3600, "C10", "C10-A0", "SP", 7.5, 30, 1));
        changed.Add(new Row(Start + 22 * Day + 6 * 3600, "C10", "C10-A1", "SP", 11, 40, 2)); // 01:00 in New York, the same day there

        await store.WriteAsync(dataset, changed.Select(r => r.Fact), FactWriteMode.Upsert, CancellationToken.None);
        var current = rows.Where(r => r.Ts < Start + 20 * Day || r.Ts >= Start + 23 * Day).Concat(changed).ToList();
        await CheckAsync(engine, current, expectProjection: true);

        await using var db = await host.DbAsync();
        foreach (var (grain, dimensions, count) in await StatsAsync(host, dataset))
        {
            var actual = grain == FactProjection.Day
                ? await db.Set<FactProjectionRow>().CountAsync(r => r.DatasetId == dataset.Id && r.Projection == dimensions)
                : await db.Set<FactRollup>().CountAsync(r => r.DatasetId == dataset.Id && r.Grain == grain);
            count.Should().Be(actual, $"the row count of {grain} {dimensions} follows inserts and deletes");
        }
    }

    private static async Task CheckAsync(FactQueryService engine, List<Row> rows, bool expectProjection)
    {
        // Daily ROAS by campaign: (campaign, type) projection.
        var daily = await engine.ExecuteAsync(Actor.System, Q("day", ["roas", "spend"], ["campaign"]), CancellationToken.None, useCache: false);
        if (expectProjection) daily.Meta.Datasets.Single().Segments.Should().Equal("day(campaign, campaign_type) 2025-01-06T00:00Z..2025-04-16T00:00Z");
        var byDay = rows.GroupBy(r => (Bucket: r.Ts / Day * Day, r.Campaign)).ToDictionary(g => g.Key, g => (Spend: g.Sum(r => r.Spend), Sales: g.Sum(r => r.Sales)));
        daily.Rows.Should().HaveCount(100 * rows.Select(r => r.Campaign).Distinct().Count(), "empty days of the added campaign are filled");
        foreach (var row in daily.Rows)
        {
            var key = (new DateTimeOffset((DateTime)row[0]!).ToUnixTimeSeconds(), (string)row[1]!);
            if (!byDay.TryGetValue(key, out var want))
            {
                row[Col(daily, "spend")].Should().BeNull();
                continue;
            }
            ((double)row[Col(daily, "spend")]!).Should().BeApproximately(want.Spend, 1e-6);
            ((double)row[Col(daily, "roas")]!).Should().BeApproximately(want.Sales / want.Spend, 1e-9);
        }
        daily.Rows.Select(r => ((DateTime)r[0]!, (string)r[1]!)).Should().BeInAscendingOrder(Comparer<(DateTime, string)>.Create((a, b) =>
            a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2)));

        // Daily spend by campaign in New York: the projection keeps each fact's time (of the two the upsert adds, 01:00
        // UTC is the evening before there, 06:00 UTC the same day), so it answers another zone's days exactly.
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        long NewYorkDay(long ts)
        {
            var midnight = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(ts), newYork).Date;
            return new DateTimeOffset(midnight, newYork.GetUtcOffset(midnight)).ToUnixTimeSeconds();
        }
        var local = await engine.ExecuteAsync(Actor.System, Q("day", ["spend"], ["campaign"]) with { TimeZone = "America/New_York" }, CancellationToken.None, useCache: false);
        if (expectProjection) local.Meta.Datasets.Single().Segments.Should().Equal("day(campaign, campaign_type) 2025-01-06T00:00Z..2025-04-16T00:00Z");
        var byLocalDay = rows.GroupBy(r => (NewYorkDay(r.Ts), r.Campaign)).ToDictionary(g => g.Key, g => g.Sum(r => r.Spend));
        local.Rows.Where(r => r[2] is not null).Should().HaveCount(byLocalDay.Count);
        foreach (var row in local.Rows.Where(r => r[2] is not null))
            ((double)row[2]!).Should().BeApproximately(byLocalDay[(new DateTimeOffset((DateTime)row[0]!).ToUnixTimeSeconds(), (string)row[1]!)], 1e-6);

        // Monthly spend and the lowest bid by campaign type, filtered to two types: the type projection for the partial
        // months (whole months are cheaper from the monthly rollup: 50 rows a month against ~90).
        var monthly = await engine.ExecuteAsync(Actor.System, Q("month", ["spend", "low"], ["campaign_type"]) with
        {
            Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign_type"] = ["SP", "SD"] },
        }, CancellationToken.None, useCache: false);
        if (expectProjection)
            monthly.Meta.Datasets.Single().Segments.Should().Equal("day(campaign_type) 2025-01-06T00:00Z..2025-02-01T00:00Z", "month 2025-02-01T00:00Z..2025-04-01T00:00Z", "day(campaign_type) 2025-04-01T00:00Z..2025-04-16T00:00Z");
        var byMonth = rows.Where(r => r.Type is "SP" or "SD")
            .GroupBy(r => (Month: new DateTime(DateTimeOffset.FromUnixTimeSeconds(r.Ts).Year, DateTimeOffset.FromUnixTimeSeconds(r.Ts).Month, 1, 0, 0, 0, DateTimeKind.Utc), r.Type))
            .ToDictionary(g => g.Key, g => (Spend: g.Sum(r => r.Spend), Low: g.Min(r => r.Low)));
        monthly.Rows.Should().HaveCount(byMonth.Count);
        foreach (var row in monthly.Rows)
        {
            var want = byMonth[((DateTime)row[0]!, (string)row[1]!)];
            ((double)row[2]!).Should().BeApproximately(want.Spend, 1e-6);
            ((double)row[3]!).Should().Be(want.Low);
        }

        // Top campaigns by spend over a range that does not start at midnight: raw edges around the projection.
        var top = await engine.ExecuteAsync(Actor.System, Q("none", ["spend"], ["campaign"]) with
        {
            TimeRange = new QueryTimeRange(DateTimeOffset.FromUnixTimeSeconds(Start + 10 * Day + 3600), DateTimeOffset.FromUnixTimeSeconds(Start + 40 * Day)),
            Sort = [new QuerySort("spend", true)], Limit = 3,
        }, CancellationToken.None, useCache: false);
        if (expectProjection) top.Meta.Datasets.Single().Segments.Should().Contain(s => s.StartsWith("raw")).And.Contain(s => s.StartsWith("day(campaign, campaign_type)"));
        var spendByCampaign = rows.Where(r => r.Ts >= Start + 10 * Day + 3600 && r.Ts < Start + 40 * Day).GroupBy(r => r.Campaign)
            .Select(g => (Campaign: g.Key, Spend: g.Sum(r => r.Spend))).OrderByDescending(x => x.Spend).Take(3).ToList();
        top.Rows.Select(r => (string)r[0]!).Should().Equal(spendByCampaign.Select(x => x.Campaign));
        top.Rows.Select(r => (double)r[1]!).Should().Equal(spendByCampaign.Select(x => x.Spend), (a, b) => Math.Abs(a - b) < 1e-6);

        // By ASIN no projection answers: full rollups and raw facts, same numbers.
        var weekly = await engine.ExecuteAsync(Actor.System, Q("week", ["spend"], ["asin"]), CancellationToken.None, useCache: false);
        weekly.Meta.Datasets.Single().Segments.Should().NotContain(s => s.StartsWith("day"));
        var byWeek = rows.GroupBy(r => (Week: r.Ts / Day * Day - (r.Ts / Day + 3) % 7 * Day, r.Asin)).ToDictionary(g => g.Key, g => g.Sum(r => r.Spend));
        foreach (var row in weekly.Rows)
        {
            if (byWeek.TryGetValue((new DateTimeOffset((DateTime)row[0]!).ToUnixTimeSeconds(), (string)row[1]!), out var spend)) ((double)row[2]!).Should().BeApproximately(spend, 1e-6);
            else row[2].Should().BeNull("an empty week of an ASIN that has data elsewhere");
        }
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteProjectionTests : ProjectionTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresProjectionTests : ProjectionTests;
