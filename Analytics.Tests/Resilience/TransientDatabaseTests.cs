using System.Net.Sockets;
using Analytics.Data;
using Analytics.Data.Amc;
using Analytics.Domain;
using Analytics.Domain.Sources;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Analytics.Tests.Resilience;

/// <summary>
/// What counts as "the database is briefly unavailable" — the one classification the API (503), the jobs (put back, not
/// failed) and the dashboard (a transient message) share — with the exceptions Npgsql, EF Core and SQLite really throw.
/// </summary>
public sealed class TransientDatabaseTests
{
    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData("57P01")] // admin_shutdown: pg_ctl stop -m fast ends the session
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now: starting up or shutting down
    [InlineData("08006")] // connection_failure
    [InlineData("08001")]
    [InlineData("53300")] // too_many_connections
    public void A_server_going_away_is_transient(string sqlState) =>
        TransientDatabase.Is(Postgres(sqlState)).Should().BeTrue();

    [Theory]
    [InlineData("23505")] // unique_violation
    [InlineData("42P01")] // undefined_table
    [InlineData("22P02")] // invalid_text_representation
    [InlineData("57014")] // query_canceled (a statement timeout): not the database going away
    public void A_statement_error_is_not_transient(string sqlState) =>
        TransientDatabase.Is(Postgres(sqlState)).Should().BeFalse();

    [Fact]
    public void Broken_connections_are_transient_however_deeply_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        TransientDatabase.Is(refused).Should().BeTrue();
        TransientDatabase.Is(new NpgsqlException("Exception while reading from stream", new IOException("Connection reset"))).Should().BeTrue();
        TransientDatabase.Is(new DbUpdateException("An error occurred while saving", refused)).Should().BeTrue();
        TransientDatabase.Is(new InvalidOperationException("wrapped", new AggregateException(new InvalidOperationException("other"), Postgres("57P01")))).Should().BeTrue();
    }

    [Fact]
    public void Sqlite_busy_or_locked_is_transient_other_sqlite_errors_are_not()
    {
        TransientDatabase.Is(new SqliteException("database is locked", 5)).Should().BeTrue();
        TransientDatabase.Is(new SqliteException("database table is locked", 6)).Should().BeTrue();
        TransientDatabase.Is(new SqliteException("UNIQUE constraint failed", 19)).Should().BeFalse();
    }

    [Fact]
    public void Domain_errors_source_failures_and_cancellation_are_never_the_apps_database()
    {
        var down = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        // A PostgreSQL *source* that is down is that source's failure (the run reports it), not the app's database.
        TransientDatabase.Is(new SourceQueryException("The source did not answer", retryable: true, down)).Should().BeFalse();
        TransientDatabase.Is(new ValidationException("name", "Required")).Should().BeFalse();
        TransientDatabase.Is(new OperationCanceledException("stopped", down)).Should().BeFalse();
        TransientDatabase.Is(new InvalidOperationException("a bug")).Should().BeFalse();
        TransientDatabase.Is(null).Should().BeFalse();
        // An outside service that cannot be reached (AMC, a webhook, an LLM) is that call's failure, however deep the
        // socket error sits: a network error on the way to AMC must not read as "the database is unavailable".
        var unreachable = new HttpRequestException("Connection refused (amc.example)", new SocketException((int)SocketError.ConnectionRefused));
        TransientDatabase.Is(unreachable).Should().BeFalse();
        TransientDatabase.Is(new AmcRetriesExhaustedException("POST", "/workflowExecutions", 3, "network error", unreachable)).Should().BeFalse();
        TransientDatabase.Is(new InvalidOperationException("wrapped", unreachable)).Should().BeFalse();
    }

    [Fact]
    public void The_pause_grows_from_the_setting_to_four_times_it()
    {
        var first = TimeSpan.FromSeconds(3);
        Enumerable.Range(0, 5).Select(f => TransientDatabase.Backoff(first, f).TotalSeconds).Should().Equal(3, 6, 12, 12, 12);
    }
}
