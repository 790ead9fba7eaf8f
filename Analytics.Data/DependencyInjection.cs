using System.ComponentModel.DataAnnotations;
using Analytics.Data.Alerts;
using Analytics.Data.Dashboards;
using Analytics.Data.Facts;
using Analytics.Data.Identity;
using Analytics.Data.Notifications;
using Analytics.Data.Operational;
using Analytics.Data.Query;
using Analytics.Data.Reports;
using Analytics.Data.Seeding;
using Analytics.Data.Sources;
using Analytics.Data.Sources.Connectors;
using Analytics.Data.Startup;
using Analytics.Domain.Alerts;
using Analytics.Domain.Operational;
using Analytics.Domain.Sources;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Analytics.Data;

public static class DependencyInjection
{
    /// <summary>
    /// The database (SQLite by default, PostgreSQL by <c>Analytics:Database:Provider</c>), one context per operation
    /// through <see cref="IDbContextFactory{AnalyticsDbContext}"/>, start-up migration and idempotent demo seeding.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((o, config) => o.ConnectionString ??= config.GetConnectionString("Analytics"))
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Analytics:Database:Provider is Postgres but ConnectionStrings:Analytics is empty: set it to an Npgsql connection string.")
            .ValidateOnStart();

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

        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Validator.TryValidateObject(o.Ingest, new ValidationContext(o.Ingest), null, true)
                           && Validator.TryValidateObject(o.Retention, new ValidationContext(o.Retention), null, true)
                           && Validator.TryValidateObject(o.SelfInstrumentation, new ValidationContext(o.SelfInstrumentation), null, true)
                           && Validator.TryValidateObject(o.Stream, new ValidationContext(o.Stream), null, true),
                "An Analytics:Metrics setting is out of range (see the defaults and ranges documented in appsettings.json).")
            .Validate(o => o.Retention.RawDays <= o.Retention.OneMinuteDays && o.Retention.OneMinuteDays <= o.Retention.FiveMinutesDays
                           && o.Retention.FiveMinutesDays <= o.Retention.OneHourDays && o.Retention.OneHourDays <= o.Retention.OneDayDays,
                "Analytics:Metrics:Retention must keep coarser resolutions at least as long as finer ones (RawDays <= OneMinuteDays <= ... <= OneDayDays).")
            .ValidateOnStart();
        services.AddSingleton<MetricsBuffer>();
        services.AddMetrics();
        services.AddSingleton<AppMeter>();
        services.AddSingleton<DbCommandTimingInterceptor>();
        services.AddSingleton<OperationalMetricsWriter>();
        services.AddSingleton<DataChangeNotifier>();
        services.AddSingleton<FactStore>();
        services.AddOptions<QueryOptions>().BindConfiguration(QueryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QueryResultCache>();
        services.AddSingleton<FactQueryService>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<Analytics.Data.Forecasting.ForecastService>();
        services.AddSingleton<MetricQueryService>();
        services.AddSingleton<MetricRetention>();
        services.AddSingleton<MetricsFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsFlusher>());
        services.AddSingleton<UserPreferencesService>();
        services.AddSingleton<DemoWorkspaceSeeder>();
        services.AddSingleton<BulkSeeder>();
        services.TryAddSingleton<StartupTimeline>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
        SecurityRegistration.AddAnalyticsSecurity(services);
        services.TryAddSingleton<Audit.IClientAddress, Audit.NoClientAddress>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddScoped<ActorResolver>();
        services.AddScoped<UserService>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<SourceService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<DashboardDataService>();
        services.AddSingleton<PublicDashboardService>();
        services.AddSingleton<UnderlyingRows>();
        services.AddSingleton<DashboardExportService>();
        services.AddSingleton<Analytics.Data.Exports.ExportRecorder>();
        services.AddSingleton<Analytics.Data.Exports.ExportHistoryService>();
        services.AddSingleton<DashboardChangeNotifier>();
        services.AddSingleton<MetricsChangeNotifier>();
        services.AddSingleton<NotificationNotifier>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<Analytics.Data.Insights.InsightService>();
        services.AddSingleton<Analytics.Data.Insights.ProjectionInsights>();
        services.AddSingleton<Analytics.Data.Insights.InsightDeliveryService>();
        services.AddOptions<Analytics.Data.Insights.InsightOptions>().BindConfiguration(Analytics.Data.Insights.InsightOptions.Section).ValidateDataAnnotations()
            .Validate<Outbound.OutboundGuard>((o, guard) => string.IsNullOrWhiteSpace(o.WebhookUrl) || guard.UrlError(o.WebhookUrl) is null,
                "Analytics:Insights:WebhookUrl must be an absolute http(s) URL of a public address (or a host listed in Analytics:Outbound:AllowedHosts).")
            .ValidateOnStart();
        services.AddOptions<Analytics.Data.Exports.ExportOptions>().BindConfiguration(Analytics.Data.Exports.ExportOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => File.Exists(Path.Combine(o.FontDirectory, "DejaVuSans.ttf")),
                "Analytics:Exports:FontDirectory holds no DejaVuSans.ttf: PDF export needs DejaVu Sans (Debian's fonts-dejavu-core, /usr/share/fonts/truetype/dejavu).")
            .ValidateOnStart();
        services.AddSingleton<Analytics.Data.Exports.Pdf.PdfExporter>();
        services.AddSingleton<Analytics.Data.Exports.Xlsx.XlsxExporter>(_ => new Analytics.Data.Exports.Xlsx.XlsxExporter());
        services.AddSingleton<Analytics.Data.Exports.Csv.CsvExporter>();
        services.AddSingleton<Analytics.Data.Exports.IExportWriter, Analytics.Data.Exports.PdfExportWriter>();
        services.AddSingleton<Analytics.Data.Exports.IExportWriter, Analytics.Data.Exports.XlsxExportWriter>();
        services.AddSingleton<Analytics.Data.Exports.IExportWriter, Analytics.Data.Exports.CsvExportWriter>();
        services.AddSingleton<Analytics.Data.Exports.ExportService>();
        services.AddOptions<Analytics.Data.Exports.Delivery.SmtpOptions>().BindConfiguration(Analytics.Data.Exports.Delivery.SmtpOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out var from) && from.Address.Contains('@'),
                "Analytics:Smtp:From must be an e-mail address, e.g. \"Analytics <reports@example.com>\".")
            .ValidateOnStart();
        services.AddSingleton<Analytics.Data.Exports.Delivery.ExportMailer>();
        services.AddSingleton<Analytics.Data.Exports.Delivery.ExportDelivery>();
        services.AddOptions<Analytics.Data.Subscriptions.SubscriptionOptions>().BindConfiguration(Analytics.Data.Subscriptions.SubscriptionOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Analytics.Data.Subscriptions.SubscriptionService>();
        Analytics.Data.Chat.ChatRegistration.AddChat(services);
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertEvaluationService>();
        services.AddSingleton<IAlertMetricReader, AlertMetricReader>();
        // Keys that protect sign-in cookies and source credentials survive restarts.
        services.AddDataProtection()
            .SetApplicationName("Analytics")
            .PersistKeysToFileSystem(new DirectoryInfo(DataDirectory.Keys(builder.Configuration)));
        Backup.BackupRegistration.AddBackup(services, options.Provider);
        services.AddOptions<SourceOptions>().BindConfiguration(SourceOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.SqliteRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(o.SqliteRoot)
                ? Path.Combine(config["Analytics:DataDirectory"] ?? "data", "sources")
                : o.SqliteRoot))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SqliteSourcePaths>();
        services.AddHostedService<SqliteSourceRoot>();
        services.AddSingleton<ISourceConnector, DemoSourceConnector>();
        services.AddSingleton<ISourceConnector, AmcSourceConnector>();
        services.AddSingleton<ISourceConnector, SqliteSourceConnector>();
        services.AddSingleton<ISourceConnector, PostgresSourceConnector>();
        services.AddSingleton<ISourceConnector, CsvSourceConnector>();
        services.AddSingleton<SourceConnectors>();
        services.AddSingleton<SourceSecrets>();
        services.AddSingleton<CsvRowUploader>();
        services.AddOptions<AmcOptions>().BindConfiguration(AmcOptions.Section);
        Outbound.OutboundRegistration.AddOutbound(services);
        ReportsRegistration.AddReports(services);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Healthy once migrations and seeding finished and the database answers.</summary>
internal sealed class DatabaseHealthCheck(DatabaseInitializer initializer, IDbContextFactory<AnalyticsDbContext> factory) : IHealthCheck
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
