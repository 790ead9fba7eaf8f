using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Analytics.Tests.Chat;

/// <summary>
/// The LLM path on Semantic Kernel against <see cref="FakeOpenAiServer"/> on 127.0.0.1: the plugin the model is offered,
/// the filter's rules (arguments refused by the one home, the round cap, the audit) and the quota, asserting on what the
/// fake received. The egress modes are ChatEgressTests's; the streamed tool loop is LlmPlannerTests'.
/// </summary>
public sealed class SemanticKernelChatTests() : FakeModelChatTests(maxToolRounds: 2, answerTimeoutSeconds: 20, questionsPerHour: 3)
{
    private async Task<List<ChatAuditEntry>> FunctionAuditAsync()
    {
        await using var db = await Host.DbAsync();
        return await db.ChatAudit.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task The_model_is_offered_every_registry_function_by_its_name_with_typed_parameters_and_automatic_choice()
    {
        var registry = Host.Services.GetRequiredService<ChatFunctionRegistry>();
        var plugin = KernelPluginFactory.CreateFromObject(new ChatQueryPlugin(registry, new ChatToolContext(Admin, TimeZoneInfo.Utc, new DateOnly(2026, 3, 15))), ChatQueryPlugin.PluginName);
        plugin.Select(f => f.Name).Should().BeEquivalentTo(registry.All.Select(f => f.Name), "one plugin function per registry function, no more");

        Model.Script.Enqueue(new FakeOpenAiServer.Reply("Hello."));
        await Chat.AskAsync(Admin, "What can you do?");

        var request = Model.Requests.Single();
        request["tool_choice"]!.GetValue<string>().Should().Be("auto");
        var tools = request["tools"]!.AsArray().Select(t => t!["function"]!).ToDictionary(f => f["name"]!.GetValue<string>());
        tools.Keys.Should().BeEquivalentTo(registry.All.Select(f => f.Name));
        var query = tools["query"]!;
        query["description"]!.GetValue<string>().Should().Contain("semantic-layer query");
        var parameters = query["parameters"]!;
        parameters["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().BeEquivalentTo(["metrics", "start", "end"]);
        var properties = parameters["properties"]!.AsObject();
        properties.Select(p => p.Key).Should().BeEquivalentTo(["metrics", "start", "end", "groupBy", "granularity", "sort", "limit", "filters", "sourceIds", "having"],
            "the arguments object and the cancellation token are not the model's to fill");
        properties["metrics"]!["type"]!.ToString().Should().Contain("array");
        properties["limit"]!["type"]!.ToString().Should().Contain("integer");
        properties["sort"]!["items"]!["properties"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["by", "desc"]);
        properties["having"]!["items"]!["properties"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["metric", "op", "value"]);
        properties["start"]!["description"]!.GetValue<string>().Should().Contain("inclusive");
        Model.Rejected.Should().BeEmpty();
    }

    [Fact]
    public async Task Arguments_the_typed_signature_cannot_bind_or_does_not_know_are_refused_by_the_registry_which_names_the_field()
    {
        Model.Script.Enqueue(new FakeOpenAiServer.Reply(null,
        [
            ("query", """{"metrics":{"a":1},"start":"2026-02-01","end":"2026-03-01"}"""),
            ("top_n", """{"metric":"spend","dimension":"campaign","start":"2026-02-01","end":"2026-03-01","n":"many"}"""),
            ("query", """{"metrics":["spend"],"start":"2026-02-01","end":"2026-03-01","sql":"DROP TABLE facts"}"""),
            ("query", """{"metrics":"spend","start":"2026-02-01","end":"2026-03-01"}"""),
        ]));
        Model.Script.Enqueue(new FakeOpenAiServer.Reply("Done."));

        var reply = await Chat.AskAsync(Admin, "What was spend last month?");

        reply.ToolResults.Select(r => (r.Name, r.Outcome)).Should().Equal(("query", "invalid"), ("top_n", "invalid"), ("query", "invalid"), ("query", "ok"));
        reply.Text.Should().Be("Done.");
        var results = Model.Requests.Last()["messages"]!.AsArray().Where(m => m!["role"]!.GetValue<string>() == "tool").Select(m => m!["content"]!.ToString()).ToList();
        results.Should().HaveCount(4);
        results[0].Should().Contain("metrics must be a list of strings");
        results[1].Should().Contain("n must be a whole number");
        results[2].Should().Contain("Unknown argument 'sql'");
        results[3].Should().Contain("rows", "a single metric name is what the registry accepts for a list");
        (await FunctionAuditAsync()).Select(a => (a.Function, a.Outcome, a.UserId)).Should().Equal(
            ("query", "invalid", Admin.UserId), ("top_n", "invalid", Admin.UserId), ("query", "invalid", Admin.UserId), ("query", "ok", Admin.UserId));
        Model.Rejected.Should().BeEmpty();
    }

    [Fact]
    public async Task The_round_cap_ends_the_loop_even_when_the_model_only_calls_functions_that_do_not_exist()
    {
        Model.Fallback = new FakeOpenAiServer.Reply(null, [("drop_everything", "{}")]);

        var reply = await Chat.AskAsync(Admin, "Keep going");

        reply.Text.Should().Contain("stopped after 2 rounds");
        reply.ToolResults.Should().NotBeEmpty().And.OnlyContain(r => r.Name == "drop_everything" && r.Outcome == "unknown_function");
        Model.Requests.Count.Should().BeLessThanOrEqualTo(3, "two rounds with functions, then at most one last request without them");
        Model.Rejected.Should().BeEmpty("the last request without functions is still one OpenAI accepts");
        (await FunctionAuditAsync()).Should().HaveCount(reply.ToolResults.Count).And.OnlyContain(a => a.Outcome == "unknown_function");
        reply.Events.Last().Should().BeOfType<ChatEvent.Done>();
    }

    [Fact]
    public async Task Over_the_hourly_quota_a_question_is_refused_and_nothing_reaches_the_model()
    {
        for (var i = 0; i < 3; i++)
        {
            Model.Script.Enqueue(new FakeOpenAiServer.Reply($"Answer {i}."));
            (await Chat.AskAsync(Admin, $"Question {i}?")).Text.Should().Be($"Answer {i}.");
        }
        var refused = () => Chat.StartAsync(Admin, null, "One more?", CancellationToken.None);
        (await refused.Should().ThrowAsync<RateLimitedException>()).Which.Message.Should().Contain("3 questions in the last hour");
        Model.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task The_fake_refuses_what_OpenAI_refuses_with_its_error_shape()
    {
        using var http = new HttpClient();
        var url = new Uri(Model.BaseUrl + "/chat/completions");
        async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string json)
        {
            using var response = await http.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonNode>());
        }

        var orphan = await PostAsync("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_1","content":"{}"}]}""");
        orphan.Status.Should().Be(HttpStatusCode.BadRequest);
        orphan.Body!["error"]!["type"]!.GetValue<string>().Should().Be("invalid_request_error");
        orphan.Body["error"]!["message"]!.GetValue<string>().Should().Contain("tool_calls");
        (await PostAsync("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}""")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"}""")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"tools":[{"type":"function","function":{"name":"a.b","parameters":{"type":"object"}}}]}""")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync("""{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"q","arguments":"{}"}}]},{"role":"user","content":"hi"}]}""")).Status.Should().Be(HttpStatusCode.BadRequest);
        Model.Rejected.Should().HaveCount(5);
        Model.Requests.Should().BeEmpty();
    }
}
