using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Web;

namespace Analytics.Tests.Insights;

/// <summary>The insight jobs and the feed over HTTP: the whole app on a seeded SQLite file.</summary>
public sealed class InsightsApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private async Task RunJobAsync(string key)
    {
        (await Admin.PostAsync($"/api/v1/jobs/{key}/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonArray history;
        do
        {
            await Task.Delay(200);
            history = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{key}/history"))!["items"]!.AsArray();
        }
        while (history.Count == 0 && DateTime.UtcNow < deadline);
        history.Should().NotBeEmpty($"{key} should have run");
        history[0]!["outcome"]!.GetValue<string>().Should().Be("succeeded", history[0]!.ToJsonString());
    }

    [Fact]
    public async Task Jobs_fill_the_feed_which_pages_filters_and_keeps_marks_per_user()
    {
        await RunJobAsync("insights.insights-weekly-summary");
        await RunJobAsync("insights.insights-daily-scan");

        var summaries = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!;
        summaries["items"]!.AsArray().Should().HaveCount(3);
        summaries["nextCursor"].Should().BeNull();
        summaries["items"]![0]!["text"]!.GetValue<string>().Should().Contain("week over week").And.Contain("ROAS");
        summaries["items"]![0]!["chart"]!["metrics"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("spend", "sales", "roas");

        var first = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary&limit=2"))!;
        first["items"]!.AsArray().Should().HaveCount(2);
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/insights?type=summary&limit=2&cursor={Uri.EscapeDataString(cursor)}"))!;
        second["items"]!.AsArray().Should().ContainSingle();
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/insights?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}"))!["items"]!.AsArray().Should().BeEmpty();

        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(key);
        var seen = (await viewer.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!["items"]!.AsArray();
        var mine = seen.Should().ContainSingle().Subject!;
        mine["sourceId"]!.GetValue<string>().Should().Be("demo-contoso");
        var other = summaries["items"]!.AsArray().First(i => i!["sourceId"]!.GetValue<string>() != "demo-contoso")!["id"]!.GetValue<string>();
        (await viewer.PostAsync($"/api/v1/insights/{other}/read", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var id = mine["id"]!.GetValue<string>();
        var pinned = await viewer.PostAsync($"/api/v1/insights/{id}/pin", null);
        pinned.StatusCode.Should().Be(HttpStatusCode.OK);
        (await pinned.Content.ReadFromJsonAsync<JsonObject>())!["pinned"]!.GetValue<bool>().Should().BeTrue();
        (await viewer.PostAsync($"/api/v1/insights/{id}/dismiss", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!["items"]!.AsArray().Should().BeEmpty();
        (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!["items"]!.AsArray().Should().HaveCount(3, "dismissing is the viewer's own");

        (await Admin.GetAsync("/api/v1/insights?type=forecast")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Admin.PostAsync($"/api/v1/insights/{id}/archive", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
