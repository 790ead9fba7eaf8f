using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sources;

/// <summary>
/// SQLite's heap limit is process-wide, so it is tested in a process of its own (<see cref="AppProcess"/>): with a 64 MB
/// limit, a template that asks SQLite for a 90 MB value (under the 100 MB value limit) fails with a clear error, and the
/// app keeps answering.
/// </summary>
public sealed class SqliteHeapLimitTests
{
    [Fact]
    public async Task A_template_past_the_heap_limit_fails_with_a_clear_error_and_the_process_lives_on()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-heap-");
        try
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["Analytics:Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Analytics"] = $"Data Source={Path.Combine(directory.FullName, "analytics.db")}",
                ["Analytics:DataDirectory"] = directory.FullName,
                ["Analytics:Database:SeedDemo"] = "false",
                ["Analytics:Sources:SqliteHeapLimitMegabytes"] = "64",
            });
            using var client = app.CreateClient();
            var source = await PostAsync(client, "/api/v1/sources", new
            {
                name = "Uploads", kind = "csv",
                settings = new { timeColumn = "day", dimensions = new[] { "campaign" }, measures = new object[] { new { name = "clicks", aggregation = "sum" }, new { name = "spend", aggregation = "sum" } } },
            });

            async Task<JsonNode> RunAsync(string sql)
            {
                var template = await PostAsync(client, "/api/v1/templates", new
                {
                    name = $"Heap {Guid.NewGuid():N}", category = "Tests", reportType = "performance", sql, sourceKinds = new[] { "csv" }, parameters = Array.Empty<object>(),
                    reportConfig = new { timeColumn = "date", dimensions = new[] { "campaign" }, measures = new object[] { new { name = "clicks", aggregation = "sum" }, new { name = "spend", aggregation = "sum" } } },
                });
                var report = await PostAsync(client, "/api/v1/reports", new { name = $"Heap {Guid.NewGuid():N}", templateId = template["id"]!.GetValue<string>(), sourceId = source["id"]!.GetValue<string>() });
                var started = await PostAsync(client, $"/api/v1/reports/{report["id"]!.GetValue<string>()}/executions",
                    new { timeWindowStart = "2025-03-01T00:00:00Z", timeWindowEnd = "2025-03-02T00:00:00Z" }, HttpStatusCode.Accepted);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    var execution = JsonNode.Parse(await client.GetStringAsync($"/api/v1/executions/{started["executionId"]!.GetValue<string>()}"))!;
                    if (execution["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return execution;
                    DateTime.UtcNow.Should().BeBefore(deadline, $"the execution should end: {execution.ToJsonString()}\n{app.Output}");
                    await Task.Delay(100);
                }
            }

            var big = await RunAsync("SELECT '2025-03-01' AS date, 'x' AS campaign, length(randomblob(90000000)) AS clicks, 0 AS spend");
            big["status"]!.GetValue<string>().Should().Be("failed", big.ToJsonString());
            big["error"]!.GetValue<string>().Should().Contain("more memory than SQLite may use").And.Contain("SqliteHeapLimitMegabytes");

            var small = await RunAsync("SELECT '2025-03-01' AS date, 'x' AS campaign, length(randomblob(1000)) AS clicks, 0 AS spend");
            small["status"]!.GetValue<string>().Should().Be("succeeded", $"the process lives on: {small.ToJsonString()}\n{app.Output}");
            app.HasExited.Should().BeFalse();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
