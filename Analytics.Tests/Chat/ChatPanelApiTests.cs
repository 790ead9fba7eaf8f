using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Benchmarks;

namespace Analytics.Tests.Chat;

/// <summary>Over HTTP: <c>POST /api/v1/chat</c> with a dashboard's context, add-to-dashboard, and bookmarks.</summary>
public sealed class ChatPanelApiTests(ChatWebFactory factory) : IClassFixture<ChatWebFactory>
{
    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    private static async Task<string> DashboardAsync(HttpClient client, string name, object[] filters)
    {
        var created = await client.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name, filters,
            widgets = new[] { new { type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Spend", query = new { metrics = new[] { "spend" } } } } },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await JsonAsync(created))["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_question_with_a_dashboards_context_answers_for_its_filters_and_the_answer_can_be_added_to_it()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-northwind", "demo-contoso", "demo-fabrikam"]);
        using var client = factory.CreateApiClient(key);
        var dashboardId = await DashboardAsync(client, "Fabrikam in February",
            [new { dimension = "time", start = "2026-02-01T00:00:00Z", end = "2026-03-01T00:00:00Z" }, new { dimension = "instance", values = new[] { "demo-fabrikam" } }]);

        var response = await client.PostAsJsonAsync("/api/v1/chat", new { message = "What was spend by campaign?", context = new { dashboardId } });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = await JsonAsync(response);
        var rows = answer["visualizations"]![0]!["rows"]!.AsArray();
        var expected = ChatEvaluation.Facts.Where(f => f.Source == "demo-fabrikam" && f.Day >= new DateOnly(2026, 2, 1) && f.Day < new DateOnly(2026, 3, 1))
            .GroupBy(f => f.Campaign).ToDictionary(g => g.Key, g => g.Sum(f => f.Spend));
        rows.Should().HaveCount(expected.Count);
        foreach (var row in rows) row![1]!.GetValue<double>().Should().BeApproximately(expected[row[0]!.GetValue<string>()], 1e-6);
        answer["answer"]!.GetValue<string>().Should().Contain("February 2026");
        var conversationId = answer["conversationId"]!.GetValue<string>();
        var messageId = answer["messageId"]!.GetValue<string>();

        // Overriding the dashboard's instance in the context.
        var overridden = await JsonAsync(await client.PostAsJsonAsync("/api/v1/chat", new { message = "What was spend by campaign?", context = new { dashboardId, sourceIds = new[] { "demo-contoso" } } }));
        overridden["visualizations"]![0]!["rows"]!.AsArray().Select(r => r![0]!.GetValue<string>()).Should().OnlyContain(c => c.StartsWith("Contoso", StringComparison.Ordinal));

        var added = await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{messageId}/add-to-dashboard", new { dashboardId, title = "Spend by campaign" });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        added.Headers.Location!.ToString().Should().Be($"/api/v1/dashboards/{dashboardId}");
        var widget = (await JsonAsync(added))["widget"]!;
        widget["type"]!.GetValue<string>().Should().Be("bar");
        widget["position"]!["x"]!.GetValue<int>().Should().Be(3);
        widget["position"]!["y"]!.GetValue<int>().Should().Be(0);
        var dashboard = await JsonAsync(await client.GetAsync($"/api/v1/dashboards/{dashboardId}"));
        dashboard["widgets"]!.AsArray().Select(w => w!["config"]!["title"]!.GetValue<string>()).Should().Equal("Spend", "Spend by campaign");

        // Problems name the field; others' dashboards and answers are 403 or 404 like the rest of the API.
        var missing = await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{messageId}/add-to-dashboard", new { });
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(missing))["errors"]!["dashboardId"].Should().NotBeNull();
        var badContext = await client.PostAsJsonAsync("/api/v1/chat", new { message = "spend", context = new { start = "2026-02-01" } });
        badContext.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(badContext))["errors"]!["context.end"].Should().NotBeNull();
        (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/nope/add-to-dashboard", new { dashboardId })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var (viewerId, viewerKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        (await client.PostAsJsonAsync($"/api/v1/dashboards/{dashboardId}/shares", new { userId = viewerId, permission = "view" })).IsSuccessStatusCode.Should().BeTrue();
        using var viewer = factory.CreateApiClient(viewerKey);
        var theirs = await JsonAsync(await viewer.PostAsJsonAsync("/api/v1/chat", new { message = "What was spend by campaign last month?" }));
        var forbidden = await viewer.PostAsJsonAsync($"/api/v1/conversations/{theirs["conversationId"]}/messages/{theirs["messageId"]}/add-to-dashboard", new { dashboardId });
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{messageId}/add-to-dashboard", new { dashboardId })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (_, strangerKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        using var stranger = factory.CreateApiClient(strangerKey);
        (await stranger.PostAsJsonAsync("/api/v1/chat", new { message = "spend", context = new { dashboardId } })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bookmarks_are_created_listed_and_removed_over_http()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var client = factory.CreateApiClient(key);
        var answer = await JsonAsync(await client.PostAsJsonAsync("/api/v1/chat", new { message = "What was our spend last month?" }));
        var body = new { conversationId = answer["conversationId"]!.GetValue<string>(), messageId = answer["messageId"]!.GetValue<string>(), note = "board meeting" };

        var created = await client.PostAsJsonAsync("/api/v1/chat/bookmarks", body);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await JsonAsync(created))["id"]!.GetValue<string>();
        (await client.PostAsJsonAsync("/api/v1/chat/bookmarks", body)).StatusCode.Should().Be(HttpStatusCode.OK, "bookmarking again changes nothing");

        var list = (await JsonAsync(await client.GetAsync("/api/v1/chat/bookmarks")))["items"]!.AsArray();
        var item = list.Should().ContainSingle().Subject!;
        item["id"]!.GetValue<string>().Should().Be(id);
        item["note"]!.GetValue<string>().Should().Be("board meeting");
        item["excerpt"]!.GetValue<string>().Should().Contain("February 2026");

        var invalid = await client.PostAsJsonAsync("/api/v1/chat/bookmarks", new { conversationId = body.conversationId });
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(invalid))["errors"]!["messageId"].Should().NotBeNull();
        var (_, otherKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var other = factory.CreateApiClient(otherKey);
        (await other.PostAsJsonAsync("/api/v1/chat/bookmarks", body)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/chat/bookmarks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await client.DeleteAsync($"/api/v1/chat/bookmarks/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await JsonAsync(await client.GetAsync("/api/v1/chat/bookmarks")))["items"]!.AsArray().Should().BeEmpty();
    }
}
