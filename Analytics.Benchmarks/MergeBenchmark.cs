using System.Diagnostics;
using System.Globalization;
using Analytics.Data;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Analytics.Web.Cli;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench merge [--rows N] [--postgres "&lt;connection string&gt;"]</c>: the report merge path on N result rows (default
/// 1,000,000) shaped like a SQL source's answer (text dates, boxed numbers): validation and mapping
/// (<see cref="ResultMapper"/>), a first merge into an empty report dataset, and a re-merge of the same keys with
/// changed values (every row a conflict: read, compared, replaced). Rows per second for each, per provider.
/// </summary>
internal sealed class MergeBenchmark : IBenchmark
{
    public string Name => "merge";
    public string Description => "report result validation + merge throughput (rows/s), SQLite and optionally PostgreSQL";

    private static readonly ReportConfig Config = new()
    {
        TimeColumn = "date", Dimensions = ["campaign", "asin", "campaign_type"],
        Measures = [new("impressions"), new("clicks"), new("spend"), new("sales"), new("purchases")],
    };

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var rows = CommandLine.LongOption(args, "--rows") ?? 1_000_000;
        var spec = AdPerformanceGenerator.ForRowCount(rows, new DateOnly(2025, 12, 31));
        var first = Result(new AdPerformanceGenerator(spec).Rows(), 1.0);
        var second = Result(new AdPerformanceGenerator(spec).Rows(), 1.1);
        var results = await BenchHost.OnFreshDatabasesAsync(args, (provider, connectionString) => RunOnAsync(provider, connectionString, first, second, ct), ct);
        return new { benchmark = Name, rows = first.Rows.Count, machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString() }, results };
    }

    /// <summary>The rows as a source answers them: dates as text, numbers boxed.</summary>
    private static TabularResult Result(IEnumerable<FactRow> facts, double factor)
    {
        var rows = new List<object?[]>();
        foreach (var f in facts)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(f.Ts).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            rows.Add([date, f.Dimensions[0], f.Dimensions[1], f.Dimensions[2], f.Measures[0], f.Measures[1], f.Measures[2] * factor, f.Measures[3], f.Measures[4]]);
        }
        return new TabularResult(["date", "campaign", "asin", "campaign_type", "impressions", "clicks", "spend", "sales", "purchases"], rows);
    }

    private static async Task<object> RunOnAsync(DatabaseProvider provider, string connectionString, TabularResult first, TabularResult second, CancellationToken ct)
    {
        using var host = await BenchHost.CreateAsync(provider, connectionString, ct);
        var factory = host.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        var merger = host.Services.GetRequiredService<ReportMerger>();
        var now = DateTimeOffset.UtcNow;
        var (dimensions, measures) = Config.ToDatasetFields();
        var dataset = new Dataset { Key = "report_bench", Name = "Merge benchmark", SourceId = "bench", Dimensions = dimensions, Measures = measures, CreatedAt = now, UpdatedAt = now };
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.Sources.Add(new DataSource { Id = "bench", Name = "Benchmark", Kind = SourceKind.Demo, OwnerId = "system", CreatedAt = now, UpdatedAt = now });
            db.Datasets.Add(dataset);
            await db.SaveChangesAsync(ct);
        }

        var windowStart = DateTimeOffset.FromUnixTimeSeconds(0);
        var watch = Stopwatch.StartNew();
        var mapped = ResultMapper.Map(first, Config, windowStart);
        var mapMs = watch.Elapsed.TotalMilliseconds;
        if (!mapped.IsValid) throw new InvalidOperationException(mapped.Describe());

        watch.Restart();
        var firstMerge = await merger.MergeAsync(dataset, Execution(), mapped, ct);
        var firstMs = watch.Elapsed.TotalMilliseconds;

        var remapped = ResultMapper.Map(second, Config, windowStart);
        await using (var db = await factory.CreateDbContextAsync(ct)) dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == dataset.Id, ct);
        watch.Restart();
        var secondMerge = await merger.MergeAsync(dataset, Execution(), remapped, ct);
        var secondMs = watch.Elapsed.TotalMilliseconds;

        long facts;
        await using (var db = await factory.CreateDbContextAsync(ct)) facts = await db.Facts.LongCountAsync(f => f.DatasetId == dataset.Id, ct);
        return new
        {
            provider = provider.ToString(),
            validateAndMap = Rate(mapped.Rows.Count, mapMs),
            firstMerge = Rate(firstMerge.RowsWritten, firstMs),
            remergeWithConflicts = Rate(secondMerge.RowsWritten, secondMs) with { Conflicts = secondMerge.ConflictCount },
            factsAfter = facts,
        };
    }

    private static Execution Execution() => new() { Id = Ids.New(), ReportId = "bench", RequestedBy = "bench", CreatedAt = DateTimeOffset.UtcNow };

    private static Throughput Rate(long rows, double ms) => new(rows, (long)ms, (long)(rows / (ms / 1000)));

    private sealed record Throughput(long Rows, long Ms, long RowsPerSecond, int? Conflicts = null);
}
