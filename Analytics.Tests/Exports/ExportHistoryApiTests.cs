using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Exports;
using Analytics.Domain;
using Analytics.Domain.Exports;
using Analytics.Tests.Subscriptions;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Analytics.Tests.Exports;

/// <summary>
/// The export history over HTTP: downloads and subscription deliveries recorded in one place, listed per user (admins
/// may list everyone's), re-downloaded (made again for downloads, the kept file for subscriptions), and purged by age.
/// </summary>
public sealed class ExportHistoryApiTests(SubscriptionsWebFactory factory) : IClassFixture<SubscriptionsWebFactory>
{
    private const string Demo = "demo-performance";
    private static readonly string[] AllInstances = ["demo-contoso", "demo-northwind", "demo-fabrikam"];

    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private async Task<HttpClient> NewAnalystAsync(params string[] instances)
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", instances.Length == 0 ? AllInstances : instances);
        return factory.CreateApiClient(key);
    }

    private static async Task<JsonArray> ListAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync($"/api/v1/exports{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray();
    }

    private static async Task<byte[]> DownloadAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<string> TableWidgetIdAsync(HttpClient client)
    {
        var dashboard = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{Demo}"))!;
        return dashboard["widgets"]!.AsArray().First(w => w!["type"]!.GetValue<string>() == "table")!["id"]!.GetValue<string>();
    }

    private static string S(JsonNode? node) => node!.GetValue<string>();

    [Fact]
    public async Task Downloads_are_listed_newest_first_with_format_and_the_bytes_received_and_a_csv_re_downloads_identically()
    {
        using var analyst = await NewAnalystAsync();
        var table = await TableWidgetIdAsync(analyst);
        var csv = await DownloadAsync(analyst, $"/api/v1/dashboards/{Demo}/export?format=csv&widget={table}");
        var xlsx = await DownloadAsync(analyst, $"/api/v1/dashboards/{Demo}/export?format=xlsx&layout=flow");

        var items = await ListAsync(analyst);
        items.Should().HaveCount(2);
        var (x, c) = (items[0]!, items[1]!);
        S(x["format"]).Should().Be("xlsx", "newest first");
        S(c["format"]).Should().Be("csv");
        x["sizeBytes"]!.GetValue<long>().Should().Be(xlsx.Length, "the recorded size is the bytes the client received");
        c["sizeBytes"]!.GetValue<long>().Should().Be(csv.Length);
        foreach (var item in new[] { x, c })
        {
            S(item["trigger"]).Should().Be("download");
            S(item["outcome"]).Should().Be("ok");
            S(item["dashboardId"]).Should().Be(Demo);
            S(item["dashboardName"]).Should().Be("Performance overview");
            item["canRedownload"]!.GetValue<bool>().Should().BeTrue();
            item["regenerates"]!.GetValue<bool>().Should().BeTrue();
            item["durationMs"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
            // The preset was resolved to an absolute window, which is what a re-download uses.
            S(item["parameters"]!["preset"]).Should().Be("last30days");
            (item["parameters"]!["end"]!.GetValue<DateTimeOffset>() - item["parameters"]!["start"]!.GetValue<DateTimeOffset>()).Should().Be(TimeSpan.FromDays(30));
        }
        S(c["widgetId"]).Should().Be(table);
        S(c["widgetTitle"]).Should().Be("Campaigns");
        S(c["fileName"]).Should().EndWith(".csv");
        S(c["contentType"]).Should().StartWith("text/csv");
        x["widgetId"].Should().BeNull();
        S(x["parameters"]!["layout"]).Should().Be("flow");

        var again = await analyst.GetAsync(S(c["downloadUrl"]));
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        again.Headers.GetValues("X-Export-Regenerated").Should().Equal("true");
        var csvText = System.Text.Encoding.UTF8.GetString(csv);
        csvText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCountGreaterThan(2, "a header and campaign rows");
        (await again.Content.ReadAsStringAsync()).Should().Be(csvText, "same window, filters and widget; the data did not change");
        var xlsxAgain = await DownloadAsync(analyst, S(x["downloadUrl"]));
        xlsxAgain.Take(2).Should().Equal("PK"u8.ToArray());

        var after = await ListAsync(analyst);
        after.Should().HaveCount(4, "each re-download of a download is a new download record");
        S(after[1]!["redownloadOf"]).Should().Be(S(c["id"]));
        S(after[1]!["trigger"]).Should().Be("download");
        after[1]!["sizeBytes"]!.GetValue<long>().Should().Be(csv.Length);

        (await ListAsync(analyst, "?format=csv")).Select(i => S(i!["format"])).Should().Equal("csv", "csv");
        (await ListAsync(analyst, "?dashboardId=some-other-dashboard")).Should().BeEmpty();
        var first = (await analyst.GetFromJsonAsync<JsonObject>("/api/v1/exports?limit=3"))!;
        first["items"]!.AsArray().Should().HaveCount(3);
        var next = (await analyst.GetFromJsonAsync<JsonObject>($"/api/v1/exports?limit=3&cursor={Uri.EscapeDataString(S(first["nextCursor"]))}"))!;
        next["items"]!.AsArray().Select(i => S(i!["id"])).Should().Equal(S(c["id"]));
        next["nextCursor"].Should().BeNull();

        var bad = await analyst.GetAsync("/api/v1/exports?format=docx&dashboardId=" + new string('x', 65));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("format", "dashboardId");
        (await analyst.GetAsync("/api/v1/exports?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Another_analyst_neither_sees_nor_downloads_a_record_and_an_admin_sees_it_only_with_all()
    {
        using var owner = await NewAnalystAsync();
        using var other = await NewAnalystAsync();
        await DownloadAsync(owner, $"/api/v1/dashboards/{Demo}/export?format=csv&widget={await TableWidgetIdAsync(owner)}");
        var id = S((await ListAsync(owner)).Single()!["id"]);

        (await ListAsync(other)).Should().BeEmpty();
        (await ListAsync(other, "?all=true")).Should().BeEmpty("all=true counts for admins only");
        (await other.GetAsync($"/api/v1/exports/{id}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await ListAsync(Admin)).Select(i => S(i!["id"])).Should().NotContain(id, "without all=true an admin sees their own");
        var everyone = await ListAsync(Admin, "?all=true&limit=500");
        everyone.Select(i => S(i!["id"])).Should().Contain(id);
        S(everyone.First(i => S(i!["id"]) == id)!["userName"]).Should().NotBeNullOrWhiteSpace();
        (await Admin.GetAsync($"/api/v1/exports/{id}/download")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_re_download_of_a_dashboard_no_longer_shared_is_a_404_though_the_record_stays()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Shared then not", description = "", refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", start = "2025-06-01T00:00:00Z", end = "2025-07-01T00:00:00Z" } },
            widgets = new object[]
            {
                new { id = "b1", type = "bar", position = new { x = 0, y = 0, w = 6, h = 4 }, config = new { title = "Spend by campaign", query = new { metrics = new[] { "spend" }, groupBy = new[] { "campaign" } } } },
            },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var dashboardId = S((await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
        var (analystId, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(key);
        var share = await Admin.PostAsJsonAsync($"/api/v1/dashboards/{dashboardId}/shares", new { userId = analystId, permission = "view" });
        share.StatusCode.Should().Be(HttpStatusCode.OK);
        var shareId = S((await share.Content.ReadFromJsonAsync<JsonObject>())!["shares"]!.AsArray().Single(s => S(s!["principalId"]) == analystId)!["id"]);

        await DownloadAsync(analyst, $"/api/v1/dashboards/{dashboardId}/export?format=csv");
        var record = (await ListAsync(analyst)).Single()!;
        S(record["parameters"]!["start"]).Should().StartWith("2025-06-01");
        (await analyst.GetAsync(S(record["downloadUrl"]))).StatusCode.Should().Be(HttpStatusCode.OK, "still shared");

        (await Admin.DeleteAsync($"/api/v1/dashboards/{dashboardId}/shares/{shareId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var denied = await analyst.GetAsync(S(record["downloadUrl"]));
        denied.StatusCode.Should().Be(HttpStatusCode.NotFound);
        denied.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await ListAsync(analyst)).Select(i => S(i!["id"])).Should().Contain(S(record["id"]), "the history keeps what happened");
    }

    [Fact]
    public async Task A_failed_export_is_recorded_with_its_error_and_the_caller_still_gets_it_but_a_bad_format_is_not_recorded()
    {
        using var analyst = await NewAnalystAsync();
        var missing = await analyst.GetAsync($"/api/v1/dashboards/{Demo}/export?format=pdf&widget=no-such-widget");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound, "the export's own error reaches the caller");

        var failed = (await ListAsync(analyst)).Single()!;
        S(failed["outcome"]).Should().Be("failed");
        S(failed["error"]).Should().Contain("no-such-widget");
        S(failed["format"]).Should().Be("pdf");
        failed["canRedownload"]!.GetValue<bool>().Should().BeFalse();
        failed["downloadUrl"].Should().BeNull();
        failed["sizeBytes"].Should().BeNull();
        (await analyst.GetAsync($"/api/v1/exports/{S(failed["id"])}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await analyst.GetAsync($"/api/v1/dashboards/{Demo}/export?format=docx")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await analyst.GetAsync("/api/v1/dashboards/no-such-dashboard/export?format=csv")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ListAsync(analyst)).Should().HaveCount(1, "refusals before any work are not exports");
    }

    [Fact]
    public async Task A_subscription_delivery_is_listed_as_such_and_re_downloads_the_mailed_attachment()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", AllInstances);
        using var analyst = factory.CreateApiClient(key);
        var subscription = await analyst.PostAsJsonAsync("/api/v1/subscriptions", new
        {
            dashboardId = Demo, format = "xlsx", name = "Monday numbers", schedule = new { kind = "weekly", time = "08:00", days = new[] { "mon" } },
            timeZone = "UTC", recipients = new[] { "history-reader@example.com" },
        });
        subscription.StatusCode.Should().Be(HttpStatusCode.Created, await subscription.Content.ReadAsStringAsync());
        var subscriptionId = S((await subscription.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
        var run = (await (await analyst.PostAsync($"/api/v1/subscriptions/{subscriptionId}/run", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        S(run["outcome"]).Should().Be("sent", run.ToJsonString());

        var record = (await ListAsync(analyst)).Single()!;
        S(record["trigger"]).Should().Be("subscription");
        S(record["subscriptionRunId"]).Should().Be(S(run["id"]));
        S(record["subscriptionId"]).Should().Be(subscriptionId);
        S(record["subscriptionName"]).Should().Be("Monday numbers");
        S(record["format"]).Should().Be("xlsx");
        record["regenerates"]!.GetValue<bool>().Should().BeFalse();

        var message = factory.Smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m)))
            .Single(m => m.To.Mailboxes.Any(b => b.Address == "history-reader@example.com"));
        using var attachment = new MemoryStream();
        await message.Attachments.OfType<MimePart>().Single().Content!.DecodeToAsync(attachment);
        record["sizeBytes"]!.GetValue<long>().Should().Be(attachment.Length);

        var again = await analyst.GetAsync(S(record["downloadUrl"]));
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        again.Headers.Contains("X-Export-Regenerated").Should().BeFalse("a subscription's file is the one that was mailed");
        (await again.Content.ReadAsByteArrayAsync()).Should().Equal(attachment.ToArray());
        (await ListAsync(analyst)).Should().HaveCount(1, "serving a kept file makes no new export");
    }

    [Fact]
    public async Task Records_older_than_HistoryDays_are_purged_by_the_retention_job_s_service_and_the_job_is_scheduled()
    {
        var services = factory.Services;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        ExportRecord Record(string id, int daysOld) => new()
        {
            Id = id, UserId = "purge-test", DashboardId = Demo, DashboardName = "Performance overview", Format = "csv",
            CreatedAt = now.AddDays(-daysOld), Parameters = new ExportParameters { Format = "csv" },
        };
        var old = Ids.New();
        var recent = Ids.New();
        var contexts = services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.ExportRecords.AddRange(Record(old, 91), Record(recent, 89));
            await db.SaveChangesAsync();
        }

        (await services.GetRequiredService<ExportHistoryService>().PurgeExpiredAsync(default)).Should().BeGreaterThanOrEqualTo(1);

        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.ExportRecords.Where(r => r.UserId == "purge-test").Select(r => r.Id).ToListAsync()).Should().Equal(recent);
        }
        var jobs = (await Admin.GetFromJsonAsync<JsonNode>("/api/v1/jobs"))!;
        var list = jobs is JsonArray array ? array : jobs["items"]!.AsArray();
        list.Select(j => S(j!["key"])).Should().Contain(k => k.Contains("export-history-retention"));
    }
}
