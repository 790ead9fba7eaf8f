using System.Diagnostics;
using Analytics.Data;
using Analytics.Data.Query;
using Analytics.Data.Seeding;
using Analytics.Domain.Access;
using Analytics.Domain.Query;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench query [--rows N] [--postgres "&lt;connection string&gt;"]</c>: bulk-seeds N ad-performance fact rows (default
/// 1,000,000; through the fact store, so rollups and projections are built) into a fresh temporary SQLite database — or,
/// with <c>--postgres</c>, a fresh PostgreSQL database — then times dashboard-shaped queries through the query engine:
/// cold (cache bypassed, every run hits the database) and cached. Prints p50/p95 per query shape.
/// </summary>
internal sealed class QueryBenchmark : IBenchmark
{
    public string Name => "query";
    public string Description => "fact query latency p50/p95 (cold and cached) for dashboard-shaped queries on SQLite";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var rows = CommandLine.LongOption(args, "--rows") ?? 1_000_000;
        if (CommandLine.StringOption(args, "--postgres") is { } postgres)
        {
            return await BenchHost.OnScratchPostgresAsync(postgres, async connectionString =>
            {
                using var host = await BenchHost.CreateAsync(DatabaseProvider.Postgres, connectionString, ct);
                return await RunOnAsync(host, rows, seed: true, CommandLine.StringOption(args, "--shape"), ct);
            }, ct);
        }
        var directory = Directory.CreateTempSubdirectory("analytics-bench-");
        try
        {
            // --db keeps the seeded database in that file and reuses it on the next run (for iterating on queries); otherwise a fresh one is seeded.
            var existing = CommandLine.StringOption(args, "--db");
            var seed = existing is null || !File.Exists(existing);
            using var host = await BenchHost.CreateAsync(DatabaseProvider.Sqlite, $"Data Source={existing ?? Path.Combine(directory.FullName, "bench.db")}", ct);
            return await RunOnAsync(host, rows, seed, CommandLine.StringOption(args, "--shape"), ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private async Task<object> RunOnAsync(IHost host, long rows, bool seed, string? only, CancellationToken ct)
    {
        var seeded = seed ? await host.Services.GetRequiredService<BulkSeeder>().SeedAsync(rows, ct) : new BulkSeedResult("Sqlite", 0, 0, 0, 0, 0);
        var engine = host.Services.GetRequiredService<FactQueryService>();
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var source = new[] { BulkSeeder.SourceId };

        var shapes = new (string Name, double TargetMs, SemanticQuery Query)[]
        {
            ("a year of daily ROAS by campaign", 50, Shape(today.AddDays(-365), today, "day", ["roas"], ["campaign"])),
            ("monthly totals, 12 whole UTC months (spend, sales, roas)", 20, Shape(monthStart.AddMonths(-12), monthStart, "month", ["spend", "sales", "roas"], [])),
            ("monthly spend and ROAS by campaign type, 12 whole UTC months", 20, Shape(monthStart.AddMonths(-12), monthStart, "month", ["spend", "roas"], ["campaign_type"])),
            ("weekly totals, 26 whole ISO weeks (spend, sales, acos)", 20, Shape(weekStart.AddDays(-7 * 26), weekStart, "week", ["spend", "sales", "acos"], [])),
            ("KPI totals over the last 90 days (ragged: rollups + raw edges)", 20, Shape(today.AddDays(-90), today, "none", ["spend", "sales", "roas", "ctr"], [])),
            ("top 10 campaigns by spend, last 30 days", 50, Shape(today.AddDays(-30), today, "none", ["spend", "roas"], ["campaign"]) with { Sort = [new QuerySort("spend", true)], Limit = 10 }),
            ("daily spend and sales, last 30 days, America/New_York", 50, Shape(today.AddDays(-30), today, "day", ["spend", "sales"], []) with { TimeZone = "America/New_York" }),
        };

        var results = new List<object>();
        // --shape runs only the shapes whose name contains that text.
        foreach (var (name, target, query) in shapes.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var q = query with { SourceIds = source };
            var first = await engine.ExecuteAsync(Actor.System, q, ct, useCache: false);
            var probe = Stopwatch.StartNew();
            await engine.ExecuteAsync(Actor.System, q, ct, useCache: false);
            var runs = (int)Math.Clamp(3000 / Math.Max(1, probe.Elapsed.TotalMilliseconds), 10, 300);
            var cold = await TimeAsync(() => engine.ExecuteAsync(Actor.System, q, ct, useCache: false), runs);
            await engine.ExecuteAsync(Actor.System, q, ct);
            var cached = await TimeAsync(() => engine.ExecuteAsync(Actor.System, q, ct), 200);
            results.Add(new
            {
                name, rollup = first.Meta.Rollup, segments = first.Meta.Datasets.SelectMany(d => d.Segments).ToList(),
                rowsReturned = first.Rows.Count, targetP95Ms = target,
                cold, cached, meetsTarget = cold.P95Ms <= target,
            });
        }
        return new
        {
            benchmark = Name, rows, machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString() },
            seed = new { seeded.Provider, seeded.Rows, seeded.Seconds, seeded.RowsPerSecond, seeded.Campaigns, seeded.Days },
            queries = results,
        };
    }

    private static SemanticQuery Shape(DateTimeOffset start, DateTimeOffset end, string granularity, string[] metrics, string[] groupBy) => new()
    {
        Metrics = metrics, GroupBy = groupBy, Granularity = granularity, TimeRange = new QueryTimeRange(start, end), Limit = 100_000,
    };

    /// <param name="SqlP50Ms">Median time in the database stage (statement, reading rows and first aggregation), the rest being C#.</param>
    /// <param name="SqlP95Ms">The database stage's 95th percentile: whether a slow tail comes from the database or from C#.</param>
    /// <param name="AllocatedMbPerRun">Managed allocations per query; with <paramref name="Gc"/>, whether a tail is the garbage collector's.</param>
    /// <param name="Gc">Collections per generation during the runs and the total time the runtime was paused for them.</param>
    private sealed record Timing(int Runs, double P50Ms, double P95Ms, double MeanMs, double SqlP50Ms, double SqlP95Ms, double AllocatedMbPerRun, GcCounts Gc);

    private sealed record GcCounts(int Gen0, int Gen1, int Gen2, double PauseMs)
    {
        public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

        public GcCounts Since(GcCounts before) => new(Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, Math.Round(PauseMs - before.PauseMs, 1));
    }

    private static async Task<Timing> TimeAsync(Func<Task<QueryResult>> run, int runs)
    {
        var samples = new double[runs];
        var sql = new double[runs];
        var gc = GcCounts.Now();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await run();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            sql[i] = result.Meta.SqlMs;
        }
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024) / runs;
        var collections = GcCounts.Now().Since(gc);
        Array.Sort(samples);
        Array.Sort(sql);
        return new Timing(runs, Round(Percentile(samples, 0.50)), Round(Percentile(samples, 0.95)), Round(samples.Average()), Round(Percentile(sql, 0.50)), Round(Percentile(sql, 0.95)),
            Round(allocatedMb), collections);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double Round(double ms) => Math.Round(ms, 2);
}
