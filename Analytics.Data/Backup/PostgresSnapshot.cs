using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Analytics.Data.Backup;

/// <summary>
/// PostgreSQL: <c>pg_dump --format=custom</c> of an exported snapshot (a REPEATABLE READ transaction exports it, counts
/// the rows and reads the migration history in it, and pg_dump dumps exactly that state), restored with
/// <c>pg_restore --single-transaction</c> (all or nothing). The password goes to the tools by <c>PGPASSWORD</c>, never on
/// their command line. The tools come from <c>Analytics:Backup:PgBinDirectory</c>, else PATH, else the newest
/// <c>/usr/lib/postgresql/*/bin</c>.
/// </summary>
internal sealed class PostgresSnapshot(IOptions<DatabaseOptions> database, IOptions<BackupOptions> backup) : IDatabaseSnapshot
{
    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string PartName => "database.pgdump";

    private NpgsqlConnectionStringBuilder Connection => new(database.Value.EffectiveConnectionString);

    public string Describe() => $"the PostgreSQL database {Connection.Database} on {Connection.Host}:{Connection.Port}";

    public async Task<SnapshotContents> TakeAsync(string file, CancellationToken ct)
    {
        var pgDump = Tool("pg_dump");
        await using var connection = new NpgsqlConnection(database.Value.EffectiveConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)(await export.ExecuteScalarAsync(ct))!;
        }
        var contents = await ReadContentsAsync(connection, transaction, ct);
        await RunAsync(pgDump, ["--format=custom", "--no-password", $"--snapshot={snapshot}", $"--file={file}", $"--dbname={Connection.Database}"], ct);
        await transaction.CommitAsync(ct);
        return contents;
    }

    public async Task<bool> TargetHasDataAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.Value.EffectiveConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new BackupException($"{Describe()} does not exist: create it (empty, owned by the app's role) and restore again.", e);
        }
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))! > 0;
    }

    public async Task RestoreAsync(string file, bool replace, CancellationToken ct)
    {
        var arguments = new List<string> { "--single-transaction", "--no-owner", "--no-privileges", "--no-password", $"--dbname={Connection.Database}" };
        if (replace) arguments.AddRange(["--clean", "--if-exists"]);
        arguments.Add(file);
        await RunAsync(Tool("pg_restore"), arguments, ct);
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task<SnapshotContents> ReadContentsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, name) in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Quote(schema)}.{Quote(name)}", connection, transaction);
            counts[schema == "public" ? name : $"{schema}.{name}"] = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        string? last = null;
        if (tables.Contains(("public", MigrationHistory.Table)))
        {
            await using var command = new NpgsqlCommand($"SELECT \"MigrationId\" FROM \"{MigrationHistory.Table}\" ORDER BY \"MigrationId\" DESC LIMIT 1", connection, transaction);
            last = await command.ExecuteScalarAsync(ct) as string;
        }
        return new SnapshotContents(last, counts);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private string Tool(string name) => PgTools.Find(name, backup.Value.PgBinDirectory);

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var c = Connection;
        info.Environment["PGHOST"] = c.Host;
        info.Environment["PGPORT"] = c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = c.Username;
        info.Environment["PGPASSWORD"] = c.Password;
        info.Environment["PGDATABASE"] = c.Database;
        info.Environment["PGSSLMODE"] = c.SslMode switch
        {
            SslMode.Disable => "disable", SslMode.Allow => "allow", SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", _ => "prefer",
        };
        info.Environment["PGCONNECT_TIMEOUT"] = "30";
        using var process = Process.Start(info) ?? throw new BackupException($"{tool} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var error = (await stderr).Trim();
        await stdout;
        if (process.ExitCode != 0)
            throw new BackupException($"{Path.GetFileName(tool)} failed (exit {process.ExitCode}) on {Describe()}: {Last(error, 1500)}");
    }

    private static string Last(string text, int max) => text.Length <= max ? text : "…" + text[^max..];
}

/// <summary>Finds PostgreSQL's client programs (pg_dump, pg_restore).</summary>
internal static class PgTools
{
    public const string DebianRoot = "/usr/lib/postgresql";

    public static string Find(string name, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.Combine(configured, name);
            return File.Exists(path) ? path : throw new BackupException($"{name} is not in {configured} (Analytics:Backup:PgBinDirectory): point it at PostgreSQL's client programs.");
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        if (onPath is not null) return onPath;
        var debian = Directory.Exists(DebianRoot)
            ? Directory.GetDirectories(DebianRoot).Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0).FirstOrDefault()
            : null;
        return debian ?? throw new BackupException(
            $"{name} was not found on PATH nor in {DebianRoot}/*/bin: PostgreSQL backups need PostgreSQL's client programs (Debian: postgresql-client-15, as new as the server) — install them or set Analytics:Backup:PgBinDirectory to their folder.");
    }
}
