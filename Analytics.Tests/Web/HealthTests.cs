using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Analytics.Tests.Web;

/// <summary>/healthz/live against /healthz/ready when the database goes away under a running app.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task When_the_database_is_unreachable_live_stays_200_and_ready_and_healthz_turn_503()
    {
        using var factory = new AnalyticsWebFactory();
        using var client = factory.CreateClient();
        (await client.GetAsync("/healthz/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The database file goes away (a lost volume) and a directory takes its place, so nothing can open or recreate it.
        var database = Path.Combine(factory.DataDirectory, "analytics.db");
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
        Directory.CreateDirectory(database);

        var ready = await client.GetAsync("/healthz/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        body["checks"]!["database"]!["status"]!.GetValue<string>().Should().Be("unhealthy");
        (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        var live = await client.GetAsync("/healthz/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await live.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().Should().Be("healthy");
    }
}
