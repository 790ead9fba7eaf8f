using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Tests.Reports;

/// <summary>Two app processes on one PostgreSQL database form a Quartz cluster: every trigger firing runs on one of them, once.</summary>
public sealed class ClusterTests
{
    [PostgresFact]
    public async Task Two_processes_on_one_postgres_database_run_each_trigger_firing_once()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Postgres);
        await host.InitializeAsync();
        var directory = Directory.CreateTempSubdirectory("analytics-cluster-");
        var settings = new Dictionary<string, string>
        {
            ["Analytics:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Analytics"] = host.ConnectionString,
            ["Analytics:DataDirectory"] = directory.FullName,
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Jobs:SupervisorIntervalSeconds"] = "1",
        };
        await using var a = await AppProcess.StartAsync(settings);
        await using var b = await AppProcess.StartAsync(settings);

        using var client = a.CreateClient();
        var started = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(15));
        var runs = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/system.supervisor/history?limit=500{(cursor is null ? "" : $"&cursor={cursor}")}");
            runs.AddRange(page!["items"]!.AsArray().Select(i => i!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        var fired = runs.Select(r => DateTimeOffset.Parse(r["firedAt"]!.GetValue<string>())).Where(t => t >= started).OrderBy(t => t).ToList();
        // Both processes checked in as members of one cluster (which of them takes a firing is Quartz's choice).
        await using (var db = await host.DbAsync())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(DISTINCT instance_name) FROM qrtz_scheduler_state";
            Convert.ToInt32(await command.ExecuteScalarAsync()).Should().Be(2, $"two cluster nodes\n{a.Output}\n{b.Output}");
        }

        fired.Count.Should().BeInRange(10, 17, "one run per second of the 15 — not one per second per process");
        fired.Zip(fired.Skip(1), (x, y) => y - x).Should().OnlyContain(gap => gap > TimeSpan.FromMilliseconds(400),
            "a firing run twice would show as two runs a few milliseconds apart");
        directory.Delete(recursive: true);
    }
}
