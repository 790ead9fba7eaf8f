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
/// (<c>Data Source=/srv/shop.db</c>, or just the path) under <c>Analytics:Sources:SqliteRoot</c> (<see cref="SqliteSourcePaths"/>:
/// real path, no system trees, never the app's own database). Whatever the settings say, the file is opened with
/// <c>Mode=ReadOnly</c>, the connection is locked down (<see cref="SqliteGuard.LockDown"/>: <c>PRAGMA query_only</c>, no
/// <c>ATTACH</c>, memory limits), values are bound as parameters and a statement stops at <c>Analytics:Sources:StatementTimeoutSeconds</c>.
/// </summary>
public sealed class SqliteSourceConnector(IOptions<SourceOptions> options, SqliteSourcePaths paths) : ISourceConnector
{
    public SourceKind Kind => SourceKind.Sqlite;

    public IReadOnlySet<string> SecretSettings { get; } = new HashSet<string>();

    public IReadOnlyList<SettingField> SettingFields =>
    [
        new("connectionString", "Database file", SettingFieldType.Text, Help: $"A SQLite file under {paths.Root} on the server, opened read-only.",
            Placeholder: $"Data Source={Path.Combine(paths.Root, "sales.db")}"),
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
            throw new ValidationException("settings.connectionString", $"'{DataSource(settings)}' cannot be read as a SQLite database: {e.Message}");
        }
    }

    public async Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct)
    {
        // Checked again at every run: the file may have gone, or a link in its path now points elsewhere.
        var path = FilePath(query.Settings, out var error) ?? throw new SourceQueryException($"Source '{query.Source.Name}': {error}");
        SqliteConnection connection;
        try
        {
            connection = Open(path);
        }
        catch (SqliteException e)
        {
            throw new SourceQueryException($"Source '{query.Source.Name}': '{DataSource(query.Settings)}' cannot be opened read-only: {e.Message}", inner: e);
        }
        await using (connection)
        {
            SqliteGuard.LockDown(connection, options.Value.SqliteLimits);
            query.Progress?.Report("Running the query");
            await using var command = connection.CreateCommand();
            SqlResultReader.Bind(command, query, SqlValues.Untyped);
            return await SqliteGuard.ReadAsync(connection, command, options.Value, ct);
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

    /// <summary>The data source as the settings give it (for messages: never the resolved path, which could tell where a link points).</summary>
    private static string DataSource(JsonObject settings)
    {
        var text = settings["connectionString"] is JsonValue value && value.TryGetValue<string>(out var s) ? s : "";
        try
        {
            return text.Contains('=') ? new SqliteConnectionStringBuilder(text).DataSource : text.Trim();
        }
        catch (ArgumentException)
        {
            return text.Trim();
        }
    }

    /// <summary>The real path of a file the source may read, or null with the reason (one text for missing and not allowed).</summary>
    private string? FilePath(JsonObject settings, out string? error)
    {
        error = null;
        if (settings["connectionString"] is not JsonValue value || !value.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
        {
            error = $"Give the database file: {{ \"connectionString\": \"Data Source={Path.Combine(paths.Root, "file.db")}\" }}.";
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
        // Relative paths are taken from the root, not from wherever the app was started.
        var path = paths.Resolve(Path.IsPathRooted(dataSource) ? dataSource : Path.Combine(paths.Root, dataSource));
        if (path is null) error = paths.Refusal(dataSource);
        return path;
    }
}
