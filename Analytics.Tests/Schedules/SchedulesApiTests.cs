using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Web;

namespace Analytics.Tests.Schedules;

/// <summary><c>GET /api/v1/schedules</c> and its actions over HTTP: the same read model and rules as the page, problems for bad input.</summary>
public sealed class SchedulesApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private static async Task<string> ScheduledReportAsync(HttpClient client, string sourceId)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reports", new
        {
            name = $"Scheduled {Guid.NewGuid():N}", templateId = "tpl-demo-campaign-daily", sourceId, parameters = new { },
            schedule = new { kind = "daily", time = "06:00", timeZone = "UTC" },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static async Task<List<string>> KeysAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/schedules?limit=500");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body.ContainsKey("nextCursor").Should().BeTrue();
        return body["items"]!.AsArray().Select(i => i!["key"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task The_list_shows_a_schedule_to_its_owner_and_admins_but_not_to_an_analyst_of_another_instance()
    {
        var (_, ownerKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-northwind"]);
        var (_, otherKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var owner = factory.CreateApiClient(ownerKey);
        using var other = factory.CreateApiClient(otherKey);
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var reportId = await ScheduledReportAsync(owner, "demo-northwind");
        var key = $"report:{reportId}";

        (await KeysAsync(owner)).Should().Contain(key);
        (await KeysAsync(admin)).Should().Contain(key);
        (await KeysAsync(other)).Should().NotContain(key);
        (await other.PostAsync($"/api/v1/schedules/report/{reportId}/pause", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var paused = await owner.PostAsync($"/api/v1/schedules/report/{reportId}/pause", null);
        paused.StatusCode.Should().Be(HttpStatusCode.OK, await paused.Content.ReadAsStringAsync());
        var row = (await paused.Content.ReadFromJsonAsync<JsonObject>())!;
        row["paused"]!.GetValue<bool>().Should().BeTrue();
        row["frequency"]!.GetValue<string>().Should().Be("Daily at 06:00 (UTC)");
        row["nextRunAt"].Should().BeNull();
        var resumed = (await (await owner.PostAsync($"/api/v1/schedules/report/{reportId}/resume", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        resumed["paused"]!.GetValue<bool>().Should().BeFalse();
        resumed["nextRunAt"].Should().NotBeNull();
    }

    [Fact]
    public async Task Bad_sort_cursor_and_kind_answer_problems_naming_the_field()
    {
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var bad = await admin.GetAsync("/api/v1/schedules?sort=soonest&kind=alert");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo(["sort", "kind"]);
        (await admin.GetAsync("/api/v1/schedules?cursor=not-base64!")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await admin.PostAsync("/api/v1/schedules/widget/abc/pause", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
