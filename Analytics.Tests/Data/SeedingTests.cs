using Analytics.Data;
using Analytics.Data.Seeding;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Data;

/// <summary>Start-up migration and demo seeding, written once and run against each provider.</summary>
public abstract class SeedingTests : ProviderTests
{
    private static int SpendSlot => DemoWorkspace.Measures().Single(m => m.Name == "spend").Slot;

    /// <summary>What the seeder should write for one instance, computed from the generator directly.</summary>
    private sealed record Expected(string SourceId, long Rows, double Spend, HashSet<(string Campaign, string Metric, long Ts)> Anomalies,
        IReadOnlyDictionary<string, long> JourneyRows);

    private static Expected ExpectedFor(DemoInstance instance, AnalyticsTestHost host)
    {
        var lastDay = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(instance, lastDay));
        long rows = 0;
        double spend = 0;
        foreach (var row in generator.Rows())
        {
            rows++;
            spend += row.Measures[SpendSlot - 1] ?? 0;
        }
        var anomalies = generator.Anomalies
            .Select(a => (a.Campaign, a.Metric, new DateTimeOffset(a.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds()))
            .ToHashSet();
        var journeys = DemoJourneys.Datasets.ToDictionary(d => d.Key, d => d.Rows(instance, lastDay).LongCount());
        return new Expected(instance.SourceId, rows, spend, anomalies, journeys);
    }

    private static async Task<Dataset> DemoDatasetAsync(AnalyticsDbContext db, string sourceId) =>
        await db.Datasets.AsNoTracking().SingleAsync(d => d.SourceId == sourceId && d.Key == DemoWorkspace.DatasetKey);

    private static async Task AssertInstanceSeededAsync(AnalyticsTestHost host, Expected expected)
    {
        await using var db = await host.DbAsync();
        var dataset = await DemoDatasetAsync(db, expected.SourceId);
        dataset.DataVersion.Should().BeGreaterThan(0, $"{expected.SourceId} is complete");
        var facts = db.Facts.Where(f => f.DatasetId == dataset.Id);
        (await facts.LongCountAsync()).Should().Be(expected.Rows, $"{expected.SourceId} holds every generated row once");
        var spend = (await facts.Select(f => f.M3).ToListAsync()).Sum() ?? 0;
        spend.Should().BeApproximately(expected.Spend, Math.Abs(expected.Spend) * 1e-9, "values land in their measure slots");
        var anomalies = await db.SeededAnomalies.Where(a => a.SourceId == expected.SourceId).ToListAsync();
        anomalies.Should().OnlyContain(a => a.DatasetId == dataset.Id);
        anomalies.Select(a => (a.Campaign, a.Metric, a.Ts)).Should().BeEquivalentTo(expected.Anomalies);
        foreach (var (key, rows) in expected.JourneyRows)
        {
            var journey = await db.Datasets.AsNoTracking().SingleAsync(d => d.SourceId == expected.SourceId && d.Key == key);
            journey.DataVersion.Should().BeGreaterThan(0, $"{expected.SourceId}'s {key} is complete");
            (await db.Facts.LongCountAsync(f => f.DatasetId == journey.Id)).Should().Be(rows, $"{expected.SourceId}'s {key} holds every weekly row once").And.BePositive();
        }
    }

    /// <summary>Everything the initializer could change, to compare before and after a second run.</summary>
    private static async Task<object> SnapshotAsync(AnalyticsTestHost host)
    {
        await using var db = await host.DbAsync();
        return new
        {
            Sources = await db.Sources.OrderBy(s => s.Id).Select(s => new { s.Id, s.CreatedAt, s.UpdatedAt }).ToListAsync(),
            Datasets = await db.Datasets.OrderBy(d => d.Id).Select(d => new { d.Id, d.SourceId, d.DataVersion, d.UpdatedAt }).ToListAsync(),
            Facts = await db.Facts.LongCountAsync(),
            MaxTs = await db.Facts.MaxAsync(f => f.Ts),
            Anomalies = await db.SeededAnomalies.OrderBy(a => a.Id).Select(a => new { a.Id, a.DatasetId, a.Ts, a.Campaign }).ToListAsync(),
            Metrics = await db.MetricDefinitions.CountAsync(),
            Series = await db.MetricSeries.CountAsync(),
            Points = await db.MetricPoints.LongCountAsync(),
            Dashboards = await db.Dashboards.CountAsync(),
            Widgets = await db.Widgets.CountAsync(),
            Users = await db.Users.OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(),
        };
    }

    [ProviderFact]
    public async Task Initializer_migrates_an_empty_database_and_seeds_the_demo_workspace()
    {
        await using var host = await CreateHostAsync(seedDemo: true);
        var expected = DemoWorkspace.Instances.Select(i => ExpectedFor(i, host)).ToList();

        await host.InitializeAsync();

        host.Services.GetRequiredService<DatabaseInitializer>().IsReady.Should().BeTrue();
        await using var db = await host.DbAsync();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().NotBeEmpty();
        (await db.Sources.Select(s => s.Id).ToListAsync()).Should().BeEquivalentTo(DemoWorkspace.Instances.Select(i => i.SourceId));
        (await db.Datasets.CountAsync()).Should().Be(3 * (1 + DemoJourneys.Datasets.Count));
        (await db.Facts.Select(f => f.D1).Distinct().CountAsync()).Should().BeGreaterThanOrEqualTo(20, "the demo has at least 20 campaigns");
        (await db.Facts.LongCountAsync()).Should().Be(expected.Sum(e => e.Rows + e.JourneyRows.Values.Sum()));
        (await db.SeededAnomalies.CountAsync()).Should().Be(expected.Sum(e => e.Anomalies.Count)).And.BePositive();
        foreach (var instance in expected) await AssertInstanceSeededAsync(host, instance);
        (await db.MetricDefinitions.CountAsync(m => m.BuiltIn)).Should().BePositive();
        (await db.Dashboards.CountAsync()).Should().Be(1);
    }

    [ProviderFact]
    public async Task The_migrations_describe_the_whole_model()
    {
        // A model change without a migration for this provider would be applied nowhere: `dotnet ef migrations add`
        // for both contexts (docs/guides/add-a-migration.md) makes this pass again.
        await using var host = await CreateHostAsync();
        await using var db = await host.DbAsync();

        db.Database.HasPendingModelChanges().Should().BeFalse(
            $"every entity change needs a migration in Analytics.Data/Migrations/{Provider}");
    }

    [ProviderFact]
    public async Task The_app_runs_on_a_compiled_model_that_matches_the_model()
    {
        // No model is built at start: EF finds the compiled model in Analytics.Data/CompiledModels by its assembly
        // attribute. After a model change, `dotnet ef dbcontext optimize` regenerates it for both contexts
        // (docs/guides/add-a-migration.md); until then this fails.
        await using var host = await CreateHostAsync();
        await using var db = await host.DbAsync();

        db.Model.GetType().Namespace.Should().Be($"Analytics.Data.CompiledModels.{Provider}", "the app runs on the compiled model");
        var designed = db.GetService<IDesignTimeModel>().Model;
        Shape(db.Model).Should().Equal(Shape(designed), $"Analytics.Data/CompiledModels/{Provider} must be regenerated after a model change");
    }

    /// <summary>
    /// What a model means to the database and to reading rows back, one line per fact, in order: tables with their
    /// columns, keys, indexes and foreign keys, and every property's type and value converter. (EF's model differ cannot
    /// read a compiled model: it keeps only what queries need.)
    /// </summary>
    private static List<string> Shape(IModel model)
    {
        var lines = new List<string>();
        foreach (var table in model.GetRelationalModel().Tables)
        {
            var name = $"{table.Schema}.{table.Name}";
            lines.AddRange(table.Columns.Select(c => $"{name} column {c.Name} {c.StoreType} null={c.IsNullable}"));
            lines.AddRange(table.UniqueConstraints.Select(k => $"{name} key {k.Name} ({string.Join(",", k.Columns.Select(c => c.Name))})"));
            lines.AddRange(table.Indexes.Select(i => $"{name} index {i.Name} ({string.Join(",", i.Columns.Select(c => c.Name))}) unique={i.IsUnique}"));
            lines.AddRange(table.ForeignKeyConstraints.Select(f => $"{name} fk {f.Name} ({string.Join(",", f.Columns.Select(c => c.Name))}) -> {f.PrincipalTable.Name} {f.OnDeleteAction}"));
        }
        foreach (var entity in model.GetEntityTypes())
            lines.AddRange(entity.GetProperties().Select(p => $"{entity.Name}.{p.Name} {p.ClrType.Name} null={p.IsNullable} max={p.GetMaxLength()} converter={p.GetValueConverter()?.GetType().Name}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    [ProviderFact]
    public async Task Running_the_initializer_again_changes_nothing()
    {
        await using var host = await CreateHostAsync(seedDemo: true);
        await host.InitializeAsync();
        var before = await SnapshotAsync(host);

        host.Clock.Advance(TimeSpan.FromDays(3)); // a later start: a naive seeder would add the new days
        await host.InitializeAsync();

        var after = await SnapshotAsync(host);
        after.Should().BeEquivalentTo(before);
    }

    [ProviderFact]
    public async Task Half_seeded_instance_is_seeded_again_cleanly()
    {
        await using var host = await CreateHostAsync(seedDemo: true);
        await host.InitializeAsync();
        var crashed = DemoWorkspace.Instances[1];
        Dataset crashedBefore;
        List<Dataset> othersBefore;
        await using (var db = await host.DbAsync())
        {
            crashedBefore = await DemoDatasetAsync(db, crashed.SourceId);
            othersBefore = await db.Datasets.AsNoTracking().Where(d => d.SourceId != crashed.SourceId).ToListAsync();
            // As if a start had stopped midway through this instance: facts partly written, not yet marked complete.
            var midpoint = await db.Facts.Where(f => f.DatasetId == crashedBefore.Id).Select(f => f.Ts).OrderBy(t => t).Skip(5000).FirstAsync();
            await db.Facts.Where(f => f.DatasetId == crashedBefore.Id && f.Ts > midpoint).ExecuteDeleteAsync();
            await db.Datasets.Where(d => d.Id == crashedBefore.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.DataVersion, 0L));
        }

        await host.InitializeAsync();

        foreach (var instance in DemoWorkspace.Instances) await AssertInstanceSeededAsync(host, ExpectedFor(instance, host));
        await using (var db = await host.DbAsync())
        {
            (await DemoDatasetAsync(db, crashed.SourceId)).Id.Should().NotBe(crashedBefore.Id, "the half-seeded dataset was replaced");
            (await db.Datasets.AsNoTracking().Where(d => d.SourceId != crashed.SourceId).ToListAsync())
                .Should().BeEquivalentTo(othersBefore, "complete instances are left alone");
            (await db.Facts.Where(f => f.DatasetId == crashedBefore.Id).AnyAsync()).Should().BeFalse("no orphaned facts remain");
        }
    }

    [ProviderFact]
    public async Task Pending_migrations_are_those_of_the_assembly_missing_from_the_history_table()
    {
        await using var host = await CreateHostAsync(seedDemo: false);
        IReadOnlyList<string> all;
        await using (var db = await host.DbAsync())
        {
            all = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
            all.Should().NotBeEmpty();
            (await DatabaseInitializer.PendingMigrationsAsync(db, CancellationToken.None)).Should().Equal(all, "a new database has no history table yet");
        }

        await host.InitializeAsync();

        await using (var db = await host.DbAsync())
        {
            (await DatabaseInitializer.PendingMigrationsAsync(db, CancellationToken.None)).Should().BeEmpty("a restart on a migrated database has nothing to apply");
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", all[^1]);
            (await DatabaseInitializer.PendingMigrationsAsync(db, CancellationToken.None)).Should().Equal([all[^1]], "a migration missing from the history is pending");
            (await db.Database.GetPendingMigrationsAsync()).Should().Equal([all[^1]], "EF's own check agrees");
        }
    }

    [ProviderFact]
    public async Task Demo_seeding_is_skipped_when_disabled()
    {
        await using var host = await CreateHostAsync(seedDemo: false);

        await host.InitializeAsync();

        await using var db = await host.DbAsync();
        (await db.Sources.AnyAsync()).Should().BeFalse();
        (await db.Facts.AnyAsync()).Should().BeFalse();
        (await db.MetricDefinitions.AnyAsync(m => m.BuiltIn)).Should().BeTrue("built-in metrics are always seeded");
        (await db.Users.CountAsync()).Should().Be(1, "the first admin is always ensured");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteSeedingTests : SeedingTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresSeedingTests : SeedingTests;
