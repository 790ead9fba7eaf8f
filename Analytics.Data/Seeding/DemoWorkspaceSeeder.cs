using System.Data.Common;
using System.Diagnostics;
using Analytics.Data.Facts;
using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Operational;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Seeding;

/// <summary>
/// Seeds the demo workspace deterministically (fixed seed): the built-in metrics, three advertiser instances with two
/// years of daily ad performance and weekly attribution and audience data, the injected anomalies, a few operational
/// time series and a sample dashboard. Idempotent and crash-safe: a dataset counts as seeded once its data version is
/// set, which happens after its facts are committed; a half-seeded dataset is removed and seeded again.
/// </summary>
public sealed class DemoWorkspaceSeeder(
    IDbContextFactory<AnalyticsDbContext> factory,
    FactStore store,
    TimeProvider clock,
    ILogger<DemoWorkspaceSeeder> logger)
{
    public const string SystemOwner = Analytics.Domain.Dashboards.DashboardAccess.WorkspaceOwner;

    public async Task SeedBuiltInMetricsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var existing = await db.MetricDefinitions.Where(m => m.BuiltIn).Select(m => m.Name).ToListAsync(ct);
        foreach (var metric in BuiltInMetrics.All.Where(m => !existing.Contains(m.Name)))
        {
            db.MetricDefinitions.Add(new MetricDefinition
            {
                Name = metric.Name, Label = metric.Label, Description = metric.Description, Formula = metric.Formula,
                Format = metric.Format, Unit = metric.Unit, HigherIsBetter = metric.HigherIsBetter,
                IsDerived = metric.IsDerived, BuiltIn = true,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Seeds what is missing. Returns the number of fact rows written.</summary>
    public async Task<long> SeedDemoWorkspaceAsync(CancellationToken ct)
    {
        var lastDay = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        long total = 0;
        foreach (var instance in DemoWorkspace.Instances)
        {
            total += await SeedInstanceAsync(instance, lastDay, ct);
            foreach (var dataset in DemoJourneys.Datasets) total += await SeedJourneyDatasetAsync(instance, dataset, lastDay, ct);
        }
        await SeedOperationalSeriesAsync(ct);
        await SeedSampleDashboardAsync(ct);
        return total;
    }

    private async Task<long> SeedInstanceAsync(DemoInstance instance, DateOnly lastDay, CancellationToken ct)
    {
        bool sourceExists;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.SourceId == instance.SourceId && d.Key == DemoWorkspace.DatasetKey, ct);
            if (dataset is { DataVersion: > 0 }) return 0;
            if (dataset is not null)
            {
                // Half seeded (an earlier start stopped midway): drop the dataset and its facts, keep the source and its grants.
                logger.LogWarning("Demo instance {Source} was half seeded; seeding its data again", instance.SourceId);
                await DropAsync(db, dataset.Id, ct);
            }
            sourceExists = await db.Sources.AnyAsync(s => s.Id == instance.SourceId, ct);
        }

        var now = clock.GetUtcNow();
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(instance, lastDay));
        Dataset created;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (!sourceExists) db.Sources.Add(new DataSource
            {
                Id = instance.SourceId, Name = instance.Name, Kind = SourceKind.Demo, OwnerId = SystemOwner,
                Description = $"Demo advertiser {instance.Brand}: two years of daily Sponsored Ads performance in {instance.Currency}.",
                SettingsJson = $$"""{"currency":"{{instance.Currency}}"}""", CreatedAt = now, UpdatedAt = now,
            });
            created = new Dataset
            {
                Key = DemoWorkspace.DatasetKey, Name = $"Ad performance · {instance.Name}", SourceId = instance.SourceId,
                Grain = "day", Dimensions = DemoWorkspace.Dimensions(), Measures = DemoWorkspace.Measures(), CreatedAt = now, UpdatedAt = now,
            };
            db.Datasets.Add(created);
            await db.SaveChangesAsync(ct);
        }

        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            foreach (var anomaly in generator.Anomalies)
            {
                db.SeededAnomalies.Add(new SeededAnomaly
                {
                    DatasetId = created.Id, SourceId = instance.SourceId, Campaign = anomaly.Campaign, Metric = anomaly.Metric,
                    Factor = anomaly.Factor, Description = anomaly.Description,
                    Ts = new DateTimeOffset(anomaly.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(),
                });
            }
            await db.SaveChangesAsync(ct);
        }

        // The fact store bumps the data version from 0 to 1 after the facts and their rollups are committed: that marks
        // the instance complete, so a crash before it re-seeds the instance.
        var stopwatch = Stopwatch.StartNew();
        var rows = (await store.WriteAsync(created, generator.Rows(), FactWriteMode.Insert, ct)).Rows;

        logger.LogInformation("Seeded demo instance {Source}: {Rows} fact rows in {Ms} ms", instance.SourceId, rows, stopwatch.ElapsedMilliseconds);
        return rows;
    }

    /// <summary>
    /// One of an instance's attribution or audience datasets (<see cref="DemoJourneys"/>), seeded on its own after the ad
    /// performance, so an install seeded before these existed gets them at its next start. Complete once its data
    /// version is set, like the ad performance.
    /// </summary>
    private async Task<long> SeedJourneyDatasetAsync(DemoInstance instance, DemoDataset spec, DateOnly lastDay, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Dataset created;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var existing = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.SourceId == instance.SourceId && d.Key == spec.Key, ct);
            if (existing is { DataVersion: > 0 }) return 0;
            if (existing is not null) await DropAsync(db, existing.Id, ct);
            created = new Dataset
            {
                Key = spec.Key, Name = $"{spec.Name} · {instance.Name}", SourceId = instance.SourceId, Grain = DemoDataset.Grain,
                Dimensions = [.. spec.Dimensions], Measures = [.. spec.Measures], CreatedAt = now, UpdatedAt = now,
            };
            db.Datasets.Add(created);
            await db.SaveChangesAsync(ct);
        }
        var rows = spec.Rows(instance, lastDay).OrderBy(r => r.Ts).ThenBy(r => r.DimHash);
        return (await store.WriteAsync(created, rows, FactWriteMode.Insert, ct)).Rows;
    }

    /// <summary>Removes a half-seeded dataset with its facts, rollups and anomalies (its source and grants stay).</summary>
    private static async Task DropAsync(AnalyticsDbContext db, int datasetId, CancellationToken ct)
    {
        await db.Facts.Where(f => f.DatasetId == datasetId).ExecuteDeleteAsync(ct);
        await db.Set<FactRollup>().Where(r => r.DatasetId == datasetId).ExecuteDeleteAsync(ct);
        await db.Set<FactProjectionRow>().Where(r => r.DatasetId == datasetId).ExecuteDeleteAsync(ct);
        await db.Set<FactProjection>().Where(r => r.DatasetId == datasetId).ExecuteDeleteAsync(ct);
        await db.SeededAnomalies.Where(a => a.DatasetId == datasetId).ExecuteDeleteAsync(ct);
        await db.Datasets.Where(d => d.Id == datasetId).ExecuteDeleteAsync(ct);
    }

    /// <summary>A week of one-minute points for a few series the app itself would record.</summary>
    private async Task SeedOperationalSeriesAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.MetricSeries.AnyAsync(ct)) return;

        var series = new (string Name, string Tags, Func<Random, int, double> Value)[]
        {
            ("http.server.duration", "route=/api/v1/query", (r, m) => 18 + 6 * Math.Sin(m * 2 * Math.PI / 1440) + r.NextDouble() * 8),
            ("http.server.duration", "route=/dashboards", (r, m) => 35 + 10 * Math.Sin(m * 2 * Math.PI / 1440) + r.NextDouble() * 15),
            ("process.cpu.percent", "", (r, m) => Math.Clamp(22 + 15 * Math.Sin(m * 2 * Math.PI / 1440) + r.NextDouble() * 10, 0, 100)),
            ("jobs.queue.depth", "", (r, m) => Math.Max(0, Math.Round(3 + 3 * Math.Sin(m * 2 * Math.PI / 720) + r.NextDouble() * 2))),
        };
        foreach (var (name, tags, _) in series) db.MetricSeries.Add(new MetricSeries { Name = name, TagsKey = tags });
        await db.SaveChangesAsync(ct);
        var ids = await db.MetricSeries.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);

        var end = clock.GetUtcNow().ToUnixTimeMilliseconds() / 60_000 * 60_000;
        const int minutes = 7 * 1440;
        var start = end - (minutes - 1) * 60_000L;
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        for (var s = 0; s < series.Length; s++)
        {
            var rng = new Random(DemoWorkspace.Seed + s);
            await BatchInsert.InsertAsync(connection, transaction, "metric_points", ["series_id", "ts", "value"],
                Enumerable.Range(0, minutes).Select(m => new object[] { ids[s], start + m * 60_000L, Math.Round(series[s].Value(rng, m), 3) }), ct);
        }
        await transaction.CommitAsync(ct);
    }

    private async Task SeedSampleDashboardAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Dashboards.AnyAsync(ct)) return;
        var now = clock.GetUtcNow();
        var dashboard = new Dashboard
        {
            Id = "demo-performance", Name = "Performance overview", OwnerId = SystemOwner, CreatedAt = now, UpdatedAt = now,
            Description = "Spend, sales and return on ad spend across the demo advertisers.",
            FiltersJson = """[{"dimension":"time","preset":"last30days"}]""",
        };
        (string Type, int X, int Y, int W, int H, string Config)[] widgets =
        [
            ("kpi", 0, 0, 3, 2, """{"title":"Spend","query":{"metrics":["spend"],"groupBy":[],"granularity":"none"}}"""),
            ("kpi", 3, 0, 3, 2, """{"title":"Sales","query":{"metrics":["sales"],"groupBy":[],"granularity":"none"}}"""),
            ("kpi", 6, 0, 3, 2, """{"title":"ROAS","query":{"metrics":["roas"],"groupBy":[],"granularity":"none"}}"""),
            ("kpi", 9, 0, 3, 2, """{"title":"ACOS","query":{"metrics":["acos"],"groupBy":[],"granularity":"none"}}"""),
            ("line", 0, 2, 8, 4, """{"title":"Spend and sales by day","query":{"metrics":["spend","sales"],"groupBy":[],"granularity":"day"}}"""),
            ("bar", 8, 2, 4, 4, """{"title":"ROAS by campaign","query":{"metrics":["roas"],"groupBy":["campaign"],"granularity":"none","sort":[{"by":"roas","desc":true}],"limit":10}}"""),
            ("table", 0, 6, 12, 4, """{"title":"Campaigns","query":{"metrics":["impressions","clicks","spend","sales","roas","acos"],"groupBy":["campaign"],"granularity":"none","sort":[{"by":"spend","desc":true}]}}"""),
        ];
        foreach (var w in widgets)
        {
            dashboard.Widgets.Add(new Widget { Id = Ids.New(), DashboardId = dashboard.Id, Type = w.Type, X = w.X, Y = w.Y, W = w.W, H = w.H, ConfigJson = w.Config });
        }
        db.Dashboards.Add(dashboard);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Multi-row parameterized INSERTs in one open transaction; works on SQLite and PostgreSQL alike.</summary>
internal static class BatchInsert
{
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns,
        IEnumerable<object[]> rows, CancellationToken ct, int rowsPerStatement = 200, string? onConflict = null)
    {
        var chunk = new List<object[]>(rowsPerStatement);
        foreach (var row in rows)
        {
            chunk.Add(row);
            if (chunk.Count == rowsPerStatement) { await FlushAsync(); chunk.Clear(); }
        }
        if (chunk.Count > 0) await FlushAsync();

        async Task FlushAsync()
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new List<string>(chunk.Count);
            for (var r = 0; r < chunk.Count; r++)
            {
                var names = new string[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = $"@p{r}_{c}";
                    parameter.Value = chunk[r][c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                    names[c] = parameter.ParameterName;
                }
                values.Add("(" + string.Join(", ", names) + ")");
            }
            command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {string.Join(", ", values)} {onConflict}";
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
