using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Backup;

/// <summary>
/// SQLite: SQLite's online backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>) copies the database
/// in one read transaction, so the copy is consistent while the app goes on writing (WAL lets both proceed). Restore runs
/// the same API the other way, into the configured file, inside one write transaction: it lands whole or not at all.
/// </summary>
internal sealed class SqliteSnapshot(IOptions<DatabaseOptions> options) : IDatabaseSnapshot
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string PartName => "database.sqlite";

    private string DatabasePath => Path.GetFullPath(new SqliteConnectionStringBuilder(options.Value.EffectiveConnectionString).DataSource);

    public string Describe() => $"the SQLite database {DatabasePath}";

    public async Task<SnapshotContents> TakeAsync(string file, CancellationToken ct)
    {
        if (!File.Exists(DatabasePath))
            throw new BackupException($"There is no database at {DatabasePath} to back up: check ConnectionStrings:Analytics (and the working directory, for a relative path).");
        await using (var source = await OpenAsync(DatabasePath, SqliteOpenMode.ReadWrite, ct))
        await using (var destination = await OpenAsync(file, SqliteOpenMode.ReadWriteCreate, ct))
        {
            await CopyAsync(source, destination, ct);
            // A self-contained file: no -wal beside it.
            await ExecuteAsync(destination, "PRAGMA journal_mode=DELETE;", ct);
        }
        return await ReadContentsAsync(file, ct);
    }

    public async Task<bool> TargetHasDataAsync(CancellationToken ct)
    {
        if (!File.Exists(DatabasePath) || new FileInfo(DatabasePath).Length == 0) return false;
        await using var connection = await OpenAsync(DatabasePath, SqliteOpenMode.ReadOnly, ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task RestoreAsync(string file, bool replace, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        await using var source = await OpenAsync(file, SqliteOpenMode.ReadOnly, ct);
        await using var destination = await OpenAsync(DatabasePath, SqliteOpenMode.ReadWriteCreate, ct);
        await CopyAsync(source, destination, ct);
    }

    /// <summary>Table row counts and the last applied migration, from a snapshot file.</summary>
    internal static async Task<SnapshotContents> ReadContentsAsync(string file, CancellationToken ct)
    {
        await using var connection = await OpenAsync(file, SqliteOpenMode.ReadOnly, ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        string? schema = null;
        if (tables.Contains(MigrationHistory.Table))
        {
            await using var last = connection.CreateCommand();
            last.CommandText = $"SELECT \"MigrationId\" FROM \"{MigrationHistory.Table}\" ORDER BY \"MigrationId\" DESC LIMIT 1";
            schema = await last.ExecuteScalarAsync(ct) as string;
        }
        return new SnapshotContents(schema, counts);
    }

    private static async Task CopyAsync(SqliteConnection source, SqliteConnection destination, CancellationToken ct)
    {
        // The backup API answers BUSY/LOCKED instead of waiting while a writer holds the lock it needs; wait and try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                source.BackupDatabase(destination);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && attempt < 100)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken ct)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, "PRAGMA busy_timeout=30000;", ct);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>EF Core's migration history table (the default name; neither context renames it).</summary>
internal static class MigrationHistory
{
    public const string Table = "__EFMigrationsHistory";
}
