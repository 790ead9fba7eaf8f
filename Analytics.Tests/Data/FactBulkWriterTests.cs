using Analytics.Data;
using Analytics.Data.Facts;
using Analytics.Domain.Facts;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Data;

/// <summary>The provider's <see cref="IFactBulkWriter"/>: upserts never duplicate, and a failed batch writes nothing.</summary>
public abstract class FactBulkWriterTests : ProviderTests
{
    private const long Day = 86_400;
    private const long Start = 1_767_225_600; // 2026-01-01 UTC

    /// <summary>Dimensions in slots 1 and 3 and measures in slots 1 and 4, so gaps between slots are exercised too.</summary>
    private static async Task<(Dataset Dataset, IFactBulkWriter Writer)> ArrangeAsync(AnalyticsTestHost host)
    {
        await host.InitializeAsync();
        await using var db = await host.DbAsync();
        db.Sources.Add(new DataSource { Id = "src-writer", Name = "Writer tests", Kind = SourceKind.Csv, OwnerId = "system" });
        var dataset = new Dataset
        {
            Key = "writer", Name = "Writer", SourceId = "src-writer",
            Dimensions = [new("campaign", "Campaign", 1), new("asin", "ASIN", 3)],
            Measures = [new("clicks", "Clicks", 1), new("spend", "Spend", 4)],
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return (dataset, host.Services.GetRequiredService<IFactBulkWriter>());
    }

    private static FactRow Row(long day, string? campaign, string? asin, double clicks, double? spend) =>
        new(Start + day * Day, [campaign, null, asin], [clicks, null, null, spend]);

    private static readonly (string? Campaign, string? Asin)[] Keys = [("Tents", "B01"), ("Tents", null), (null, "B01"), ("Tents", "")];

    private static async Task<List<Fact>> FactsAsync(AnalyticsTestHost host, Dataset dataset)
    {
        await using var db = await host.DbAsync();
        return await db.Facts.AsNoTracking().Where(f => f.DatasetId == dataset.Id).OrderBy(f => f.Ts).ThenBy(f => f.DimHash).ToListAsync();
    }

    private static IEnumerable<FactRow> ThrowingAfter(IEnumerable<FactRow> rows)
    {
        foreach (var row in rows) yield return row;
        throw new InvalidOperationException("source failed midway");
    }

    [ProviderFact]
    public async Task Rows_land_in_their_slots_with_nulls_kept_apart_from_empty_strings()
    {
        await using var host = await CreateHostAsync();
        var (dataset, writer) = await ArrangeAsync(host);
        var rows = Keys.Select((k, i) => Row(0, k.Campaign, k.Asin, i + 1, i == 0 ? null : i * 1.5)).ToList();

        var written = await writer.WriteAsync(dataset, rows, FactWriteMode.Insert, CancellationToken.None);

        written.Should().Be(rows.Count);
        var facts = await FactsAsync(host, dataset);
        facts.Should().HaveCount(Keys.Length, "null, empty and swapped dimension values are different keys");
        foreach (var row in rows)
        {
            var fact = facts.Single(f => f.DimHash == row.DimHash);
            fact.Ts.Should().Be(row.Ts);
            (fact.D1, fact.D3, fact.M1, fact.M4).Should().Be((row.Dimensions[0], row.Dimensions[2], row.Measures[0], row.Measures[3]));
            (fact.D2, fact.M2, fact.M3).Should().Be(((string?)null, (double?)null, (double?)null));
        }
    }

    [ProviderFact]
    public async Task Upsert_of_overlapping_window_never_duplicates_and_last_write_wins()
    {
        await using var host = await CreateHostAsync();
        var (dataset, writer) = await ArrangeAsync(host);
        var first = (from d in Enumerable.Range(0, 10) from k in Keys select Row(d, k.Campaign, k.Asin, d, d * 0.5)).ToList();
        var second = (from d in Enumerable.Range(5, 10) from k in Keys select Row(d, k.Campaign, k.Asin, 1000 + d, null)).ToList();
        await writer.WriteAsync(dataset, first, FactWriteMode.Insert, CancellationToken.None);

        await writer.WriteAsync(dataset, second, FactWriteMode.Upsert, CancellationToken.None);
        await writer.WriteAsync(dataset, second, FactWriteMode.Upsert, CancellationToken.None); // re-running a window is harmless

        var facts = await FactsAsync(host, dataset);
        var expected = first.Where(r => r.Ts < Start + 5 * Day).Concat(second).ToList();
        facts.Should().HaveCount(expected.Count);
        facts.Select(f => (f.Ts, f.DimHash)).Should().OnlyHaveUniqueItems();
        facts.Select(f => (f.Ts, f.DimHash, f.D1, f.D3, f.M1, f.M4)).Should().BeEquivalentTo(
            expected.Select(r => (r.Ts, r.DimHash, r.Dimensions[0], r.Dimensions[2], r.Measures[0], r.Measures[3])));
    }

    [ProviderFact]
    public async Task Duplicates_inside_one_upsert_batch_keep_the_last_row()
    {
        await using var host = await CreateHostAsync();
        var (dataset, writer) = await ArrangeAsync(host);
        // 50 keys written three times, interleaved, so duplicates fall both within one multi-row statement and across them.
        var rows = (from pass in Enumerable.Range(0, 3)
                    from d in Enumerable.Range(0, 50)
                    select Row(d, "Tents", "B01", pass * 100 + d, pass)).ToList();

        await writer.WriteAsync(dataset, rows, FactWriteMode.Upsert, CancellationToken.None);

        var facts = await FactsAsync(host, dataset);
        facts.Should().HaveCount(50);
        facts.Should().OnlyContain(f => f.M4 == 2 && f.M1 == 200 + (f.Ts - Start) / Day, "the last occurrence of each key wins");
    }

    [ProviderFact]
    public async Task Failing_upsert_batch_writes_nothing()
    {
        await using var host = await CreateHostAsync();
        var (dataset, writer) = await ArrangeAsync(host);
        var existing = Enumerable.Range(0, 10).Select(d => Row(d, "Tents", "B01", d, 1)).ToList();
        await writer.WriteAsync(dataset, existing, FactWriteMode.Insert, CancellationToken.None);
        var before = await FactsAsync(host, dataset);
        // Overwrites the existing keys and adds new ones, well past the first multi-row statements, then fails.
        var failing = ThrowingAfter(Enumerable.Range(0, 300).Select(d => Row(d, "Tents", "B01", 5000 + d, 99)));

        var act = () => writer.WriteAsync(dataset, failing, FactWriteMode.Upsert, CancellationToken.None);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("source failed midway");
        (await FactsAsync(host, dataset)).Should().BeEquivalentTo(before);
    }

    [ProviderFact]
    public async Task Failing_insert_batch_writes_nothing()
    {
        await using var host = await CreateHostAsync();
        var (dataset, writer) = await ArrangeAsync(host);
        var failing = ThrowingAfter(Enumerable.Range(0, 300).Select(d => Row(d, "Tents", "B01", d, 1)));

        var act = () => writer.WriteAsync(dataset, failing, FactWriteMode.Insert, CancellationToken.None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await FactsAsync(host, dataset)).Should().BeEmpty();

        // The writer is still usable afterwards (no connection left in a broken state).
        await writer.WriteAsync(dataset, [Row(0, "Tents", "B01", 1, 1)], FactWriteMode.Insert, CancellationToken.None);
        (await FactsAsync(host, dataset)).Should().ContainSingle();
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteFactBulkWriterTests : FactBulkWriterTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresFactBulkWriterTests : FactBulkWriterTests;
