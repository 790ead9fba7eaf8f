using Analytics.Data;
using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Tests.Jobs;

/// <summary>
/// The job classes moved from namespace <c>Analytics.Jobs.Jobs</c> to <c>Analytics.Jobs</c>; Quartz's persistent store keeps
/// each job's type name. A store written by the old build (a collection queued, every job under its old name) still starts,
/// and every job in it resolves to its class.
/// </summary>
public abstract class RenamedJobTypeTests : ProviderTests
{
    [ProviderFact]
    public async Task A_job_store_written_under_the_old_namespace_starts_and_resolves_every_job()
    {
        await using var database = await TestDatabase.CreateAsync(Provider);
        var queued = new JobKey("collection-before-upgrade", DataCollectionJob.Group);

        using (var before = Build(database))
        {
            await before.StartAsync();
            var scheduler = await before.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var job = JobBuilder.Create<DataCollectionJob>().WithIdentity(queued).UsingJobData(DataCollectionJob.CollectionIdKey, queued.Name).Build();
            var later = TriggerBuilder.Create().WithIdentity("queued-before-upgrade", DataCollectionJob.Group).ForJob(queued).StartAt(DateTimeOffset.UtcNow.AddDays(1)).Build();
            await scheduler.ScheduleJob(job, later);
            await before.StopAsync();

            // What the old build wrote: every job under Analytics.Jobs.Jobs.
            await using var db = await before.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
            var renamed = await db.Database.ExecuteSqlRawAsync(
                "UPDATE qrtz_job_details SET job_class_name = REPLACE(job_class_name, 'Analytics.Jobs.', 'Analytics.Jobs.Jobs.')");
            renamed.Should().BeGreaterThan(10, "the scheduled jobs and the queued collection were stored");
        }

        using var after = Build(database);
        await after.StartAsync();
        var restarted = await after.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await restarted.GetJobDetail(queued))!.JobType.Type.Should().Be<DataCollectionJob>();
        (await restarted.GetTriggerState(new TriggerKey("queued-before-upgrade", DataCollectionJob.Group))).Should().Be(TriggerState.Normal);
        var keys = await restarted.GetJobKeys(GroupMatcher<JobKey>.AnyGroup());
        keys.Should().Contain(SupervisorJob.Key).And.Contain(queued);
        foreach (var key in keys)
        {
            (await restarted.GetJobDetail(key))!.JobType.Type.Namespace.Should().Be("Analytics.Jobs", key.ToString());
        }
        await after.StopAsync();
    }

    private static IHost Build(TestDatabase database)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:Analytics"] = database.ConnectionString,
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Jobs:Store"] = "persistent",
            ["Analytics:Auth:AdminEmail"] = AnalyticsTestHost.AdminEmail,
            ["Analytics:Auth:AdminPassword"] = AnalyticsTestHost.AdminPassword,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddAnalyticsDomain();
        builder.AddAnalyticsData();
        builder.AddAnalyticsJobs();
        return builder.Build();
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteRenamedJobTypeTests : RenamedJobTypeTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresRenamedJobTypeTests : RenamedJobTypeTests;
