using System.Net.Sockets;
using Analytics.Data.Amc;
using Analytics.Domain;
using Analytics.Domain.Sources;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Analytics.Data;

/// <summary>
/// The one home of "the app's own database is briefly unavailable": a PostgreSQL server restarting or unreachable, a
/// connection broken mid-command, SQLite busy or locked. Such a failure is worth repeating later, unchanged — the API
/// answers it 503 with <c>Retry-After</c>, jobs put the work back to run again, pages say so and retry — and is never a
/// reason to fail work for good. Everything else is not transient.
/// </summary>
public static class TransientDatabase
{
    /// <summary>What a person (a page, a tile, a problem's detail) is told.</summary>
    public const string Message = "The database is briefly unavailable (restarting or unreachable). Nothing was lost; this retries by itself once it is back.";

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// True when <paramref name="exception"/> (or what it wraps) says the database could not be reached or dropped the
    /// connection. A domain error or a source's failure is never this, whatever it wraps: those are already classified
    /// (a PostgreSQL <em>source</em> that is down is the source's failure, not the app's database).
    /// </summary>
    public static bool Is(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case DomainException or SourceQueryException or OperationCanceledException:
                    return false;
                // A call to an outside service (AMC, a webhook, an LLM) failing on the network is that call's failure,
                // whatever socket error it wraps: the database is reached through Npgsql/SQLite, never through HttpClient.
                case HttpRequestException or AmcException:
                    return false;
                case PostgresException postgres:
                    // 08: connection exceptions; 57P: operator intervention (admin/crash shutdown, cannot connect now);
                    // 53300: too many connections; the rest Npgsql itself calls transient (serialization, deadlock, resources).
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                           || postgres.IsTransient;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked;
                case SocketException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(Is);
            }
            exception = exception.InnerException;
        }
        return false;
    }

    /// <summary>How long to wait after the <paramref name="failures"/>-th failure in a row (from 0): <paramref name="first"/>, then twice, then four times it.</summary>
    public static TimeSpan Backoff(TimeSpan first, int failures) => first * Math.Min(4, 1 << Math.Clamp(failures, 0, 2));

    /// <summary>
    /// Runs <paramref name="action"/> until it gets through: while the database is briefly unavailable it waits
    /// (<see cref="Backoff"/>) and tries again; any other error, or <paramref name="ct"/>, ends it as usual. For writes
    /// that must land once the database is back (a segment put back to pending, a collection's end).
    /// </summary>
    public static async Task RetryAsync(Func<CancellationToken, Task> action, TimeSpan first, TimeProvider clock, ILogger logger, string what, CancellationToken ct)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                await action(ct);
                return;
            }
            catch (Exception e) when (Is(e) && !ct.IsCancellationRequested)
            {
                var delay = Backoff(first, failures);
                logger.LogWarning("The database is unavailable while {What} ({Error}); trying again in {Delay} s", what, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, clock, ct);
            }
        }
    }
}
