using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Analytics.Tests.Web;

/// <summary>/healthz/live against /healthz/ready when the database goes away under a running app, and comes back.</summary>
public sealed class HealthTests
{
    /// <summary>Quartz in memory: its store would otherwise be the database this test takes away.</summary>
    private sealed class MemoryJobsFactory : AnalyticsWebFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Analytics:Jobs:Store", "memory");
        }
    }

    [Fact]
    public async Task When_the_database_is_unreachable_live_stays_200_and_ready_and_healthz_turn_503_until_it_is_back()
    {
        using var factory = new MemoryJobsFactory();
        using var client = factory.CreateClient();
        (await client.GetAsync("/healthz/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The database file goes away (a lost volume) and a directory takes its place, so nothing can open or recreate it.
        var database = Path.Combine(factory.DataDirectory, "analytics.db");
        SqliteConnection.ClearAllPools(); // closing the last connection checkpoints and removes -wal and -shm
        var files = new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists).ToList();
        foreach (var file in files) File.Move(file, file + ".away");
        Directory.CreateDirectory(database);
        try
        {
            var ready = await client.GetAsync("/healthz/ready");
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
            body["checks"]!["database"]!["status"]!.GetValue<string>().Should().Be("unhealthy");
            (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

            var live = await client.GetAsync("/healthz/live");
            live.StatusCode.Should().Be(HttpStatusCode.OK);
            JsonNode.Parse(await live.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().Should().Be("healthy");
        }
        finally
        {
            Directory.Delete(database);
            foreach (var file in files) File.Move(file + ".away", file);
        }
        // Back: ready again without a restart.
        (await client.GetAsync("/healthz/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
