using System.Diagnostics;
using Analytics.Data.Identity;
using Analytics.Data.Startup;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Seeding;

/// <summary>
/// Runs before the app serves: applies the provider's migrations, switches SQLite to WAL, seeds the built-in metrics and
/// (on an empty database) the demo workspace, and makes sure a first admin exists. <c>/healthz</c> is unhealthy until done.
/// </summary>
public sealed class DatabaseInitializer(
    IServiceProvider services,
    IOptions<DatabaseOptions> options,
    StartupTimeline timeline,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _initialization;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Completes once migrations and seeding are done (background services wait for it).</summary>
    public Task WaitUntilReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    /// <summary>
    /// Starts the initialization and returns: the web host builds its pipeline and listens meanwhile (requests wait for
    /// <see cref="WaitUntilReadyAsync"/>; <c>/healthz/ready</c> says not ready), and the scheduler starts once it is done.
    /// A failure stops the app with exit code 1, as a failed start would.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _initialization = Task.Run(async () =>
        {
            try
            {
                await InitializeAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The app is stopping before it was ready: not a failure, so no critical log and no failing exit code.
                _ready.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                logger.LogCritical(e, "The database could not be initialized; the app stops.");
                _ready.TrySetException(e);
                Environment.ExitCode = 1;
                services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Migrates and seeds, and returns when the database is ready (the <c>seed</c> command and tests call it directly).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var track = timeline.Track("database");
        await MigrateAsync(cancellationToken, track);
        var migrated = stopwatch.ElapsedMilliseconds;
        track.Mark("journal mode");
        var seeder = services.GetRequiredService<DemoWorkspaceSeeder>();
        // Three checks of unrelated tables, each on its own context; most of their time is compiling their first queries,
        // so on two cores they run side by side.
        await Task.WhenAll(
            Task.Run(() => seeder.SeedBuiltInMetricsAsync(cancellationToken), cancellationToken),
            Task.Run(() => services.GetRequiredService<Reports.TemplateService>().SeedBuiltInsAsync(cancellationToken), cancellationToken),
            Task.Run(() => services.GetRequiredService<Dashboards.DashboardSharing>().PublishUnpublishedLinksAsync(cancellationToken), cancellationToken));
        track.Mark("built-in metrics and templates, public links");
        if (options.Value.SeedDemo)
        {
            var rows = await seeder.SeedDemoWorkspaceAsync(cancellationToken);
            if (rows > 0) logger.LogInformation("Seeded the demo workspace: {Rows} fact rows", rows);
            track.Mark("demo workspace");
        }
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(cancellationToken);
        }
        track.Mark("first admin");
        ReadyMs = timeline.SinceProcessStartMs;
        _ready.TrySetResult();
        logger.LogInformation("Database ready ({Provider}) in {Ms} ms (migrations {MigrateMs} ms)", options.Value.Provider, stopwatch.ElapsedMilliseconds, migrated);
    }

    /// <summary>Milliseconds from the process's start to the database being ready (0 until then).</summary>
    public double ReadyMs { get; private set; }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_initialization is { } running) await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async Task MigrateAsync(CancellationToken ct, StartupTrack? track = null)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        // Migrate() takes a database-wide lock and re-checks every migration, and EF's own history check builds a model of
        // its history table first: on a restart, one plain query of the history table against the assembly's migration ids
        // shows nothing is pending and is all that runs. A new database has no history table: then Migrate() does it all.
        // The model is built once per process, on the first context's first use: measured on its own here.
        _ = db.Model;
        track?.Mark("EF model");
        if ((await PendingMigrationsAsync(db, ct)).Count > 0)
        {
            await db.Database.MigrateAsync(ct);
            await Audit.AuditTrailGuard.EnsureAsync(db, ct);
        }
        track?.Mark("migrations (history check; applied when pending)");
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    /// <summary>The assembly's migrations missing from the history table, in order (all of them on a new database).</summary>
    internal static async Task<IReadOnlyList<string>> PendingMigrationsAsync(AnalyticsDbContext db, CancellationToken ct)
    {
        var applied = await AppliedMigrationsAsync(db, ct);
        return db.GetService<IMigrationsAssembly>().Migrations.Keys.Where(id => applied is null || !applied.Contains(id)).ToList();
    }

    /// <summary>The ids in <c>__EFMigrationsHistory</c>, or null when the table does not exist yet (a new database).</summary>
    private static async Task<HashSet<string>?> AppliedMigrationsAsync(AnalyticsDbContext db, CancellationToken ct)
    {
        // A raw command on the context's connection: no EF command logging, so a new database's missing table logs no error.
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = db.Provider == DatabaseProvider.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'"
                : "SELECT to_regclass('\"__EFMigrationsHistory\"')::text";
            if (await command.ExecuteScalarAsync(ct) is null or DBNull) return null;
            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"";
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
            return applied;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
