using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// A PostgreSQL database, read-only. Settings <c>{ connectionString }</c> (an Npgsql connection string); the whole string
/// is a secret, as it holds the password, and GET shows <c>connectionStringRedacted</c> (host, port, database, username).
/// Each run opens a <c>BEGIN READ ONLY</c> transaction with <c>SET LOCAL statement_timeout</c>, runs the template and rolls
/// back. The template goes over the extended protocol as one prepared statement with positional parameters
/// (<c>$1</c>…, dates stay <c>date</c>), so PostgreSQL itself refuses a second statement (<c>; COMMIT; DELETE …</c>) that
/// could otherwise leave the read-only transaction. A role that is a superuser or a member of <c>pg_read_server_files</c>,
/// <c>pg_write_server_files</c> or <c>pg_execute_server_program</c> is refused, at save and before every run
/// (<see cref="RoleRefusalAsync"/>): such a role reaches the server's files and programs even inside a read-only
/// transaction. Give the source a role that may only SELECT.
/// </summary>
public sealed class PostgresSourceConnector(IOptions<SourceOptions> options) : ISourceConnector
{
    private const string ConnectionString = "connectionString";

    public SourceKind Kind => SourceKind.Postgres;

    public IReadOnlySet<string> SecretSettings { get; } = new HashSet<string> { ConnectionString };

    public IReadOnlyList<SettingField> SettingFields { get; } =
    [
        new(ConnectionString, "Connection string", SettingFieldType.Secret,
            Help: "Npgsql format. Stored encrypted (it holds the password); use a role that may only SELECT.",
            Placeholder: "Host=db;Port=5432;Database=sales;Username=reader;Password=…"),
    ];

    public void ValidateSettings(JsonObject settings)
    {
        if (Builder(settings, out var error) is null) throw new ValidationException($"settings.{ConnectionString}", error!);
    }

    /// <summary>
    /// At save: connects (within a few seconds) and refuses a role with server-file or superuser rights. A server that cannot
    /// be reached now is not an error here (it may be reachable from where reports run later); every run checks again.
    /// </summary>
    public async Task ValidateAccessAsync(JsonObject settings, CancellationToken ct)
    {
        if (Builder(settings, out _) is not { } builder) return;
        builder.Timeout = Math.Min(builder.Timeout, 5);
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            return;
        }
        if (await RoleRefusalAsync(connection, ct) is { } refusal) throw new ValidationException($"settings.{ConnectionString}", refusal);
    }

    /// <summary>
    /// Why the connection's role may not back a source, or null. Superusers and members (direct or through other roles) of
    /// the predefined roles that read or write server files or run server programs: <c>COPY … FROM PROGRAM</c>,
    /// <c>pg_read_file</c> and friends work inside a read-only transaction.
    /// </summary>
    internal static async Task<string?> RoleRefusalAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, r.rolsuper,
                   ARRAY(SELECT p FROM unnest(ARRAY['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program']) AS p
                         WHERE pg_has_role(r.oid, p, 'MEMBER'))
            FROM pg_roles r WHERE r.rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return "The connection's role could not be looked up; use a role that may only SELECT.";
        var role = reader.GetString(0);
        if (reader.GetBoolean(1))
            return $"The role '{role}' is a PostgreSQL superuser, which can read and write the server's files even in a read-only transaction; connect with a role that may only SELECT the tables templates read.";
        var memberships = reader.GetFieldValue<string[]>(2);
        return memberships.Length > 0
            ? $"The role '{role}' is a member of {string.Join(", ", memberships)}, which reaches the server's files or programs; connect with a role that may only SELECT the tables templates read."
            : null;
    }

    public JsonObject WithPublicSettings(JsonObject settings)
    {
        var copy = (JsonObject)settings.DeepClone();
        if (Builder(settings, out _) is { } b)
            copy["connectionStringRedacted"] = $"Host={b.Host};Port={b.Port.ToString(CultureInfo.InvariantCulture)};Database={b.Database};Username={b.Username}";
        return copy;
    }

    public async Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct)
    {
        var builder = Builder(query.Settings, out var error) ?? throw new SourceQueryException($"Source '{query.Source.Name}': {error}");
        var limit = options.Value.StatementTimeout;
        // The server's statement_timeout stops the statement; the client-side timeout is only a backstop.
        builder.CommandTimeout = (int)Math.Min(int.MaxValue, limit.TotalSeconds + 10);
        builder.ApplicationName ??= "Analytics";
        var where = $"{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database}";

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw new SourceQueryException($"Could not connect to PostgreSQL at {where}: {Describe(e)}", retryable: e is not PostgresException, inner: e);
        }

        try
        {
            // Checked at every run: the role may have gained rights since the source was saved.
            if (await RoleRefusalAsync(connection, ct) is { } refusal) throw new SourceQueryException($"Source '{query.Source.Name}': {refusal}");
            await ExecuteAsync(connection, "BEGIN READ ONLY", ct);
            await ExecuteAsync(connection, $"SET LOCAL statement_timeout = {((long)limit.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}", ct);
            query.Progress?.Report("Running the query");
            await using var batch = new NpgsqlBatch(connection);
            var command = new NpgsqlBatchCommand(query.Template.RenderPositional(query.Parameters, out var values));
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            batch.BatchCommands.Add(command);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            return await SqlResultReader.ReadAsync(reader, options.Value.MaxResultBytes, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
        {
            throw new SourceQueryException(
                $"The query ran longer than the statement time limit of {limit.TotalSeconds:0.#} s and was stopped (Analytics:Sources:StatementTimeoutSeconds); aggregate more in the SQL or narrow the time window.",
                inner: e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            throw new SourceQueryException($"The source is read-only; templates can only read from it (PostgreSQL: {e.MessageText}).", inner: e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SyntaxError && e.MessageText.Contains("multiple commands", StringComparison.Ordinal))
        {
            throw new SourceQueryException("A template runs one SQL statement; remove the ';' and whatever follows it.", inner: e);
        }
        catch (PostgresException e)
        {
            throw new SourceQueryException($"The query failed: {Describe(e)}", inner: e);
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            throw new SourceQueryException($"PostgreSQL at {where} failed during the query: {Describe(e)}", retryable: true, inner: e);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try { await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None); }
                catch (Exception) { /* the connection is closed below; the server rolls back an open transaction then */ }
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Describe(Exception e) => e switch
    {
        PostgresException p => $"{p.SqlState}: {p.MessageText}" + (p.Position > 0 ? $" (at character {p.Position})" : "") + (p.Hint is { } hint ? $" Hint: {hint}" : ""),
        _ => e.InnerException is { } inner && e.Message.Length < 40 ? $"{e.Message} {inner.Message}" : e.Message,
    };

    /// <summary>The parsed connection string, or null with the reason (which never repeats the string: it holds the password).</summary>
    private static NpgsqlConnectionStringBuilder? Builder(JsonObject settings, out string? error)
    {
        error = null;
        if (settings[ConnectionString] is not JsonValue value || !value.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
        {
            error = "Give an Npgsql connection string: Host=…;Port=5432;Database=…;Username=…;Password=….";
            return null;
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            error = $"Not a valid Npgsql connection string: {e.Message.Split('\n')[0]}";
            return null;
        }
        if (string.IsNullOrWhiteSpace(builder.Host)) error = "The connection string needs a Host.";
        else if (string.IsNullOrWhiteSpace(builder.Database)) error = "The connection string needs a Database.";
        else if (string.IsNullOrWhiteSpace(builder.Username)) error = "The connection string needs a Username.";
        return error is null ? builder : null;
    }
}
