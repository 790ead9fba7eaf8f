using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Dashboards;

public sealed partial class DashboardsApiTests
{
    [Fact]
    public async Task Folders_rename_nest_take_dashboards_and_refuse_deletion_while_not_empty_and_teams_change_members_over_http()
    {
        var (analystId, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(analystKey);
        async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode status)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(status, text);
            return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
        }
        var suffix = Guid.NewGuid().ToString("N")[..6];

        var parent = await Json(await analyst.PostAsJsonAsync("/api/v1/folders", new { name = $"Parent {suffix}" }), HttpStatusCode.Created);
        var parentId = parent["id"]!.GetValue<string>();
        var child = await Json(await analyst.PostAsJsonAsync("/api/v1/folders", new { name = "Child", parentId }), HttpStatusCode.Created);
        var childId = child["id"]!.GetValue<string>();
        child["parentId"]!.GetValue<string>().Should().Be(parentId);
        (await Json(await analyst.PutAsJsonAsync($"/api/v1/folders/{childId}", new { name = "Renamed", parentId }), HttpStatusCode.OK))["name"]!.GetValue<string>().Should().Be("Renamed");
        (await Json(await analyst.PutAsJsonAsync($"/api/v1/folders/{parentId}", new { name = $"Parent {suffix}", parentId = childId }), HttpStatusCode.BadRequest))
            ["errors"]!.AsObject().Should().ContainKey("parentId");

        var dashboardId = (await CreateAsync(analyst, Definition($"Filed {suffix}", Kpi("k1", 0, "spend"))))["id"]!.GetValue<string>();
        await Json(await analyst.PutAsJsonAsync($"/api/v1/dashboards/{dashboardId}/folder", new { folderId = childId }), HttpStatusCode.NoContent);
        (await analyst.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{dashboardId}"))!["folderId"]!.GetValue<string>().Should().Be(childId);
        var listed = (await analyst.GetFromJsonAsync<JsonObject>("/api/v1/folders"))!["items"]!.AsArray();
        listed.Single(f => f!["id"]!.GetValue<string>() == childId)!["dashboardCount"]!.GetValue<int>().Should().Be(1);

        var refused = await Json(await analyst.DeleteAsync($"/api/v1/folders/{childId}"), HttpStatusCode.Conflict);
        refused["detail"]!.GetValue<string>().Should().Be("'Renamed' still holds 1 dashboard: move or delete them first.");
        await Json(await analyst.PutAsJsonAsync($"/api/v1/dashboards/{dashboardId}/folder", new { folderId = (string?)null }), HttpStatusCode.NoContent);
        await Json(await analyst.DeleteAsync($"/api/v1/folders/{childId}"), HttpStatusCode.NoContent);
        await Json(await analyst.DeleteAsync($"/api/v1/folders/{parentId}"), HttpStatusCode.NoContent);
        await Json(await analyst.DeleteAsync($"/api/v1/folders/{parentId}"), HttpStatusCode.NotFound);

        var team = await Json(await Admin.PostAsJsonAsync("/api/v1/teams", new { name = $"Members {suffix}" }), HttpStatusCode.Created);
        var teamId = team["id"]!.GetValue<string>();
        await Json(await analyst.PostAsJsonAsync($"/api/v1/teams/{teamId}/members", new { userId = analystId }), HttpStatusCode.Forbidden);
        (await Json(await Admin.PostAsJsonAsync($"/api/v1/teams/{teamId}/members", new { userId = "no-such-user" }), HttpStatusCode.BadRequest))
            ["errors"]!.AsObject().Should().ContainKey("userId");
        (await Json(await Admin.PostAsJsonAsync($"/api/v1/teams/{teamId}/members", new { userId = analystId }), HttpStatusCode.OK))
            ["memberIds"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(analystId);
        (await Json(await Admin.DeleteAsync($"/api/v1/teams/{teamId}/members/{analystId}"), HttpStatusCode.OK))["memberIds"]!.AsArray().Should().BeEmpty();
        await Json(await analyst.DeleteAsync($"/api/v1/teams/{teamId}"), HttpStatusCode.Forbidden);
        await Json(await Admin.DeleteAsync($"/api/v1/teams/{teamId}"), HttpStatusCode.NoContent);
        (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/teams"))!["items"]!.AsArray().Should().NotContain(t => t!["id"]!.GetValue<string>() == teamId);
    }
}
