using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Sources;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>
/// A backfill survives a real kill -9 of the app process: started again, it finishes with every segment's rows present
/// exactly once, and no AMC execution was submitted twice for a window.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_backfill_killed_mid_run_resumes_after_restart_without_loss_or_duplicates()
    {
        await using var amc = await FakeAmcServer.StartAsync();
        amc.PollsToFinish = 4;
        amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n"];
        var directory = Directory.CreateTempSubdirectory("analytics-crash-");
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite,
            settings: LocalFakes.With(new Dictionary<string, string?> { ["Analytics:DataDirectory"] = directory.FullName }));
        await host.InitializeAsync();
        var sourceId = "amc-crash";
        await using (var db = await host.DbAsync())
        {
            var s = amc.Settings;
            var settings = new JsonObject
            {
                ["baseUrl"] = s.BaseUrl, ["instanceId"] = s.InstanceId, ["advertiserId"] = s.AdvertiserId,
                ["marketplaceId"] = s.MarketplaceId, ["clientId"] = s.ClientId, ["accessToken"] = s.AccessToken,
            };
            db.Sources.Add(new DataSource
            {
                Id = sourceId, Name = "AMC", Kind = SourceKind.Amc, OwnerId = "system", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                SettingsJson = host.Services.GetRequiredService<SourceSecrets>().Protect(SourceKind.Amc, settings).ToJsonString(),
            });
            await db.SaveChangesAsync();
        }
        var app = new Dictionary<string, string>
        {
            ["Analytics:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Analytics"] = host.ConnectionString,
            ["Analytics:DataDirectory"] = directory.FullName,
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Amc:PollInterval"] = "00:00:00.100",
            ["Analytics:Amc:BaseDelay"] = "00:00:00.020",
            ["Analytics:Collections:HeartbeatSeconds"] = "0.3",
            ["Analytics:Collections:StaleAfterSeconds"] = "2",
            ["Analytics:Collections:SubmissionsPerMinute"] = "6000",
            ["Analytics:Jobs:SupervisorIntervalSeconds"] = "1",
        };
        foreach (var (key, value) in LocalFakes.Settings) app[key] = value!;

        const int weeks = 20;
        string collectionId;
        int datasetId;
        var first = await AppProcess.StartAsync(app);
        try
        {
            using var client = first.CreateClient();
            var report = await client.PostAsJsonAsync("/api/v1/reports", new { name = "AMC weekly", templateId = "tpl-amc-campaign-performance", sourceId });
            report.StatusCode.Should().Be(HttpStatusCode.Created, await report.Content.ReadAsStringAsync());
            var reportNode = JsonNode.Parse(await report.Content.ReadAsStringAsync())!;
            datasetId = reportNode["datasetId"]!.GetValue<int>();
            var created = await client.PostAsJsonAsync("/api/v1/data-collections", new { reportId = reportNode["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * weeks), granularity = "week", maxConcurrency = 3 });
            created.StatusCode.Should().Be(HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
            collectionId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

            // Kill it once some segments are done and others are in flight at AMC.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var c = JsonNode.Parse(await client.GetStringAsync($"/api/v1/data-collections/{collectionId}"))!;
                if (c["succeededSegments"]!.GetValue<int>() >= 4 && c["runningSegments"]!.GetValue<int>() > 0) break;
                DateTime.UtcNow.Should().BeBefore(deadline, $"the backfill should progress: {c.ToJsonString()}\n{first.Output}");
                await Task.Delay(50);
            }
        }
        finally
        {
            await first.KillAsync();
        }
        var submittedBeforeRestart = amc.RequestsTo("POST", "/workflowExecutions").Count;
        submittedBeforeRestart.Should().BeLessThan(weeks, "the kill came mid-run");

        await using var second = await AppProcess.StartAsync(app);
        using (var client = second.CreateClient())
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            JsonNode done;
            while (true)
            {
                done = JsonNode.Parse(await client.GetStringAsync($"/api/v1/data-collections/{collectionId}"))!;
                if (done["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") break;
                DateTime.UtcNow.Should().BeBefore(deadline, $"the backfill should resume and finish: {done.ToJsonString()}\n{second.Output}");
                await Task.Delay(100);
            }
            done["status"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
            done["segments"]!.AsArray().Should().OnlyContain(s => s!["rowCount"]!.GetValue<long>() == 2);
        }

        await using (var db = await host.DbAsync())
        {
            (await db.Facts.CountAsync(f => f.DatasetId == datasetId)).Should().Be(weeks * 2, "every week's two rows, exactly once");
        }
        var submissions = amc.RequestsTo("POST", "/workflowExecutions");
        submissions.Select(r => JsonNode.Parse(r.Body)!["timeWindowStart"]!.GetValue<string>()).Should().OnlyHaveUniqueItems(
            "a segment in flight at the kill is picked up at AMC, not submitted again");
        submissions.Should().HaveCount(weeks);
        directory.Delete(recursive: true);
    }
}
