using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Insights;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Insights;

/// <summary>The app as a fresh install with the demo workspace's first-run history scan on (the product's default).</summary>
public sealed class FirstRunWebFactory(DirectoryInfo directory) : AnalyticsWebFactory(directory, ownsDirectory: false)
{
    protected override bool ScanDemoHistory => true;

    /// <summary>Waits for this start's background scan; its result (zeros when nothing was left to scan).</summary>
    public async Task<InsightRunResult> HistoryScanAsync()
    {
        var result = await Services.GetRequiredService<DemoHistoryScanHost>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
        result.Should().NotBeNull("the scan ran and did not fail (see the app's log)");
        return result!;
    }
}

/// <summary>First run shows insights: a fresh install's feed already lists what the demo history holds, once.</summary>
public sealed class FirstRunInsightsTests
{
    private static async Task<List<JsonObject>> AllInsightsAsync(HttpClient client)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/insights?limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))!;
            all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return all;
    }

    [Fact]
    public async Task A_fresh_install_lists_the_demo_historys_anomalies_trends_and_summaries_without_announcing_them_and_a_restart_adds_none()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-first-run-");
        try
        {
            List<JsonObject> first;
            using (var app = new FirstRunWebFactory(directory))
            {
                using var admin = app.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
                var scanned = await app.HistoryScanAsync();
                scanned.Created.Should().BeGreaterThan(0);
                first = await AllInsightsAsync(admin);

                var anomalies = first.Where(i => i["type"]!.GetValue<string>() == "anomaly").ToList();
                anomalies.Should().NotBeEmpty("the demo generator injects anomalies into the history");
                // The injected anomalies are among them: the same instance, campaign and day.
                var factory = app.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
                await using (var db = await factory.CreateDbContextAsync())
                {
                    var injected = (await db.SeededAnomalies.AsNoTracking().ToListAsync())
                        .Select(a => (a.SourceId, a.Campaign, Day: DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(a.Ts).UtcDateTime))).ToHashSet();
                    var found = anomalies.Select(a => (a["sourceId"]!.GetValue<string>(), a["segment"]!.GetValue<string>(), DateOnly.Parse(a["periodStart"]!.GetValue<string>())))
                        .Count(injected.Contains);
                    found.Should().BeGreaterThanOrEqualTo(injected.Count / 2, $"most of the {injected.Count} injected anomalies are found");
                    (await db.InsightDeliveries.CountAsync()).Should().Be(0, "history found on a first run is not news: no bell, no e-mail");
                }
                first.Where(i => i["type"]!.GetValue<string>() == "summary" && i["dashboardId"] is null).Select(i => i["sourceId"]!.GetValue<string>())
                    .Should().BeEquivalentTo(["demo-contoso", "demo-fabrikam", "demo-northwind"], "each instance has its last week's summary");
                first.Should().Contain(i => i["type"]!.GetValue<string>() == "summary" && i["dashboardId"] != null, "the demo dashboard has its summary");
                first.Should().Contain(i => i["type"]!.GetValue<string>() == "trend", "the demo campaigns carry trends");
            }

            using (var restarted = new FirstRunWebFactory(directory))
            {
                using var admin = restarted.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
                var again = await restarted.HistoryScanAsync();
                again.Should().Be(new InsightRunResult(0, 0, 0), "the history was scanned once; a restart does not scan it again");
                var second = await AllInsightsAsync(admin);
                second.Select(i => i["id"]!.GetValue<string>()).Should().BeEquivalentTo(first.Select(i => i["id"]!.GetValue<string>()), "a restart adds and replaces nothing");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
