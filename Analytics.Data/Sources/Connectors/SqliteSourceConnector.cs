using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// A SQLite database file, read-only. Settings <c>{ connectionString }</c> name a file path data source
/// (<c>Data Source=/srv/shop.db</c>, or just the path). Whatever the settings say, the file is opened with
/// <c>Mode=ReadOnly</c>, the connection is locked down (<see cref="SqliteGuard.LockDown"/>: <c>PRAGMA query_only</c>, no
/// <c>ATTACH</c>), values are bound as parameters and a statement stops at <c>Analytics:Sources:StatementTimeoutSeconds</c>.
/// The app's own database file is refused.
/// </summary>
public sealed class SqliteSourceConnector(IOptions<SourceOptions> options, IOptions<DatabaseOptions> database) : ISourceConnector
{
    public SourceKind Kind => SourceKind.Sqlite;

    public IReadOnlySet<string> SecretSettings { get; } = new HashSet<string>();

    public IReadOnlyList<SettingField> SettingFields { get; } =
    [
        new("connectionString", "Database file", SettingFieldType.Text, Help: "A SQLite file on the server, opened read-only.", Placeholder: "Data Source=/srv/data/sales.db"),
    ];

    public void ValidateSettings(JsonObject settings)
    {
        var path = FilePath(settings, out var error);
        if (path is null) throw new ValidationException("settings.connectionString", error!);
        try
        {
            using var connection = Open(path);
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT count(*) FROM sqlite_schema";
            probe.ExecuteScalar();
        }
        catch (SqliteException e)
        {
            throw new ValidationException("settings.connectionString", $"'{path}' cannot be read as a SQLite database: {e.Message}");
        }
    }

    public async Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct)
    {
        // Checked again at every run: the file may have gone, or the app's database moved onto it.
        var path = FilePath(query.Settings, out var error) ?? throw new SourceQueryException($"Source '{query.Source.Name}': {error}");
        SqliteConnection connection;
        try
        {
            connection = Open(path);
        }
        catch (SqliteException e)
        {
            throw new SourceQueryException($"Source '{query.Source.Name}': '{path}' cannot be opened read-only: {e.Message}", inner: e);
        }
        await using (connection)
        {
            SqliteGuard.LockDown(connection);
            query.Progress?.Report("Running the query");
            await using var command = connection.CreateCommand();
            SqlResultReader.Bind(command, query, SqlValues.Untyped);
            return await SqliteGuard.ReadAsync(connection, command, options.Value.StatementTimeout, ct);
        }
    }

    /// <summary>Read-only, unpooled (nothing keeps the file open after a run), private cache.</summary>
    private static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Cache = SqliteCacheMode.Private, Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The full path of an existing file that is not the app's own database, or null with the reason.</summary>
    private string? FilePath(JsonObject settings, out string? error)
    {
        error = null;
        if (settings["connectionString"] is not JsonValue value || !value.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
        {
            error = "Give the database file: { \"connectionString\": \"Data Source=/path/to/file.db\" }.";
            return null;
        }
        string dataSource;
        try
        {
            dataSource = text.Contains('=') ? new SqliteConnectionStringBuilder(text).DataSource : text.Trim();
        }
        catch (ArgumentException e)
        {
            error = $"Not a SQLite connection string: {e.Message}";
            return null;
        }
        if (string.IsNullOrWhiteSpace(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            error = "The data source must be a file path (not :memory: or a file: URI).";
            return null;
        }
        var path = Canonical(dataSource);
        if (!File.Exists(path))
        {
            error = $"There is no file '{path}' (relative paths are resolved from {Environment.CurrentDirectory}).";
            return null;
        }
        if (AppDatabasePath() is { } own && string.Equals(path, own, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            error = "That is the app's own database; a source cannot read it.";
            return null;
        }
        return path;
    }

    private string? AppDatabasePath()
    {
        var options = database.Value;
        if (options.Provider != DatabaseProvider.Sqlite) return null;
        try
        {
            var dataSource = new SqliteConnectionStringBuilder(options.EffectiveConnectionString).DataSource;
            return string.IsNullOrWhiteSpace(dataSource) || dataSource == ":memory:" ? null : Canonical(dataSource);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The absolute path with symbolic links resolved, so a link to the app's database is recognised as it.</summary>
    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetFullPath(target.FullName) : full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
