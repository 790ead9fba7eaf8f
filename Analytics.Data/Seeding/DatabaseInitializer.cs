using System.Diagnostics;
using Analytics.Data.Identity;
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
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes once migrations and seeding are done (background services wait for it).</summary>
    public Task WaitUntilReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await MigrateAsync(cancellationToken);
        var migrated = stopwatch.ElapsedMilliseconds;
        var seeder = services.GetRequiredService<DemoWorkspaceSeeder>();
        await seeder.SeedBuiltInMetricsAsync(cancellationToken);
        await services.GetRequiredService<Reports.TemplateService>().SeedBuiltInsAsync(cancellationToken);
        await services.GetRequiredService<Dashboards.DashboardService>().PublishUnpublishedLinksAsync(cancellationToken);
        if (options.Value.SeedDemo)
        {
            var rows = await seeder.SeedDemoWorkspaceAsync(cancellationToken);
            if (rows > 0) logger.LogInformation("Seeded the demo workspace: {Rows} fact rows", rows);
        }
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(cancellationToken);
        }
        _ready.TrySetResult();
        logger.LogInformation("Database ready ({Provider}) in {Ms} ms (migrations {MigrateMs} ms)", options.Value.Provider, stopwatch.ElapsedMilliseconds, migrated);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task MigrateAsync(CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        // Migrate() takes a database-wide lock and re-checks every migration; skip it when nothing is pending. A new
        // database has no history table yet: asking it for applied migrations would log a failed command, so look first.
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(ct) || (await db.Database.GetPendingMigrationsAsync(ct)).Any())
        {
            await db.Database.MigrateAsync(ct);
            await Audit.AuditTrailGuard.EnsureAsync(db, ct);
        }
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}
