using Analytics.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test: a SQLite file in its own temporary directory, or a uniquely named database on
/// the PostgreSQL server of <c>ANALYTICS_TEST_POSTGRES</c>, dropped (<c>WITH (FORCE)</c>) at dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _postgresName;
    private readonly string? _serverConnectionString;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? directory, string? postgresName, string? server)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        _postgresName = postgresName;
        _serverConnectionString = server;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "analytics-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return new TestDatabase(provider, $"Data Source={Path.Combine(directory, "x.db")}", directory, null, null);
        }

        var server = TestEnvironment.RequirePostgres();
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, null, name, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
            try { Directory.Delete(_directory!, recursive: true); }
            catch (IOException) { /* a leftover temp file is harmless */ }
            return;
        }

        using (var connection = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(connection);
        await using var server = new NpgsqlConnection(_serverConnectionString);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", server);
        // FORCE may fail to terminate a session it has no right to signal (42501; seen intermittently on a shared,
        // busy server) or find the database still in use; such sessions are brief, so try again for a few seconds.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
