using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Analytics.Benchmarks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Chat;

/// <summary>The whole app, its clock fixed at 2026-03-15 (so the demo data and "last month" are known), six questions per user per hour.</summary>
public sealed class ChatWebFactory : AnalyticsWebFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Analytics:Chat:QuestionsPerHour", "6");
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FixedTimeProvider(ChatEvaluation.Now)));
    }
}

/// <summary><c>POST /api/v1/chat</c> (JSON and SSE) and the conversation endpoints over HTTP.</summary>
public sealed class ChatApiTests(ChatWebFactory factory) : IClassFixture<ChatWebFactory>
{
    private static Dictionary<string, double?> RoasByCampaign(DateOnly start, DateOnly end) =>
        ChatEvaluation.Facts.Where(f => f.Day >= start && f.Day < end).GroupBy(f => f.Campaign).ToDictionary(g => g.Key, g => ChatEvaluation.Metric("roas", g));

    private static void ShouldMatch(JsonNode visualization, Dictionary<string, double?> expected)
    {
        var columns = visualization["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        columns.Should().Equal("campaign", "roas");
        var rows = visualization["rows"]!.AsArray();
        rows.Should().HaveCount(expected.Count);
        foreach (var row in rows)
        {
            var campaign = row![0]!.GetValue<string>();
            row[1]!.GetValue<double>().Should().BeApproximately(expected[campaign]!.Value, 1e-6, campaign);
        }
    }

    [Fact]
    public async Task A_shared_answer_rings_the_colleagues_bell_with_a_link_that_asks_the_question_again_as_them()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-northwind", "demo-contoso"]);
        var (colleagueId, colleagueKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var client = factory.CreateApiClient(key);
        using var colleague = factory.CreateApiClient(colleagueKey);
        const string question = "What was our spend by campaign last month?";
        var answer = (await (await client.PostAsJsonAsync("/api/v1/chat", new { message = question })).Content.ReadFromJsonAsync<JsonObject>())!;
        var conversationId = answer["conversationId"]!.GetValue<string>();
        var messages = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{conversationId}"))!["messages"]!.AsArray();
        var assistant = messages.Last(m => m!["role"]!.GetValue<string>() == "assistant")!["id"]!.GetValue<string>();
        var user = messages.First(m => m!["role"]!.GetValue<string>() == "user")!["id"]!.GetValue<string>();

        var shared = await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{assistant}/share", new { userIds = new[] { colleagueId } });
        shared.StatusCode.Should().Be(HttpStatusCode.Accepted, await shared.Content.ReadAsStringAsync());
        var notice = (await colleague.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray().Single(n => n!["category"]!.GetValue<string>() == "share")!;
        notice["title"]!.GetValue<string>().Should().Contain("shared an answer").And.Contain(question);
        notice["link"]!.GetValue<string>().Should().Be($"/chat?ask={Uri.EscapeDataString(question)}", "the colleague's own chat answers it from their instances");

        (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{user}/share", new { userIds = new[] { colleagueId } }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound, "a question is not an answer");
        (await colleague.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{assistant}/share", new { userIds = new[] { colleagueId } }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound, "only the conversation's owner shares from it");
        var unknown = await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages/{assistant}/share", new { userIds = new[] { "nobody" }, note = new string('x', 501) });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain("note");
    }

    [Fact]
    public async Task Roas_by_campaign_last_month_answers_with_the_numbers_and_a_chart_and_the_month_before_keeps_context()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-northwind", "demo-contoso", "demo-fabrikam"]);
        using var client = factory.CreateApiClient(key);
        var response = await client.PostAsJsonAsync("/api/v1/chat", new { message = "What was our ROAS by campaign last month?" });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var february = RoasByCampaign(new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1));
        var best = february.MaxBy(kv => kv.Value)!;
        answer["answer"]!.GetValue<string>().Should().Contain("February 2026").And.Contain(best.Key).And.Contain(best.Value!.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        var call = answer["toolCalls"]!.AsArray().Should().ContainSingle().Subject!;
        call["name"]!.GetValue<string>().Should().Be("query");
        call["arguments"]!["metrics"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("roas");
        call["rowCount"]!.GetValue<int>().Should().Be(24);
        var chart = answer["visualizations"]!.AsArray().Should().ContainSingle().Subject!;
        chart["type"]!.GetValue<string>().Should().Be("bar");
        ShouldMatch(chart, february);

        var conversationId = answer["conversationId"]!.GetValue<string>();
        var follow = await client.PostAsJsonAsync("/api/v1/chat", new { conversationId, message = "and the month before?" });
        follow.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = (await follow.Content.ReadFromJsonAsync<JsonObject>())!;
        second["conversationId"]!.GetValue<string>().Should().Be(conversationId);
        second["answer"]!.GetValue<string>().Should().Contain("January 2026");
        ShouldMatch(second["visualizations"]![0]!, RoasByCampaign(new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1)));
    }

    [Fact]
    public async Task Server_sent_events_stream_tool_calls_visualizations_text_and_done()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var client = factory.CreateApiClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat") { Content = JsonContent.Create(new { message = "Top 3 campaigns by sales last month" }) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var body = await response.Content.ReadAsStringAsync();
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            return (Name: lines[0]["event: ".Length..], Data: JsonNode.Parse(lines[1]["data: ".Length..])!);
        }).ToList();
        events.Select(e => e.Name).Should().Equal("egress", "toolCall", "toolResult", "visualization", "delta", "done");
        events[0].Data["mode"]!.GetValue<string>().Should().Be("local");
        events[0].Data["external"]!.GetValue<bool>().Should().BeFalse();
        events[1].Data["name"]!.GetValue<string>().Should().Be("top_n");
        events[1].Data["arguments"]!["n"]!.GetValue<int>().Should().Be(3);
        events[2].Data["rowCount"]!.GetValue<int>().Should().Be(3);
        var expected = ChatEvaluation.Facts.Where(f => f.Source == "demo-contoso" && f.Day >= new DateOnly(2026, 2, 1) && f.Day < new DateOnly(2026, 3, 1))
            .GroupBy(f => f.Campaign).OrderByDescending(g => g.Sum(f => f.Sales)).Take(3).Select(g => g.Key).ToList();
        events[3].Data["rows"]!.AsArray().Select(r => r![0]!.GetValue<string>()).Should().Equal(expected, "the viewer sees Contoso only");
        events[4].Data["text"]!.GetValue<string>().Should().Contain(expected[0]);
        var id = events[5].Data["conversationId"]!.GetValue<string>();
        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{id}"))!["messages"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task Conversations_are_listed_renamed_exported_and_deleted_over_http()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-fabrikam"]);
        using var client = factory.CreateApiClient(key);
        var created = (await (await client.PostAsJsonAsync("/api/v1/chat", new { message = "Spend by campaign type last week" })).Content.ReadFromJsonAsync<JsonObject>())!;
        var id = created["conversationId"]!.GetValue<string>();

        var list = (await client.GetFromJsonAsync<JsonObject>("/api/v1/conversations"))!;
        list["items"]!.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(id);
        var renamed = await client.PatchAsJsonAsync($"/api/v1/conversations/{id}", new { title = "Weekly types" });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{id}"))!["title"]!.GetValue<string>().Should().Be("Weekly types");

        var csv = await client.GetAsync($"/api/v1/conversations/{id}/export?format=csv");
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("campaign_type,spend");
        lines.Should().HaveCount(4);
        var json = await client.GetAsync($"/api/v1/conversations/{id}/export?format=json");
        json.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonNode.Parse(await json.Content.ReadAsStringAsync())!["messages"]!.AsArray().Should().HaveCount(2);
        (await client.GetAsync($"/api/v1/conversations/{id}/export?format=xml")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var (_, otherKey) = await factory.CreateUserWithKeyAsync("admin", []);
        using var other = factory.CreateApiClient(otherKey);
        (await other.GetAsync($"/api/v1/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "conversations are private, even from admins");

        (await client.DeleteAsync($"/api/v1/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/v1/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_is_a_problem_naming_the_field_and_the_hourly_limit_is_429_with_retry_after()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var client = factory.CreateApiClient(key);
        var empty = await client.PostAsJsonAsync("/api/v1/chat", new { message = "  " });
        empty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await empty.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["message"].Should().NotBeNull();
        (await client.PostAsJsonAsync("/api/v1/chat", new { conversationId = "nope", message = "spend" })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        for (var i = 0; i < 6; i++) (await client.PostAsJsonAsync("/api/v1/chat", new { message = "What is ROAS?" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var quota = (await client.GetFromJsonAsync<JsonObject>("/api/v1/chat/quota"))!;
        quota["remaining"]!.GetValue<int>().Should().Be(0);
        var limited = await client.PostAsJsonAsync("/api/v1/chat", new { message = "What is ROAS?" });
        limited.StatusCode.Should().Be((HttpStatusCode)429);
        limited.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.FromMinutes(59));

        (await client.GetAsync("/api/v1/chat/audit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var audit = (await admin.GetFromJsonAsync<JsonObject>("/api/v1/chat/audit?limit=5"))!["items"]!.AsArray();
        audit.Should().NotBeEmpty();
        audit[0]!["function"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }
}
