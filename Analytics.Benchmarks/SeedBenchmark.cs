using Analytics.Data;
using Analytics.Data.Seeding;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench seed [--rows N] [--postgres "&lt;connection string&gt;"]</c>: bulk-seeds N fact rows (default 1,000,000) into a
/// fresh temporary SQLite database — and, when given, a fresh PostgreSQL database — and reports rows per second.
/// </summary>
internal sealed class SeedBenchmark : IBenchmark
{
    public string Name => "seed";
    public string Description => "fact seeding throughput (rows/s) on a fresh SQLite, optionally PostgreSQL, database";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var rows = CommandLine.LongOption(args, "--rows") ?? 1_000_000;
        var results = await BenchHost.OnFreshDatabasesAsync(args, (provider, connectionString) => RunOnAsync(provider, connectionString, rows, ct), ct);
        return new { benchmark = Name, rows, machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString() }, results };
    }

    private static async Task<BulkSeedResult> RunOnAsync(DatabaseProvider provider, string connectionString, long rows, CancellationToken ct)
    {
        using var host = await BenchHost.CreateAsync(provider, connectionString, ct);
        return await host.Services.GetRequiredService<BulkSeeder>().SeedAsync(rows, ct);
    }
}
