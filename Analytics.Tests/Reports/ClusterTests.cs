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

/// <summary>
/// Two app processes on one PostgreSQL database, one instance at the fake AMC: one runs a 52-week backfill, the other a
/// stream of ad-hoc runs of another report on the same instance — each process alone would put 20 executions in flight.
/// The fake's own count shows at most 10 running at AMC at any moment, the submissions keep one pace across both, and
/// every window's rows land exactly once.
/// </summary>
public sealed class AmcClusterLimitTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [PostgresFact]
    public async Task Two_processes_keep_at_most_ten_executions_running_per_instance_and_one_submission_pace_during_a_52_week_backfill()
    {
        const double perSecond = 10;
        const int burst = 5;
        const int adHoc = 30;
        await using var amc = await FakeAmcServer.StartAsync();
        // Each execution runs about 25 polls × 50 ms: at 10 submissions a second that is more than 10 wanting to run at once,
        // so the limit of 10 is really pressed (with short executions the peak would depend on timing).
        amc.PollsToFinish = 25;
        amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n"];
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Postgres);
        await host.InitializeAsync();
        var directory = Directory.CreateTempSubdirectory("analytics-cluster-amc-");
        var settings = new Dictionary<string, string>
        {
            ["Analytics:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Analytics"] = host.ConnectionString,
            ["Analytics:DataDirectory"] = directory.FullName, // one key ring: either process reads the source's token
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Amc:PollInterval"] = "00:00:00.050",
            ["Analytics:Amc:BaseDelay"] = "00:00:00.020",
            ["Analytics:Collections:SubmissionsPerMinute"] = (perSecond * 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Collections:Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Collections:MaxSegmentsPerInstance"] = "20",
            ["Analytics:Collections:HeartbeatSeconds"] = "0.3",
            ["Analytics:Reports:Workers"] = "20",
            ["Analytics:Reports:MaxActivePerUser"] = "200",
            ["Analytics:Reports:MaxActivePerInstance"] = "200",
            ["Analytics:Jobs:SupervisorIntervalSeconds"] = "1",
            ["Analytics:Jobs:ClusterCheckinSeconds"] = "1",
        };
        foreach (var (key, value) in LocalFakes.Settings) settings[key] = value!;
        await using var a = await AppProcess.StartAsync(settings);
        await using var b = await AppProcess.StartAsync(settings);
        using var clientA = a.CreateClient();
        var s = amc.Settings;
        var source = await clientA.PostAsJsonAsync("/api/v1/sources", new
        {
            name = "AMC", kind = "amc",
            settings = new { baseUrl = s.BaseUrl, instanceId = s.InstanceId, advertiserId = s.AdvertiserId, marketplaceId = s.MarketplaceId, clientId = s.ClientId, accessToken = s.AccessToken },
        });
        var sourceId = JsonNode.Parse(await source.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        async Task<JsonNode> ReportAsync(string name) =>
            JsonNode.Parse(await (await clientA.PostAsJsonAsync("/api/v1/reports", new { name, templateId = "tpl-amc-campaign-performance", sourceId })).Content.ReadAsStringAsync())!;
        var backfillReport = await ReportAsync("Backfill");
        var adHocReport = await ReportAsync("Ad hoc");

        var created = await clientA.PostAsJsonAsync("/api/v1/data-collections", new
        {
            reportId = backfillReport["id"]!.GetValue<string>(), start = Start, end = Start.AddDays(7 * 52), granularity = "week", maxConcurrency = 20,
        });
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        var collectionId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        // The ad-hoc runs go to the process that does not run the backfill (a run is queued where it was requested).
        string? runner = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (runner is null)
        {
            await using (var db = await host.DbAsync())
                runner = await db.DataCollections.Where(c => c.Id == collectionId).Select(c => c.RunnerId).SingleAsync();
            DateTime.UtcNow.Should().BeBefore(deadline, "a process should claim the backfill");
            await Task.Delay(50);
        }
        var other = runner.Contains($"/{a.ProcessId}/", StringComparison.Ordinal) ? b : a;
        using var otherClient = other.CreateClient();
        var adHocIds = new List<string>();
        for (var i = 0; i < adHoc; i++)
        {
            var window = Start.AddDays(-7 * (i + 1)); // 2023's weeks: no window shared with the backfill
            var started = await otherClient.PostAsJsonAsync($"/api/v1/reports/{adHocReport["id"]!.GetValue<string>()}/executions", new { timeWindowStart = window, timeWindowEnd = window.AddDays(7) });
            started.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
            adHocIds.Add(JsonNode.Parse(await started.Content.ReadAsStringAsync())!["executionId"]!.GetValue<string>());
        }

        deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using var db = await host.DbAsync();
            var collectionDone = await db.DataCollections.AnyAsync(c => c.Id == collectionId && c.Status != Analytics.Domain.Collections.CollectionStatus.Running && c.Status != Analytics.Domain.Collections.CollectionStatus.Pending);
            var adHocDone = await db.Executions.CountAsync(e => adHocIds.Contains(e.Id) && e.Status != Analytics.Domain.Reports.ExecutionStatus.Pending && e.Status != Analytics.Domain.Reports.ExecutionStatus.Running);
            if (collectionDone && adHocDone == adHoc) break;
            DateTime.UtcNow.Should().BeBefore(deadline, $"both should finish (peak so far {amc.PeakRunning})\n{a.Output}\n{b.Output}");
            await Task.Delay(200);
        }

        amc.PeakRunning.Should().BeLessThanOrEqualTo(10, "AMC runs at most 10 executions per instance, counted across both processes")
            .And.BeGreaterThanOrEqualTo(8, "the limit was pressed, not idle");
        await using (var db = await host.DbAsync())
        {
            (await db.DataCollections.SingleAsync(c => c.Id == collectionId)).Status.Should().Be(Analytics.Domain.Collections.CollectionStatus.Succeeded);
            (await db.Executions.CountAsync(e => adHocIds.Contains(e.Id) && e.Status == Analytics.Domain.Reports.ExecutionStatus.Succeeded)).Should().Be(adHoc);
            (await db.Facts.CountAsync(f => f.DatasetId == backfillReport["datasetId"]!.GetValue<int>())).Should().Be(52 * 2, "every backfill week's rows once");
            (await db.Facts.CountAsync(f => f.DatasetId == adHocReport["datasetId"]!.GetValue<int>())).Should().Be(adHoc * 2);
            var runners = await db.Executions.Where(e => e.RunnerId != null).Select(e => e.RunnerId!).Distinct().ToListAsync();
            runners.Select(r => r.Split('/')[1]).Distinct().Should().HaveCount(2, "both processes ran executions");
        }
        amc.CreatedPerWindow.Should().HaveCount(52 + adHoc).And.OnlyContain(w => w.Value == 1, "no window ran twice at AMC");

        // The pace, as AMC sees it: over any second or more, no more submissions than the burst plus what the rate refills.
        // The gate meters grants; the fake meters arrivals, which trail the grant by a varying send time (two processes, the
        // database and this test on two cores): each end of a window may move by up to 150 ms, so the window is widened by
        // 0.3 s. Gates per process (not shared) would let through twice the rate and fail this by far (30 in a second).
        var times = amc.RequestsTo("POST", "/workflowExecutions").Select(r => r.At).Order().ToList();
        for (var i = 0; i < times.Count; i++)
            for (var j = i + 1; j < times.Count; j++)
            {
                var span = (times[j] - times[i]).TotalSeconds;
                if (span < 1) continue;
                (j - i + 1).Should().BeLessThanOrEqualTo((int)Math.Floor(burst + perSecond * (span + 0.3)), $"submissions {i}..{j} came {span:0.000} s apart");
            }
        directory.Delete(recursive: true);
    }
}
