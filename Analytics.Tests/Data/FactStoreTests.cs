using Analytics.Data;
using Analytics.Data.Facts;
using Analytics.Domain.Facts;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Data;

/// <summary><see cref="FactStore"/>: rollups built in memory for a fresh bulk insert equal those recomputed in SQL.</summary>
public abstract class FactStoreTests : ProviderTests
{
    private static async Task<Dataset> DatasetAsync(AnalyticsTestHost host, string key)
    {
        await using var db = await host.DbAsync();
        if (!await db.Sources.AnyAsync(s => s.Id == "src-store"))
            db.Sources.Add(new DataSource { Id = "src-store", Name = "Store tests", Kind = SourceKind.Csv, OwnerId = "system" });
        var dataset = new Dataset
        {
            Key = key, Name = key, SourceId = "src-store",
            Dimensions = [new("campaign", "Campaign", 1), new("asin", "ASIN", 3)],
            Measures = [new("clicks", "Clicks", 1), new("spend", "Spend", 2), new("low", "Lowest bid", 4, Aggregation.Min), new("high", "Highest bid", 5, Aggregation.Max)],
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset;
    }

    private static List<FactRow> Rows()
    {
        var random = new Random(3);
        var start = DateTimeOffset.Parse("2024-12-20T00:00:00Z").ToUnixTimeSeconds();
        return Enumerable.Range(0, 75).SelectMany(d => new[] { ("Alpha", "A1"), ("Alpha", (string?)null), ("Beta", "B1") }.Select(k =>
            new FactRow(start + d * 86_400L, [k.Item1, null, k.Item2],
                [random.Next(10), d % 5 == 0 ? null : Math.Round(random.NextDouble() * 9, 2), null, random.Next(100), random.Next(100)]))).ToList();
    }

    private static async Task<List<string>> RollupsAsync(AnalyticsTestHost host, Dataset dataset)
    {
        await using var db = await host.DbAsync();
        return (await db.Set<FactRollup>().AsNoTracking().Where(r => r.DatasetId == dataset.Id).ToListAsync())
            .Select(r => $"{r.Grain} {r.Ts} {r.DimHash} {r.D1}|{r.D2}|{r.D3} {r.M1} {r.M2:0.######} {r.M3} {r.M4} {r.M5}")
            .Order(StringComparer.Ordinal).ToList();
    }

    [ProviderFact]
    public async Task Rollups_of_a_fresh_bulk_insert_equal_the_ones_recomputed_from_the_facts()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var store = host.Services.GetRequiredService<FactStore>();
        var inMemory = await DatasetAsync(host, "in-memory");
        var recomputed = await DatasetAsync(host, "recomputed");

        await store.WriteAsync(inMemory, Rows(), FactWriteMode.Insert, CancellationToken.None);
        await store.WriteAsync(recomputed, Rows(), FactWriteMode.Upsert, CancellationToken.None);

        var expected = await RollupsAsync(host, recomputed);
        expected.Should().Contain(r => r.StartsWith("week")).And.Contain(r => r.StartsWith("month"));
        (await RollupsAsync(host, inMemory)).Should().Equal(expected);

        await store.RebuildRollupsAsync(inMemory, CancellationToken.None);
        (await RollupsAsync(host, inMemory)).Should().Equal(expected);
    }

    [ProviderFact]
    public async Task Each_write_bumps_the_data_version()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var store = host.Services.GetRequiredService<FactStore>();
        var dataset = await DatasetAsync(host, "versions");

        (await store.WriteAsync(dataset, Rows().Take(10), FactWriteMode.Insert, CancellationToken.None)).DataVersion.Should().Be(1);
        (await store.WriteAsync(dataset, Rows().Take(10), FactWriteMode.Upsert, CancellationToken.None)).DataVersion.Should().Be(2);
        (await store.WriteAsync(dataset, [], FactWriteMode.Upsert, CancellationToken.None)).Rows.Should().Be(0);
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteFactStoreTests : FactStoreTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresFactStoreTests : FactStoreTests;
