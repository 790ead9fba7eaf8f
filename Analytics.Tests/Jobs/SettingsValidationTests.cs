using Analytics.Data;
using Analytics.Domain;
using Analytics.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using JobsRegistration = Analytics.Jobs.DependencyInjection;

namespace Analytics.Tests.Jobs;

/// <summary>
/// A bad setting stops the app at start with a message that names it by its full key — for every options class, nested
/// sections included — before any job or the database is touched. And the jobs table holds every scheduled job.
/// </summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Analytics:Amc:PollInterval", "00:00:00", "Analytics:Amc:PollInterval")]
    [InlineData("Analytics:Amc:MaxAttempts", "0", "Analytics:Amc:MaxAttempts")]
    [InlineData("Analytics:Amc:MaxDelay", "00:00:00.500", "Analytics:Amc:MaxDelay must be at least Analytics:Amc:BaseDelay")]
    [InlineData("Analytics:Amc:RequestTimeout", "-00:00:01", "Analytics:Amc:RequestTimeout")]
    [InlineData("Analytics:Jobs:Store", "disk", "Analytics:Jobs:Store")]
    [InlineData("Analytics:Jobs:SupervisorIntervalSeconds", "0", "Analytics:Jobs:SupervisorIntervalSeconds")]
    [InlineData("Analytics:Jobs:ClusterCheckinSeconds", "0", "Analytics:Jobs:ClusterCheckinSeconds")]
    [InlineData("Analytics:Schedules:LookbackWindows", "-1", "Analytics:Schedules:LookbackWindows")]
    [InlineData("Analytics:Schedules:AmcLateDataHours", "-5", "Analytics:Schedules:AmcLateDataHours")]
    [InlineData("Analytics:Schedules:RetryMaxAttempts", "0", "Analytics:Schedules:RetryMaxAttempts")]
    [InlineData("Analytics:Query:CacheSeconds", "0", "Analytics:Query:CacheSeconds")]
    [InlineData("Analytics:Query:CacheSizeRows", "-1", "Analytics:Query:CacheSizeRows")]
    [InlineData("Analytics:Metrics:Retention:RawDays", "0", "Analytics:Metrics:Retention:RawDays")]
    [InlineData("Analytics:Metrics:Ingest:MaxPoints", "0", "Analytics:Metrics:Ingest:MaxPoints")]
    [InlineData("Analytics:Subscriptions:StaleRunMinutes", "0", "Analytics:Subscriptions:StaleRunMinutes")]
    [InlineData("Analytics:Reports:Workers", "0", "Analytics:Reports:Workers")]
    [InlineData("Analytics:Collections:MaxAttempts", "0", "Analytics:Collections:MaxAttempts")]
    [InlineData("Analytics:Database:CommandTimeoutSeconds", "0", "Analytics:Database:CommandTimeoutSeconds")]
    public async Task The_app_refuses_to_start_with_a_bad_setting_and_names_it(string key, string value, string named)
    {
        using var host = Build(new Dictionary<string, string?> { [key] = value });

        var start = () => host.StartAsync();

        var thrown = await start.Should().ThrowAsync<Exception>();
        Messages(thrown.Which).Should().Contain(named);
    }

    [Fact]
    public async Task The_app_starts_with_the_default_settings()
    {
        using var host = Build([]);
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public void The_jobs_table_lists_every_scheduled_job_once()
    {
        var declared = typeof(IScheduledJob).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.IsAssignableTo(typeof(IScheduledJob)));
        JobsRegistration.Table.Select(j => j.Type).Should().BeEquivalentTo(declared).And.OnlyHaveUniqueItems();
        JobsRegistration.Table.Select(j => j.Key).Should().OnlyHaveUniqueItems();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "analytics-settings-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:DataDirectory"] = directory,
            ["ConnectionStrings:Analytics"] = $"Data Source={Path.Combine(directory, "analytics.db")}",
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Jobs:Store"] = "memory",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddAnalyticsDomain();
        builder.AddAnalyticsData();
        builder.AddAnalyticsJobs();
        return builder.Build();
    }

    private static string Messages(Exception e) =>
        e is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(Messages)) : e.Message + (e.InnerException is null ? "" : "\n" + Messages(e.InnerException));
}
