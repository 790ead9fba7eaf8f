using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Alerts;
using Analytics.Data.Operational;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>
/// Alert rules end to end: HTTP API, evaluation, in-app notification, a real webhook receiver on 127.0.0.1 (allowed by
/// the test's explicit <see cref="LocalFakes"/> configuration; any other private address stays refused).
/// </summary>
public sealed class AlertTests(LocalFakesWebFactory factory) : IClassFixture<LocalFakesWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private Task EvaluateAsync() => factory.Services.GetRequiredService<AlertEvaluationService>().EvaluateAllAsync(default);

    private async Task WritePointAsync(string metric, DateTimeOffset at, double value) =>
        await factory.Services.GetRequiredService<OperationalMetricsWriter>().WriteAsync(
            [new OperationalPoint(metric, new Dictionary<string, string> { ["route"] = "/api" }, at.ToUnixTimeMilliseconds(), value)], default);

    [Fact]
    public async Task Operational_rule_fires_notifies_and_posts_the_webhook_then_resolves_once_back_past_hysteresis()
    {
        await using var hook = await FakeWebhookServer.StartAsync();
        var metric = $"test.latency.{Guid.NewGuid():N}";
        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "Slow API", metric, kind = "operational", aggregation = "max",
            condition = new { op = "gt", threshold = 100, window = "15m" }, hysteresis = 0.1,
            channels = new object[] { new { type = "inapp" }, new { type = "webhook", url = hook.Url.ToString() } },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var unreadBefore = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["unread"]!.GetValue<int>();

        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        await WritePointAsync(metric, at, 250);
        await EvaluateAsync();

        var rule = await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{id}");
        rule!["state"]!.GetValue<string>().Should().Be("firing");
        rule["lastValue"]!.GetValue<double>().Should().Be(250);
        hook.Received.Should().ContainSingle().Which.Should().Contain("\"event\":\"fired\"").And.Contain("250");
        var notifications = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/notifications");
        notifications!["unread"]!.GetValue<int>().Should().Be(unreadBefore + 1);
        notifications["items"]![0]!["title"]!.GetValue<string>().Should().Be("Alert: Slow API");

        await WritePointAsync(metric, at, 95); // inside the hysteresis band (resolves below 90): still firing
        await EvaluateAsync();
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{id}"))!["state"]!.GetValue<string>().Should().Be("firing");

        await WritePointAsync(metric, at, 20);
        await EvaluateAsync();

        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{id}"))!["state"]!.GetValue<string>().Should().Be("ok");
        var events = await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/events?ruleId={id}");
        events!["items"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("resolved", "fired");
        events["items"]!.AsArray().Should().AllSatisfy(e => e!["delivery"]!.GetValue<string>().Should().Contain("webhook: 200"));
        hook.Received.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_failing_webhook_is_recorded_as_failed_not_sent()
    {
        await using var hook = await FakeWebhookServer.StartAsync();
        hook.StatusCode = 500;
        var metric = $"test.errors.{Guid.NewGuid():N}";
        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "Errors", metric, kind = "operational", aggregation = "sum",
            condition = new { op = "gt", threshold = 0, window = "15m" },
            channels = new object[] { new { type = "webhook", url = hook.Url.ToString() } },
        });
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WritePointAsync(metric, DateTimeOffset.UtcNow.AddMinutes(-1), 3);

        await EvaluateAsync();

        var events = await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/events?ruleId={id}");
        events!["items"]![0]!["delivery"]!.GetValue<string>().Should().Contain("webhook failed: 500");
    }

    [Fact]
    public async Task A_webhook_whose_name_resolves_to_loopback_is_refused_on_delivery_with_generic_words()
    {
        await using var hook = await FakeWebhookServer.StartAsync();
        var metric = $"test.refused.{Guid.NewGuid():N}";
        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "Refused", metric, kind = "operational", aggregation = "sum",
            condition = new { op = "gt", threshold = 0, window = "15m" },
            // localhost is not the allowed 127.0.0.1: a name is judged by what it resolves to, when the request is made.
            channels = new object[] { new { type = "webhook", url = $"http://localhost:{hook.Url.Port}/hook" }, new { type = "webhook", url = hook.Url.ToString() } },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WritePointAsync(metric, DateTimeOffset.UtcNow.AddMinutes(-1), 3);

        await EvaluateAsync();

        var delivery = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/events?ruleId={id}"))!["items"]![0]!["delivery"]!.GetValue<string>();
        delivery.Should().Be("webhook failed: refused: address not allowed; webhook: 200");
        hook.Received.Should().ContainSingle("only the allowed 127.0.0.1 channel was delivered");
    }

    [Fact]
    public async Task A_webhook_that_cannot_be_reached_is_recorded_in_generic_words_not_the_exception_text()
    {
        var metric = $"test.unreachable.{Guid.NewGuid():N}";
        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "Unreachable", metric, kind = "operational", aggregation = "sum",
            condition = new { op = "gt", threshold = 0, window = "15m" },
            channels = new object[] { new { type = "webhook", url = "http://127.0.0.1:1/hook" } },
        });
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WritePointAsync(metric, DateTimeOffset.UtcNow.AddMinutes(-1), 3);

        await EvaluateAsync();

        var delivery = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/events?ruleId={id}"))!["items"]![0]!["delivery"]!.GetValue<string>();
        delivery.Should().Be("webhook failed: the webhook could not be reached", "the socket error (\"Connection refused (127.0.0.1:1)\") describes the network");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.7/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://2852039166/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("hook.example.com/no-scheme")]
    public async Task A_webhook_url_that_can_never_be_delivered_to_is_a_400_naming_the_channel(string url)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "Bad hook", metric = "roas", condition = new { op = "gt", threshold = 1, window = "1d" },
            channels = new object[] { new { type = "inapp" }, new { type = "webhook", url } },
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["channels[1].url"].Should().NotBeNull();
    }

    [Fact]
    public async Task Semantic_rule_reads_roas_over_its_window_with_the_owner_s_permissions()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "ROAS watch", metric = "roas", condition = new { op = "lt", threshold = 1000, window = "30d" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        await EvaluateAsync();

        // Independent expectation: Σsales / Σspend over the facts of the last 30 days, read straight from the table.
        var now = DateTimeOffset.UtcNow;
        var from = now.AddDays(-30).ToUnixTimeSeconds();
        var to = now.ToUnixTimeSeconds();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        var facts = await db.Facts.Where(f => f.Ts >= from && f.Ts < to && db.Datasets.Any(d => d.Id == f.DatasetId && d.Key == "ad_performance"))
            .Select(f => new { Spend = f.M3, Sales = f.M4 }).ToListAsync();
        var expected = facts.Sum(f => f.Sales ?? 0) / facts.Sum(f => f.Spend ?? 0);

        var rule = await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{id}");
        rule!["lastError"].Should().BeNull();
        rule["lastValue"]!.GetValue<double>().Should().BeApproximately(expected, expected * 0.02);
        rule["state"]!.GetValue<string>().Should().Be("firing");
    }

    [Fact]
    public async Task Bad_rules_are_400_naming_each_field_and_viewers_cannot_create_rules()
    {
        var bad = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name = "", metric = "not_a_metric", condition = new { op = "sometimes", window = "3w" },
            channels = new object[] { new { type = "webhook", url = "ftp://x" } },
        });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key).ToList();
        errors.Should().Contain(["name", "metric", "condition.op", "condition.window", "channels[0].url"]);

        var user = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"viewer-{Guid.NewGuid():N}@example.com", role = "viewer" });
        var userId = JsonNode.Parse(await user.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var key = JsonNode.Parse(await (await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "v" })).Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        var denied = await factory.CreateApiClient(key).PostAsJsonAsync("/api/v1/alerts", new { name = "x", metric = "roas", condition = new { op = "gt", threshold = 1, window = "1d" } });
        denied.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
