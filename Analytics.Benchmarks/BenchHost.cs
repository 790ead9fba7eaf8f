using Analytics.Data;
using Analytics.Data.Seeding;
using Analytics.Domain;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>The domain and data services over a given database, for benchmarks: no web server, no demo seeding.</summary>
internal static class BenchHost
{
    /// <param name="settings">Configuration on top of the database's (e.g. <c>Analytics:Chat:*</c>).</param>
    /// <param name="services">Registrations that replace the app's (e.g. a fixed clock).</param>
    public static async Task<IHost> CreateAsync(DatabaseProvider provider, string connectionString, CancellationToken ct, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Analytics"] = connectionString,
            ["Analytics:Database:SeedDemo"] = "false",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAnalyticsDomain();
        builder.AddAnalyticsData();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
        return host;
    }

    /// <summary>
    /// Runs <paramref name="run"/> on a fresh temporary SQLite database and, when <c>--postgres "&lt;connection string&gt;"</c>
    /// is given, on a fresh PostgreSQL database created for the run and dropped after it.
    /// </summary>
    public static async Task<List<T>> OnFreshDatabasesAsync<T>(string[] args, Func<DatabaseProvider, string, Task<T>> run, CancellationToken ct)
    {
        var results = new List<T>();
        var directory = Directory.CreateTempSubdirectory("analytics-bench-");
        try
        {
            results.Add(await run(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "bench.db")}"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
        if (CommandLine.StringOption(args, "--postgres") is not { } postgres) return results;
        results.Add(await OnScratchPostgresAsync(postgres, connectionString => run(DatabaseProvider.Postgres, connectionString), ct));
        return results;
    }

    /// <summary>Runs <paramref name="run"/> on a PostgreSQL database created for it on <paramref name="postgres"/>'s server, and drops that database after.</summary>
    public static async Task<T> OnScratchPostgresAsync<T>(string postgres, Func<string, Task<T>> run, CancellationToken ct)
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
            return await run(new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await DropAsync(postgres, database);
        }
    }

    /// <summary>
    /// Drops the scratch database. Not <c>WITH (FORCE)</c>: that needs the right to signal other roles' backends (an
    /// autovacuum worker may still be in it), so wait for it to leave instead.
    /// </summary>
    private static async Task DropAsync(string postgres, string database)
    {
        await using var admin = new Npgsql.NpgsqlConnection(postgres);
        await admin.OpenAsync(CancellationToken.None);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {database}", admin);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
                return;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "55006" && attempt < 20)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>The one-minute load average (Linux), for the "machine" part of a benchmark's JSON: these machines are shared.</summary>
    internal static double? LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;
}
