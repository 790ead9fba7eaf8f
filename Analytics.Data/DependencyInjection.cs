using Analytics.Data.Alerts;
using Analytics.Data.Backup;
using Analytics.Data.Chat;
using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Data.Notifications;
using Analytics.Data.Operational;
using Analytics.Data.Outbound;
using Analytics.Data.Query;
using Analytics.Data.Reports;
using Analytics.Data.Seeding;
using Analytics.Data.Sources;
using Analytics.Data.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Analytics.Data;

public static class DependencyInjection
{
    /// <summary>
    /// The database (SQLite by default, PostgreSQL by <c>Analytics:Database:Provider</c>), one context per operation
    /// through <see cref="IDbContextFactory{AnalyticsDbContext}"/>, start-up migration and idempotent demo seeding, and
    /// each feature's services, registered beside the feature's folder. Hosted services start in registration order:
    /// the metrics flusher, then the database initializer, then what needs the migrated database.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsData(this IHostApplicationBuilder builder)
    {
        var database = builder.AddDatabase();
        builder.Services
            .AddOperationalMetrics()
            .AddQueries()
            .AddDatabaseInitializer()
            .AddAnalyticsIdentity(builder.Configuration)
            .AddDashboards()
            .AddNotifications()
            .AddInsights()
            .AddExports()
            .AddSubscriptions()
            .AddChat()
            .AddAlerts()
            .AddBackup(database.Provider)
            .AddSources()
            .AddOutbound()
            .AddReports();
        return builder;
    }
}
