using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// Running someone else's SQL on a SQLite connection (a <c>sqlite</c> source's file, or the private in-memory database of the
/// fact-table sources): no writes, no other files, and a time limit that really stops the statement.
/// </summary>
public static class SqliteGuard
{
    private const int Interrupted = 9; // SQLITE_INTERRUPT
    private const int ReadOnly = 8;    // SQLITE_READONLY
    private const int NoMemory = 7;    // SQLITE_NOMEM
    private const int TooBig = 18;     // SQLITE_TOOBIG

    /// <summary>
    /// <c>PRAGMA query_only</c> (no statement may change a database) and no <c>ATTACH</c> (the limit of attached databases is
    /// set to zero, which also refuses <c>VACUUM INTO</c>): a template cannot open any other file, the app's own database among them.
    /// Memory: no string or blob longer than <see cref="SqliteLimits.MaxValueBytes"/> (<c>SQLITE_LIMIT_LENGTH</c>, so
    /// <c>randomblob(1e9)</c> fails at once), and SQLite's heap in this process held to <see cref="SqliteLimits.HeapLimitBytes"/>
    /// (<c>sqlite3_hard_heap_limit64</c>, process-wide: SQLite has no per-connection heap limit).
    /// </summary>
    public static void LockDown(SqliteConnection connection, SqliteLimits limits)
    {
        raw.sqlite3_limit(connection.Handle, raw.SQLITE_LIMIT_ATTACHED, 0);
        raw.sqlite3_limit(connection.Handle, raw.SQLITE_LIMIT_LENGTH, (int)Math.Clamp(limits.MaxValueBytes, 1, int.MaxValue));
        if (limits.HeapLimitBytes > 0) raw.sqlite3_hard_heap_limit64(limits.HeapLimitBytes);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA query_only = 1";
        pragma.ExecuteNonQuery();
    }

    /// <summary>
    /// Reads the command's rows, off the caller's thread (Microsoft.Data.Sqlite steps synchronously). When the statement
    /// time limit passes or <paramref name="ct"/> is cancelled, <c>sqlite3_interrupt</c> stops the running
    /// statement; a statement over the limit fails with a message naming it. SQL errors become <see cref="SourceQueryException"/>.
    /// </summary>
    public static async Task<TabularResult> ReadAsync(SqliteConnection connection, SqliteCommand command, SourceOptions options, CancellationToken ct)
    {
        var limit = options.StatementTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        var handle = connection.Handle;
        await using var interrupt = timeout.Token.Register(() => raw.sqlite3_interrupt(handle));
        try
        {
            return await Task.Run(() => SqlResultReader.ReadAsync(command, options.MaxResultBytes, timeout.Token), CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or SqliteException { SqliteErrorCode: Interrupted } && timeout.IsCancellationRequested)
        {
            if (ct.IsCancellationRequested) throw new OperationCanceledException("Cancelled", e, ct);
            throw new SourceQueryException(
                $"The query ran longer than the statement time limit of {limit.TotalSeconds:0.#} s and was stopped (Analytics:Sources:StatementTimeoutSeconds); aggregate more in the SQL or narrow the time window.",
                inner: e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ReadOnly || e.Message.Contains("query_only", StringComparison.OrdinalIgnoreCase))
        {
            throw new SourceQueryException($"The source is read-only; templates can only read from it ({e.Message}).", inner: e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == TooBig)
        {
            throw new SourceQueryException(
                $"The query built a string or blob larger than the limit of {raw.sqlite3_limit(handle, raw.SQLITE_LIMIT_LENGTH, -1) / (1024 * 1024)} MB (Analytics:Sources:SqliteMaxValueMegabytes) and was stopped; select smaller values.",
                inner: e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == NoMemory)
        {
            throw new SourceQueryException(
                "The query needed more memory than SQLite may use in this app (Analytics:Sources:SqliteHeapLimitMegabytes) and was stopped; aggregate more in the SQL or narrow the time window.",
                inner: e);
        }
        catch (SqliteException e)
        {
            throw new SourceQueryException($"The query failed: {e.Message}", inner: e);
        }
    }
}
