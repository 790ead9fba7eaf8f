using Analytics.Data.Facts;
using Analytics.Data.Operational;
using Analytics.Data.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Analytics.Data;

internal static class DatabaseRegistration
{
    /// <summary>
    /// The database (SQLite by default, PostgreSQL by <c>Analytics:Database:Provider</c>): one context per operation through
    /// <see cref="IDbContextFactory{AnalyticsDbContext}"/>, the provider's fact writer and SQL dialect (the one place that
    /// chooses them), and the readiness check. Returns the settings, which other registrations choose by.
    /// </summary>
    public static DatabaseOptions AddDatabase(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<DatabaseOptions>(DatabaseOptions.Section)
            .Configure<IConfiguration>((o, config) => o.ConnectionString ??= config.GetConnectionString("Analytics"))
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Analytics:Database:Provider is Postgres but ConnectionStrings:Analytics is empty: set it to an Npgsql connection string.");

        var options = new DatabaseOptions();
        builder.Configuration.GetSection(DatabaseOptions.Section).Bind(options);
        options.ConnectionString ??= builder.Configuration.GetConnectionString("Analytics");

        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddPooledDbContextFactory<PostgresAnalyticsDbContext>((sp, o) => o
                    .UseNpgsql(options.EffectiveConnectionString, npgsql => npgsql.CommandTimeout(options.CommandTimeoutSeconds))
                    .AddInterceptors(sp.GetRequiredService<DbCommandTimingInterceptor>()));
                services.AddSingleton<IDbContextFactory<AnalyticsDbContext>, ProviderContextFactory<PostgresAnalyticsDbContext>>();
                services.AddSingleton<IFactBulkWriter, PostgresFactBulkWriter>();
                services.AddSingleton<IFactSqlDialect, PostgresFactSqlDialect>();
                services.AddHostedService(sp => ActivatorUtilities.CreateInstance<Dashboards.PostgresChangeBridge>(sp, options));
                break;
            default:
                services.AddPooledDbContextFactory<SqliteAnalyticsDbContext>((sp, o) => o
                    .UseSqlite(options.EffectiveConnectionString, sqlite => sqlite.CommandTimeout(options.CommandTimeoutSeconds))
                    .AddInterceptors(new SqlitePragmas(), sp.GetRequiredService<DbCommandTimingInterceptor>()));
                services.AddSingleton<IDbContextFactory<AnalyticsDbContext>, ProviderContextFactory<SqliteAnalyticsDbContext>>();
                services.AddSingleton<IFactBulkWriter, SqliteFactBulkWriter>();
                services.AddSingleton<IFactSqlDialect, SqliteFactSqlDialect>();
                break;
        }

        // Identity's stores want a scoped context; it is short-lived (per request), never per circuit.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContext());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return options;
    }
}

/// <summary>Healthy once migrations and seeding finished and the database answers.</summary>
internal sealed class DatabaseHealthCheck(Seeding.DatabaseInitializer initializer, IDbContextFactory<AnalyticsDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!initializer.IsReady) return HealthCheckResult.Unhealthy("The database is still being migrated or seeded.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}
