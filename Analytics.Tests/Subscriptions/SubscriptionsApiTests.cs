using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Exports;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Hosting;
using MimeKit;

namespace Analytics.Tests.Subscriptions;

/// <summary>The app over HTTP with its SMTP settings pointing at a <see cref="FakeSmtpServer"/> on 127.0.0.1.</summary>
public sealed class SubscriptionsWebFactory : AnalyticsWebFactory
{
    public FakeSmtpServer Smtp { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Analytics:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Analytics:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Analytics:Smtp:Tls", "None");
        builder.UseSetting("Analytics:Smtp:From", "Analytics <reports@example.com>");
        builder.UseSetting("Analytics:Smtp:MaxAttempts", "3");
        builder.UseSetting("Analytics:Smtp:RetryDelaySeconds", "0");
        builder.UseSetting("Analytics:Smtp:TimeoutSeconds", "10");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>Subscriptions end to end: created over HTTP, run, the e-mail and its attachment read back from the SMTP listener.</summary>
public sealed class SubscriptionsApiTests(SubscriptionsWebFactory factory) : IClassFixture<SubscriptionsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static object Dashboard(string name, bool barOnly = false) => new
    {
        name,
        description = "subscription test",
        refreshSeconds = 0,
        filters = new object[] { new { dimension = "time", start = "2025-06-01T00:00:00Z", end = "2025-07-01T00:00:00Z" } },
        widgets = new object[]
        {
            barOnly ? null! : new { id = "k1", type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Total spend", query = new { metrics = new[] { "spend" } } } },
            new
            {
                id = "b1", type = "bar", position = new { x = 0, y = 2, w = 6, h = 4 },
                config = new { title = "Spend by campaign", query = new { metrics = new[] { "spend" }, groupBy = new[] { "campaign" } } },
            },
        }.Where(w => w is not null).ToArray(),
    };

    private static async Task<string> CreateDashboardAsync(HttpClient client, string name, bool barOnly = false)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards", Dashboard(name, barOnly));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static object Subscription(string dashboardId, string format, params string[] recipients) => new
    {
        dashboardId,
        format,
        schedule = new { kind = "weekly", time = "08:00", days = new[] { "mon" } },
        timeZone = "Europe/Berlin",
        recipients,
    };

    private static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/subscriptions", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> RunAsync(HttpClient client, string id)
    {
        var response = await client.PostAsync($"/api/v1/subscriptions/{id}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static MimeMessage? MessageTo(FakeSmtpServer smtp, string address) =>
        smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m))).FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == address));

    [Fact]
    public async Task A_subscription_created_over_http_delivers_the_pdf_and_keeps_it_for_re_download()
    {
        var dashboardId = await CreateDashboardAsync(Admin, "Weekly spend review");
        var created = await CreateAsync(Admin, Subscription(dashboardId, "pdf", "ana@example.com", "Bo <bo@example.com>"));
        var id = created["id"]!.GetValue<string>();
        created["name"]!.GetValue<string>().Should().Be("Weekly spend review");
        created["scheduleText"]!.GetValue<string>().Should().Be("Weekly on Mon at 08:00 (Europe/Berlin)");
        var next = created["nextRunAt"]!.GetValue<DateTimeOffset>();
        TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).TimeOfDay.Should().Be(TimeSpan.FromHours(8));

        var run = await RunAsync(Admin, id);
        run["outcome"]!.GetValue<string>().Should().Be("sent", run.ToJsonString());
        run["attempts"]!.GetValue<int>().Should().Be(1);
        run["fileStored"]!.GetValue<bool>().Should().BeTrue();

        var message = MessageTo(factory.Smtp, "ana@example.com");
        message.Should().NotBeNull("the listener received the e-mail");
        message!.To.Mailboxes.Select(m => m.Address).Should().BeEquivalentTo("ana@example.com", "bo@example.com");
        message.Subject.Should().Be("Weekly spend review (PDF)");
        var attachment = message.Attachments.OfType<MimePart>().Single();
        attachment.ContentType.MimeType.Should().Be("application/pdf");
        var mailed = ExportTestFiles.PathFor($"subscription-{id}.pdf");
        await using (var file = File.Create(mailed)) await attachment.Content!.DecodeToAsync(file);
        var text = ExportTestFiles.PdfText(mailed);
        text.Should().Contain("Weekly spend review").And.Contain("Total spend").And.Contain("Spend by campaign");

        var history = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/subscriptions/{id}/runs"))!;
        history["items"]!.AsArray().Should().ContainSingle();
        history["items"]![0]!["outcome"]!.GetValue<string>().Should().Be("sent");
        var url = history["items"]![0]!["downloadUrl"]!.GetValue<string>();
        url.Should().Be($"/api/v1/exports/{run["id"]!.GetValue<string>()}/file");
        var download = await Admin.GetAsync(url);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        var again = ExportTestFiles.PathFor($"subscription-{id}-download.pdf");
        await File.WriteAllBytesAsync(again, await download.Content.ReadAsByteArrayAsync());
        ExportTestFiles.PdfText(again).Should().Be(text, "the re-download is the file that was mailed");

        var read = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/subscriptions/{id}"))!;
        read["lastRun"]!["outcome"]!.GetValue<string>().Should().Be("sent");
    }

    [Fact]
    public async Task A_csv_subscription_arrives_as_a_csv_that_round_trips()
    {
        var dashboardId = await CreateDashboardAsync(Admin, "CSV delivery", barOnly: true);
        var id = (await CreateAsync(Admin, new
        {
            dashboardId, format = "csv", schedule = new { kind = "daily", time = "06:30" }, timeZone = "America/New_York",
            recipients = new[] { "csv-reader@example.com" }, preset = "last30days",
        }))["id"]!.GetValue<string>();
        (await RunAsync(Admin, id))["outcome"]!.GetValue<string>().Should().Be("sent");

        var message = MessageTo(factory.Smtp, "csv-reader@example.com")!;
        var attachment = message.Attachments.OfType<MimePart>().Single();
        attachment.FileName.Should().EndWith(".csv");
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var csv = System.Text.Encoding.UTF8.GetString(content.ToArray()).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCountGreaterThan(1, "a header row and data rows");
        lines[0].Should().ContainEquivalentOf("spend");
        var spend = lines.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        spend.Should().OnlyContain(v => v >= 0).And.Contain(v => v > 0, "the campaigns' spend comes through as numbers");
        message.TextBody.Should().Contain("Last 30 days");
    }

    [Fact]
    public async Task A_refused_or_broken_send_is_recorded_as_failed_with_the_reason_never_as_sent()
    {
        var dashboardId = await CreateDashboardAsync(Admin, "Refused delivery");
        var id = (await CreateAsync(Admin, Subscription(dashboardId, "xlsx", "refused@example.com")))["id"]!.GetValue<string>();

        factory.Smtp.DataReplies.Enqueue("554 5.7.1 Message rejected as spam");
        var refused = await RunAsync(Admin, id);
        refused["outcome"]!.GetValue<string>().Should().Be("failed");
        refused["attempts"]!.GetValue<int>().Should().Be(1, "a permanent refusal is not retried");
        refused["error"]!.GetValue<string>().Should().Contain("554").And.Contain("rejected as spam");

        for (var i = 0; i < 3; i++) factory.Smtp.DataReplies.Enqueue(FakeSmtpServer.HangUp);
        var dropped = await RunAsync(Admin, id);
        dropped["outcome"]!.GetValue<string>().Should().Be("failed");
        dropped["attempts"]!.GetValue<int>().Should().Be(3, "a dropped connection is temporary and retried up to MaxAttempts");
        dropped["error"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();

        MessageTo(factory.Smtp, "refused@example.com").Should().BeNull();
        var history = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/subscriptions/{id}/runs"))!["items"]!.AsArray();
        history.Select(r => r!["outcome"]!.GetValue<string>()).Should().Equal("failed", "failed");
        // The file was made and is kept, even though the mail did not go.
        (await Admin.GetAsync(history[0]!["downloadUrl"]!.GetValue<string>())).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field()
    {
        var dashboardId = await CreateDashboardAsync(Admin, "Validation");
        var response = await Admin.PostAsJsonAsync("/api/v1/subscriptions", new
        {
            dashboardId = "no-such-dashboard", format = "docx", schedule = new { kind = "hourly", time = "25:00" }, timeZone = "Mars/Olympus",
            recipients = new[] { "not-an-address" }, preset = "someday", filters = new Dictionary<string, string[]> { ["campaign"] = [] },
        });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["dashboardId", "format", "schedule.kind", "schedule.time", "timeZone", "recipients", "preset", "filters.campaign"]);

        var tooMany = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com").ToArray();
        var many = await Admin.PostAsJsonAsync("/api/v1/subscriptions", Subscription(dashboardId, "pdf", tooMany));
        many.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await many.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Should().ContainKey("recipients");

        var noSchedule = await Admin.PostAsJsonAsync("/api/v1/subscriptions", new { dashboardId, format = "pdf", recipients = new[] { "a@example.com" } });
        (await noSchedule.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Should().ContainKey("schedule");

        var weekly = await Admin.PostAsJsonAsync("/api/v1/subscriptions", new
        {
            dashboardId, format = "pdf", schedule = new { kind = "weekly", time = "08:00" }, recipients = new[] { "a@example.com" },
        });
        (await weekly.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Should().ContainKey("schedule.days");
    }

    [Fact]
    public async Task Only_viewers_of_a_dashboard_can_subscribe_and_only_the_owner_or_an_admin_sees_the_subscription_and_its_files()
    {
        var hiddenDashboard = await CreateDashboardAsync(Admin, "Admin only");
        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        var (_, otherKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(viewerKey);
        using var other = factory.CreateApiClient(otherKey);

        var denied = await viewer.PostAsJsonAsync("/api/v1/subscriptions", Subscription(hiddenDashboard, "pdf", "v@example.com"));
        denied.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await denied.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Should().ContainKey("dashboardId");

        var id = (await CreateAsync(Admin, Subscription(hiddenDashboard, "csv", "owner@example.com")))["id"]!.GetValue<string>();
        var runId = (await RunAsync(Admin, id))["id"]!.GetValue<string>();
        (await other.GetAsync($"/api/v1/subscriptions/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/subscriptions/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/exports/{runId}/file")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/subscriptions/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<JsonObject>("/api/v1/subscriptions"))!["items"]!.AsArray().Should().BeEmpty();

        var update = await Admin.PutAsJsonAsync($"/api/v1/subscriptions/{id}", new
        {
            dashboardId = hiddenDashboard, format = "xlsx", schedule = new { kind = "monthly", time = "07:15", dayOfMonth = 3 },
            timeZone = "UTC", recipients = new[] { "owner@example.com" }, enabled = false,
        });
        update.StatusCode.Should().Be(HttpStatusCode.OK, await update.Content.ReadAsStringAsync());
        var updated = (await update.Content.ReadFromJsonAsync<JsonObject>())!;
        updated["format"]!.GetValue<string>().Should().Be("xlsx");
        updated["enabled"]!.GetValue<bool>().Should().BeFalse();
        updated["nextRunAt"].Should().BeNull("a disabled subscription has no next run");

        (await Admin.DeleteAsync($"/api/v1/subscriptions/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.GetAsync($"/api/v1/subscriptions/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Admin.GetAsync($"/api/v1/exports/{runId}/file")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
