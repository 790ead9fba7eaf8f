using Analytics.Data.Configurations;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Analytics.Domain.Alerts;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Operational;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data;

/// <summary>
/// The application's database. One model, two providers: <see cref="SqliteAnalyticsDbContext"/> and
/// <see cref="PostgresAnalyticsDbContext"/> exist only so each provider keeps its own migration set.
/// </summary>
public abstract class AnalyticsDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options)
{
    public abstract DatabaseProvider Provider { get; }

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<InstanceGrant> InstanceGrants => Set<InstanceGrant>();
    public DbSet<DataSource> Sources => Set<DataSource>();
    public DbSet<ReportTemplate> Templates => Set<ReportTemplate>();
    public DbSet<ReportTemplateVersion> TemplateVersions => Set<ReportTemplateVersion>();
    public DbSet<Report> Reports => Set<Report>();
    public DbSet<Execution> Executions => Set<Execution>();
    public DbSet<InstanceGate> InstanceGates => Set<InstanceGate>();
    public DbSet<InstanceSlot> InstanceSlots => Set<InstanceSlot>();
    public DbSet<RemoteExecutionClaim> RemoteExecutionClaims => Set<RemoteExecutionClaim>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<Fact> Facts => Set<Fact>();
    public DbSet<MetricDefinition> MetricDefinitions => Set<MetricDefinition>();
    public DbSet<Dashboard> Dashboards => Set<Dashboard>();
    public DbSet<Widget> Widgets => Set<Widget>();
    public DbSet<DashboardFolder> DashboardFolders => Set<DashboardFolder>();
    public DbSet<DashboardShare> DashboardShares => Set<DashboardShare>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<DashboardComment> DashboardComments => Set<DashboardComment>();
    public DbSet<DashboardFavorite> DashboardFavorites => Set<DashboardFavorite>();
    public DbSet<DashboardVisit> DashboardVisits => Set<DashboardVisit>();
    public DbSet<MetricSeries> MetricSeries => Set<MetricSeries>();
    public DbSet<MetricPoint> MetricPoints => Set<MetricPoint>();
    public DbSet<MetricRollup> MetricRollups => Set<MetricRollup>();
    public DbSet<SeededAnomaly> SeededAnomalies => Set<SeededAnomaly>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Analytics.Domain.Insights.Insight> Insights => Set<Analytics.Domain.Insights.Insight>();
    public DbSet<Analytics.Domain.Insights.InsightUserState> InsightUserStates => Set<Analytics.Domain.Insights.InsightUserState>();
    public DbSet<Analytics.Domain.Insights.InsightDelivery> InsightDeliveries => Set<Analytics.Domain.Insights.InsightDelivery>();
    public DbSet<Analytics.Domain.Collections.DataCollection> DataCollections => Set<Analytics.Domain.Collections.DataCollection>();
    public DbSet<Analytics.Domain.Collections.CollectionSegment> CollectionSegments => Set<Analytics.Domain.Collections.CollectionSegment>();

    public DbSet<Analytics.Domain.Chat.ChatConversation> ChatConversations => Set<Analytics.Domain.Chat.ChatConversation>();
    public DbSet<Analytics.Domain.Chat.ChatMessage> ChatMessages => Set<Analytics.Domain.Chat.ChatMessage>();
    public DbSet<Analytics.Domain.Chat.ChatAuditEntry> ChatAudit => Set<Analytics.Domain.Chat.ChatAuditEntry>();

    public DbSet<Analytics.Domain.Subscriptions.DashboardSubscription> DashboardSubscriptions => Set<Analytics.Domain.Subscriptions.DashboardSubscription>();
    public DbSet<Analytics.Domain.Subscriptions.SubscriptionRun> SubscriptionRuns => Set<Analytics.Domain.Subscriptions.SubscriptionRun>();
    public DbSet<Analytics.Domain.Exports.ExportRecord> ExportRecords => Set<Analytics.Domain.Exports.ExportRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AnalyticsDbContext).Assembly);
        builder.UseSnakeCaseForDomain();
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteAnalyticsDbContext(DbContextOptions<SqliteAnalyticsDbContext> options) : AnalyticsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite has no date type; EF cannot compare or order DateTimeOffset stored as text. Store UTC ticks instead.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

public sealed class PostgresAnalyticsDbContext(DbContextOptions<PostgresAnalyticsDbContext> options) : AnalyticsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
