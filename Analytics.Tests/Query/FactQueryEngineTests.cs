using Analytics.Data;
using Analytics.Data.Facts;
using Analytics.Data.Identity;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Query;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Query;

/// <summary>
/// The fact query engine end to end on a real database, over small datasets whose numbers the tests write themselves;
/// every expectation is computed here from those rows (or by hand), never by the engine.
/// </summary>
public abstract partial class FactQueryEngineTests : ProviderTests
{
    private const long Day = 86_400;
    private static readonly long Jan6 = T("2025-01-06T00:00:00Z"); // a Monday

    private static long T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    private static DateTimeOffset D(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Row(long Ts, string Campaign, string Asin, double Impressions, double Clicks, double Spend, double Sales)
    {
        public FactRow Fact => new(Ts, [Campaign, Asin], [Impressions, Clicks, Spend, Sales]);
    }

    /// <summary>Two weeks (Mon 6 – Sun 19 January 2025) of three series with known numbers; Beta spends nothing in week one.</summary>
    private static List<Row> TwoWeeks()
    {
        var rows = new List<Row>();
        for (var i = 0; i < 14; i++)
        {
            var ts = Jan6 + i * Day;
            rows.Add(new Row(ts, "Alpha", "A1", 1000 + i * 10, 10 + i, 5 + i, i % 3 == 0 ? 0 : 20 + i * 2));
            rows.Add(new Row(ts, "Alpha", "A2", 500, 5, 2.5, 10));
            rows.Add(new Row(ts, "Beta", "B1", 200 * i, i, i < 7 ? 0 : 3, i * 4));
        }
        return rows;
    }

    private sealed class World(AnalyticsTestHost host, Actor admin) : IAsyncDisposable
    {
        public AnalyticsTestHost Host { get; } = host;
        public Actor Admin { get; } = admin;
        public FactQueryService Engine => Host.Services.GetRequiredService<FactQueryService>();
        public FactStore Store => Host.Services.GetRequiredService<FactStore>();

        public async Task<Dataset> DatasetAsync(string sourceId, string key = "ads", string grain = "day", List<DimensionField>? dims = null, List<MeasureField>? measures = null)
        {
            await using var db = await Host.DbAsync();
            if (!await db.Sources.AnyAsync(s => s.Id == sourceId))
                db.Sources.Add(new DataSource { Id = sourceId, Name = sourceId, Kind = SourceKind.Csv, OwnerId = "system" });
            var dataset = new Dataset
            {
                Key = key, Name = key, SourceId = sourceId, Grain = grain,
                Dimensions = dims ?? [new("campaign", "Campaign", 1), new("asin", "ASIN", 2)],
                Measures = measures ?? [new("impressions", "Impressions", 1), new("clicks", "Clicks", 2), new("spend", "Spend", 3), new("sales", "Sales", 4)],
            };
            db.Datasets.Add(dataset);
            await db.SaveChangesAsync();
            return dataset;
        }

        public Task<QueryResult> QueryAsync(SemanticQuery query, Actor? actor = null) => Engine.ExecuteAsync(actor ?? Admin, query, CancellationToken.None);

        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    private async Task<World> WorldAsync()
    {
        var host = await CreateHostAsync();
        await host.InitializeAsync();
        return new World(host, await host.AdminAsync());
    }

    private static int Col(QueryResult r, string name) => r.Columns.Select(c => c.Name).ToList().IndexOf(name);

    private static double? Num(QueryResult r, object?[] row, string name) => (double?)row[Col(r, name)];

    private static SemanticQuery Q(string from, string to, string granularity, params string[] metrics) => new()
    {
        Metrics = metrics, Granularity = granularity, TimeRange = new QueryTimeRange(D(from), D(to)),
    };

    [ProviderFact]
    public async Task Derived_metrics_by_campaign_match_hand_computed_values()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var rows = TwoWeeks();
        await w.Store.WriteAsync(ds, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "none", "spend", "clicks", "roas", "ctr", "cpc", "cpm") with { GroupBy = ["campaign"] });

        result.Columns.Select(c => (c.Name, c.Role)).Should().Equal(("campaign", "dimension"), ("spend", "metric"), ("clicks", "metric"),
            ("roas", "metric"), ("ctr", "metric"), ("cpc", "metric"), ("cpm", "metric"));
        result.Rows.Select(r => r[0]).Should().Equal("Alpha", "Beta");
        foreach (var row in result.Rows)
        {
            var mine = rows.Where(r => r.Campaign == (string)row[0]!).ToList();
            double spend = mine.Sum(r => r.Spend), sales = mine.Sum(r => r.Sales), clicks = mine.Sum(r => r.Clicks), impressions = mine.Sum(r => r.Impressions);
            Num(result, row, "spend").Should().BeApproximately(spend, 1e-9);
            Num(result, row, "roas").Should().BeApproximately(sales / spend, 1e-9);
            Num(result, row, "ctr").Should().BeApproximately(clicks / impressions, 1e-12);
            Num(result, row, "cpc").Should().BeApproximately(spend / clicks, 1e-9);
            Num(result, row, "cpm").Should().BeApproximately(spend * 1000 / impressions, 1e-9);
        }
        // Alpha by hand: spend = (5+…+18) + 14 × 2.5 = 161 + 35 = 196.
        Num(result, result.Rows[0], "spend").Should().Be(196);
    }

    [ProviderFact]
    public async Task Weekly_ROAS_is_the_sum_of_sales_over_the_sum_of_spend_not_the_mean_of_daily_ROAS_and_zero_spend_gives_null()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var rows = TwoWeeks();
        await w.Store.WriteAsync(ds, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "week", "roas") with { GroupBy = ["campaign"] });

        result.Rows.Select(r => ((DateTime)r[0]!, (string)r[1]!)).Should().Equal(
            (new DateTime(2025, 1, 6, 0, 0, 0, DateTimeKind.Utc), "Alpha"), (new DateTime(2025, 1, 6, 0, 0, 0, DateTimeKind.Utc), "Beta"),
            (new DateTime(2025, 1, 13, 0, 0, 0, DateTimeKind.Utc), "Alpha"), (new DateTime(2025, 1, 13, 0, 0, 0, DateTimeKind.Utc), "Beta"));
        // Alpha, week one, by hand: sales 0+22+24+0+28+30+0 + 7×10 = 174; spend 5+…+11 + 7×2.5 = 73.5.
        Num(result, result.Rows[0], "roas").Should().BeApproximately(174 / 73.5, 1e-12);
        var meanOfDaily = rows.Where(r => r.Campaign == "Alpha" && r.Ts < Jan6 + 7 * Day).GroupBy(r => r.Ts).Average(g => g.Sum(r => r.Sales) / g.Sum(r => r.Spend));
        Num(result, result.Rows[0], "roas").Should().NotBeApproximately(meanOfDaily, 1e-6);
        Num(result, result.Rows[1], "roas").Should().BeNull("Beta spent nothing in week one");
        var betaWeek2 = rows.Where(r => r.Campaign == "Beta" && r.Ts >= Jan6 + 7 * Day).ToList();
        Num(result, result.Rows[3], "roas").Should().BeApproximately(betaWeek2.Sum(r => r.Sales) / betaWeek2.Sum(r => r.Spend), 1e-12);
    }

    [ProviderFact]
    public async Task New_York_day_buckets_follow_local_midnight_across_DST_and_empty_days_are_listed_as_null()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a", "events", "hour", [new("kind", "Kind", 1)], [new("events", "Events", 1)]);
        // One event per hour for exactly the New York days 8, 9 (spring forward: 23 hours) and 10 March 2025.
        var from = T("2025-03-08T05:00:00Z");
        var to = T("2025-03-11T04:00:00Z");
        var facts = Enumerable.Range(0, (int)((to - from) / 3600)).Select(h => new FactRow(from + h * 3600L, ["click"], [1])).ToList();
        await w.Store.WriteAsync(ds, facts, FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-03-07T00:00:00-05:00", "2025-03-13T00:00:00-04:00", "day", "events") with { TimeZone = "America/New_York" });

        result.Meta.TimeZone.Should().Be("America/New_York");
        result.Rows.Select(r => ((DateTime)r[0]!, (double?)r[1])).Should().Equal(
            (D("2025-03-07T05:00:00Z").UtcDateTime, null),
            (D("2025-03-08T05:00:00Z").UtcDateTime, 24),
            (D("2025-03-09T05:00:00Z").UtcDateTime, 23),
            (D("2025-03-10T04:00:00Z").UtcDateTime, 24),
            (D("2025-03-11T04:00:00Z").UtcDateTime, null),
            (D("2025-03-12T04:00:00Z").UtcDateTime, null));

        var sparse = await w.QueryAsync(Q("2025-03-07T00:00:00-05:00", "2025-03-13T00:00:00-04:00", "day", "events") with { TimeZone = "America/New_York", FillEmpty = false });
        sparse.Rows.Should().HaveCount(3);
    }

    [ProviderFact]
    public async Task Berlin_months_split_at_local_midnight()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a", "events", "hour", [new("kind", "Kind", 1)], [new("events", "Events", 1)]);
        // 31 March 2025 21:00Z is 23:00 CEST (March); 22:00Z is midnight, 1 April.
        await w.Store.WriteAsync(ds, [new FactRow(T("2025-03-31T21:00:00Z"), ["a"], [2]), new FactRow(T("2025-03-31T22:00:00Z"), ["a"], [5])],
            FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-03-01T00:00:00+01:00", "2025-05-01T00:00:00+02:00", "month", "events") with { TimeZone = "Europe/Berlin" });

        result.Rows.Select(r => ((DateTime)r[0]!, (double?)r[1])).Should().Equal(
            (D("2025-02-28T23:00:00Z").UtcDateTime, 2), (D("2025-03-31T22:00:00Z").UtcDateTime, 5));
        result.Meta.Rollup.Should().Be("raw", "UTC monthly rollups cannot answer Berlin months");
    }

    [ProviderFact]
    public async Task Filters_sort_and_limit_apply_to_output_rows()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var rows = TwoWeeks();
        await w.Store.WriteAsync(ds, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "day", "sales") with
        {
            GroupBy = ["asin"], Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["Alpha"], ["asin"] = ["A1", "Z9"] },
            Sort = [new QuerySort("sales", Desc: true)], Limit = 3,
        });

        var expected = rows.Where(r => r.Campaign == "Alpha" && r.Asin == "A1").OrderByDescending(r => r.Sales).ThenBy(r => r.Ts).Take(3).ToList();
        result.Rows.Select(r => ((DateTime)r[0]!, (string)r[1]!, (double?)r[2])).Should().Equal(
            expected.Select(e => (DateTimeOffset.FromUnixTimeSeconds(e.Ts).UtcDateTime, "A1", (double?)e.Sales)));
        result.Meta.TotalRows.Should().Be(14);
        result.Meta.Truncated.Should().BeTrue();
    }

    [ProviderFact]
    public async Task A_monthly_UTC_query_reads_the_monthly_rollup_and_matches_the_raw_facts()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var random = new Random(7);
        var start = T("2025-01-01T00:00:00Z");
        var facts = Enumerable.Range(0, 120).SelectMany(d => new[] { "Alpha", "Beta", "Gamma" }.Select(c =>
            new FactRow(start + d * Day, [c, "X"], [random.Next(1000), random.Next(50), Math.Round(random.NextDouble() * 20, 2), Math.Round(random.NextDouble() * 80, 2)]))).ToList();
        await w.Store.WriteAsync(ds, facts, FactWriteMode.Insert, CancellationToken.None);

        var result = await w.QueryAsync(Q("2025-01-01T00:00:00Z", "2025-05-01T00:00:00Z", "month", "spend", "roas") with { GroupBy = ["campaign"] });

        result.Meta.Rollup.Should().Be("month");
        result.Meta.Datasets.Single().Segments.Should().Equal("month 2025-01-01T00:00Z..2025-05-01T00:00Z");
        await using var db = await w.Host.DbAsync();
        var raw = await db.Facts.AsNoTracking().Where(f => f.DatasetId == ds.Id).ToListAsync();
        var expected = raw.GroupBy(f => (Month: new DateTime(DateTimeOffset.FromUnixTimeSeconds(f.Ts).Year, DateTimeOffset.FromUnixTimeSeconds(f.Ts).Month, 1, 0, 0, 0, DateTimeKind.Utc), f.D1))
            .OrderBy(g => g.Key.Month).ThenBy(g => g.Key.D1, StringComparer.Ordinal)
            .Select(g => (g.Key.Month, g.Key.D1, Spend: g.Sum(f => f.M3!.Value), Roas: g.Sum(f => f.M4!.Value) / g.Sum(f => f.M3!.Value)))
            .ToList();
        result.Rows.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            result.Rows[i][0].Should().Be(expected[i].Month);
            result.Rows[i][1].Should().Be(expected[i].D1);
            Num(result, result.Rows[i], "spend").Should().BeApproximately(expected[i].Spend, 1e-6);
            Num(result, result.Rows[i], "roas").Should().BeApproximately(expected[i].Roas, 1e-9);
        }

        // A ragged total mixes rollups and raw edges and still equals the raw sum.
        var total = await w.QueryAsync(Q("2025-01-10T00:00:00Z", "2025-04-17T00:00:00Z", "none", "spend"));
        total.Meta.Datasets.Single().Segments.Should().Contain(s => s.StartsWith("month")).And.Contain(s => s.StartsWith("week")).And.Contain(s => s.StartsWith("raw"));
        var rawTotal = raw.Where(f => f.Ts >= T("2025-01-10T00:00:00Z") && f.Ts < T("2025-04-17T00:00:00Z")).Sum(f => f.M3!.Value);
        Num(total, total.Rows.Single(), "spend").Should().BeApproximately(rawTotal, 1e-6);
    }

    [ProviderFact]
    public async Task Results_are_cached_until_new_data_lands_in_the_dataset()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var rows = TwoWeeks();
        await w.Store.WriteAsync(ds, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);
        var changes = new List<DataChange>();
        using var subscription = w.Host.Services.GetRequiredService<DataChangeNotifier>().Subscribe(changes.Add);
        var query = Q("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", "month", "spend");

        var first = await w.QueryAsync(query);
        var second = await w.QueryAsync(query);
        first.Meta.Cache.Should().Be("miss");
        second.Meta.Cache.Should().Be("hit");
        second.Rows.Single()[1].Should().Be(first.Rows.Single()[1]);

        // Replace one day's Alpha/A1 row: spend 5 → 105.
        await w.Store.WriteAsync(ds, [new Row(Jan6, "Alpha", "A1", 1000, 10, 105, 0).Fact], FactWriteMode.Upsert, CancellationToken.None);
        var third = await w.QueryAsync(query);

        third.Meta.Cache.Should().Be("miss");
        ((double)third.Rows.Single()[1]!).Should().BeApproximately(rows.Sum(r => r.Spend) + 100, 1e-9);
        changes.Should().ContainSingle().Which.Should().Match<DataChange>(c => c.DatasetId == ds.Id && c.SourceId == "src-a" && c.Start == DateTimeOffset.FromUnixTimeSeconds(Jan6));
    }

    [ProviderFact]
    public async Task Analysts_never_read_sources_not_granted_to_them()
    {
        await using var w = await WorldAsync();
        var mine = await w.DatasetAsync("src-mine");
        var theirs = await w.DatasetAsync("src-theirs");
        await w.Store.WriteAsync(mine, [new Row(Jan6, "Mine", "M1", 1, 1, 10, 30).Fact], FactWriteMode.Insert, CancellationToken.None);
        await w.Store.WriteAsync(theirs, [new Row(Jan6, "Secret", "S1", 1, 1, 1000, 9000).Fact], FactWriteMode.Insert, CancellationToken.None);
        var created = await w.Host.WithScopeAsync<UserService, CreatedUser>(u =>
            u.CreateAsync(w.Admin, new CreateUserCommand("ana@example.test", "Ana", "analyst", ["src-mine"], "Passw0rd-Ana!"), CancellationToken.None));
        var analyst = await w.Host.ActorAsync(created.User.Id);
        var query = Q("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", "none", "spend") with { GroupBy = ["campaign"] };

        var all = await w.QueryAsync(query, analyst);
        all.Rows.Select(r => r[0]).Should().Equal("Mine");
        all.Meta.Datasets.Select(d => d.SourceId).Should().Equal("src-mine");

        var asked = () => w.QueryAsync(query with { SourceIds = ["src-mine", "src-theirs"] }, analyst);
        (await asked.Should().ThrowAsync<NotFoundException>()).Which.Id.Should().Be("src-theirs");

        var adminRows = await w.QueryAsync(query);
        adminRows.Rows.Select(r => r[0]).Should().Equal("Mine", "Secret");
    }

    [ProviderFact]
    public async Task SQL_injection_in_filter_values_matches_nothing_and_in_names_is_rejected()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        await w.Store.WriteAsync(ds, TwoWeeks().Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);
        var range = Q("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", "none", "spend");

        var values = await w.QueryAsync(range with { Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["x' OR '1'='1", "Alpha'); DROP TABLE facts; --"] } });
        values.Rows.Single()[0].Should().BeNull("no campaign has those names");

        var dimension = () => w.QueryAsync(range with { GroupBy = ["campaign; DROP TABLE facts"] });
        (await dimension.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("groupBy[0]");
        var filterName = () => w.QueryAsync(range with { Filters = new Dictionary<string, IReadOnlyList<string?>> { ["d1 = d1 OR 1"] = ["x"] } });
        await filterName.Should().ThrowAsync<ValidationException>();
        var metric = () => w.QueryAsync(range with { Metrics = ["m3) FROM facts; --"] });
        await metric.Should().ThrowAsync<ValidationException>();

        await using var db = await w.Host.DbAsync();
        (await db.Facts.CountAsync()).Should().Be(42);
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteFactQueryEngineTests : FactQueryEngineTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresFactQueryEngineTests : FactQueryEngineTests;
