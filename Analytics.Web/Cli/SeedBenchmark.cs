using Analytics.Data;
using Analytics.Data.Seeding;

namespace Analytics.Web.Cli;

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
        var results = new List<BulkSeedResult>();
        var directory = Directory.CreateTempSubdirectory("analytics-bench-");
        try
        {
            results.Add(await RunOnAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "bench.db")}", rows, ct));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
        if (CommandLine.StringOption(args, "--postgres") is { } postgres)
        {
            var database = $"analytics_bench_{Environment.ProcessId}";
            await using (var admin = new Npgsql.NpgsqlConnection(postgres))
            {
                await admin.OpenAsync(ct);
                await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", admin);
                await create.ExecuteNonQueryAsync(ct);
            }
            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database };
                results.Add(await RunOnAsync(DatabaseProvider.Postgres, builder.ConnectionString, rows, ct));
            }
            finally
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var admin = new Npgsql.NpgsqlConnection(postgres);
                await admin.OpenAsync(CancellationToken.None);
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        return new { benchmark = Name, rows, machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString() }, results };
    }

    private static async Task<BulkSeedResult> RunOnAsync(DatabaseProvider provider, string connectionString, long rows, CancellationToken ct)
    {
        using var host = await BenchHost.CreateAsync(provider, connectionString, ct);
        return await host.Services.GetRequiredService<BulkSeeder>().SeedAsync(rows, ct);
    }
}
