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
        summaries["items"]!.AsArray().Should().HaveCount(4, "one per instance and one for the demo dashboard");
        summaries["nextCursor"].Should().BeNull();
        var instanceSummary = summaries["items"]!.AsArray().First(i => i!["dashboardId"] is null)!;
        instanceSummary["text"]!.GetValue<string>().Should().Contain("week over week").And.Contain("ROAS");
        instanceSummary["chart"]!["metrics"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("spend", "sales", "roas");
        var dashboardSummary = summaries["items"]!.AsArray().Single(i => i!["dashboardId"] is not null)!;
        dashboardSummary["dashboardId"]!.GetValue<string>().Should().Be("demo-performance");
        dashboardSummary["text"]!.GetValue<string>().Should().Contain("ACOS").And.Contain("driven by campaign");

        var first = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary&limit=2"))!;
        first["items"]!.AsArray().Should().HaveCount(2);
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/insights?type=summary&limit=2&cursor={Uri.EscapeDataString(cursor)}"))!;
        second["items"]!.AsArray().Should().HaveCount(2);
        second["nextCursor"].Should().BeNull();
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
        (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!["items"]!.AsArray().Should().HaveCount(4, "dismissing is the viewer's own");

        (await Admin.GetAsync("/api/v1/insights?type=prophecy")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Admin.PostAsync($"/api/v1/insights/{id}/archive", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_insight_shared_with_a_colleague_who_may_read_it_rings_their_bell_and_one_who_may_not_is_refused_by_name()
    {
        await RunJobAsync("insights.insights-weekly-summary");
        var summaries = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=summary"))!["items"]!.AsArray();
        var contoso = summaries.First(i => i!["sourceId"]!.GetValue<string>() == "demo-contoso" && i["dashboardId"] is null)!;
        var id = contoso["id"]!.GetValue<string>();
        var (readerId, readerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        var (outsiderId, outsiderKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-northwind"]);
        using var reader = factory.CreateApiClient(readerKey);
        using var outsider = factory.CreateApiClient(outsiderKey);

        var refused = await Admin.PostAsJsonAsync($"/api/v1/insights/{id}/share", new { userIds = new[] { readerId, outsiderId }, note = "Look" });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["userIds"]!.AsArray().Single()!.GetValue<string>();
        problem.Should().Contain("may not read");
        (await reader.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray().Should().NotContain(n => n!["category"]!.GetValue<string>() == "share", "a refused share tells nobody");

        var shared = await Admin.PostAsJsonAsync($"/api/v1/insights/{id}/share", new { userIds = new[] { readerId }, note = "Worth a look before Monday" });
        shared.StatusCode.Should().Be(HttpStatusCode.Accepted, await shared.Content.ReadAsStringAsync());
        (await shared.Content.ReadFromJsonAsync<JsonObject>())!["notified"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(readerId);
        var notice = (await reader.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray().Single(n => n!["category"]!.GetValue<string>() == "share")!;
        notice["title"]!.GetValue<string>().Should().Contain("shared an insight").And.Contain(contoso["title"]!.GetValue<string>());
        notice["body"]!.GetValue<string>().Should().Be("Worth a look before Monday");
        notice["link"]!.GetValue<string>().Should().Be($"/insights?id={id}");
        (await reader.GetAsync($"/api/v1/insights/{id}")).StatusCode.Should().Be(HttpStatusCode.OK, "the link opens it for them");
        (await outsider.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray().Should().BeEmpty();

        (await outsider.PostAsJsonAsync($"/api/v1/insights/{id}/share", new { userIds = new[] { readerId } })).StatusCode.Should().Be(HttpStatusCode.NotFound, "nobody shares what they cannot see");
        var empty = await Admin.PostAsJsonAsync($"/api/v1/insights/{id}/share", new { userIds = Array.Empty<string>() });
        empty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).Should().Contain("userIds");
    }

    [Fact]
    public async Task Notification_preferences_per_channel_are_read_and_written_over_http_and_bad_ones_name_the_field()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var user = factory.CreateApiClient(key);
        var defaults = (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["insights"]!;
        defaults["frequency"]!.GetValue<string>().Should().Be("immediately");
        defaults["minPriority"]!.GetValue<string>().Should().Be("critical");
        defaults["email"]!["frequency"]!.GetValue<string>().Should().Be("immediately");

        var put = await user.PutAsJsonAsync("/api/v1/me/preferences", new
        {
            insights = new
            {
                types = new[] { "anomaly", "opportunity" }, minPriority = "high", frequency = "daily",
                email = new { types = new[] { "summary" }, minPriority = "low", frequency = "weekly" },
            },
        });
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        var saved = (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["insights"]!;
        saved["types"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("anomaly", "opportunity");
        saved["frequency"]!.GetValue<string>().Should().Be("daily");
        saved["email"]!["types"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("summary");
        saved["email"]!["minPriority"]!.GetValue<string>().Should().Be("low");
        saved["email"]!["frequency"]!.GetValue<string>().Should().Be("weekly");

        var bad = await user.PutAsJsonAsync("/api/v1/me/preferences", new { insights = new { frequency = "daily", email = new { frequency = "hourly" } } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain("insights.email.frequency");
        (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["insights"]!["email"]!["frequency"]!.GetValue<string>().Should().Be("weekly", "a refused update changes nothing");

        (await user.GetFromJsonAsync<JsonArray>("/api/v1/insights/deliveries")).Should().NotBeNull();
        (await user.GetAsync("/api/v1/insights/deliveries?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await RunJobAsync("insights.insights-digest");
    }

    [Fact]
    public async Task The_colour_scheme_is_saved_per_user_and_an_unknown_one_names_the_field()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", []);
        using var user = factory.CreateApiClient(key);
        (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["theme"]!.GetValue<string>().Should().Be("system");

        (await user.PutAsJsonAsync("/api/v1/me/preferences", new { timeZone = "Europe/Berlin", theme = "dark" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var saved = (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!;
        saved["theme"]!.GetValue<string>().Should().Be("dark");
        (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["theme"]!.GetValue<string>().Should().Be("system", "the theme is the user's own");

        var bad = await user.PutAsJsonAsync("/api/v1/me/preferences", new { timeZone = "Europe/Berlin", theme = "purple" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("theme");
        (await user.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["theme"]!.GetValue<string>().Should().Be("dark");
    }
}
