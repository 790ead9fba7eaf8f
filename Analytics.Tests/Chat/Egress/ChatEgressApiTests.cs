using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Chat.Egress;

/// <summary>The egress endpoints over HTTP: the user's mode, admins' per-instance modes with validation, the audit, and the chat answer's <c>egress</c> field.</summary>
public sealed class ChatEgressApiTests(ChatWebFactory factory) : IClassFixture<ChatWebFactory>
{
    [Fact]
    public async Task Admins_set_a_mode_per_instance_with_validation_and_others_cannot()
    {
        var (_, adminKey) = await factory.CreateUserWithKeyAsync("admin", []);
        using var admin = factory.CreateApiClient(adminKey);
        var list = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/chat-egress/instances"))!;
        list.Select(i => i!["sourceId"]!.GetValue<string>()).Should().Contain(["demo-contoso", "demo-fabrikam", "demo-northwind"]);
        list.Should().OnlyContain(i => i!["mode"]!.GetValue<string>() == "anonymized" && i["isDefault"]!.GetValue<bool>());

        var bad = await admin.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/demo-contoso", new { mode = "everything" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await bad.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errors"]!["mode"]![0]!.GetValue<string>().Should().Contain("none, schema-only, anonymized, full");
        (await admin.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/demo-contoso", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await admin.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/no-such-source", new { mode = "full" })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var set = await admin.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/demo-contoso", new { mode = "schema-only" });
        set.StatusCode.Should().Be(HttpStatusCode.OK);
        (await set.Content.ReadFromJsonAsync<JsonObject>())!["mode"]!.GetValue<string>().Should().Be("schema-only");
        var after = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/chat-egress/instances"))!.Single(i => i!["sourceId"]!.GetValue<string>() == "demo-contoso")!;
        after["mode"]!.GetValue<string>().Should().Be("schema-only");
        after["isDefault"]!.GetValue<bool>().Should().BeFalse();
        (await (await admin.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/demo-contoso", new { mode = "default" })).Content.ReadFromJsonAsync<JsonObject>())!
            ["isDefault"]!.GetValue<bool>().Should().BeTrue();
        (await admin.GetFromJsonAsync<JsonObject>("/api/v1/admin/chat-egress/audit"))!["items"]!.AsArray().Should().BeEmpty("no external model is configured here");

        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(viewerKey);
        (await viewer.PutAsJsonAsync("/api/v1/admin/chat-egress/instances/demo-contoso", new { mode = "full" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("/api/v1/admin/chat-egress/audit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("/api/v1/admin/chat-egress/instances")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_user_is_told_which_mode_applies_before_and_with_an_answer()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-fabrikam"]);
        using var client = factory.CreateApiClient(key);
        var notice = (await client.GetFromJsonAsync<JsonObject>("/api/v1/chat/egress"))!;
        notice["mode"]!.GetValue<string>().Should().Be("local");
        notice["external"]!.GetValue<bool>().Should().BeFalse();
        notice["description"]!.GetValue<string>().Should().Contain("nothing is sent");

        var answer = (await (await client.PostAsJsonAsync("/api/v1/chat", new { message = "Spend last week" })).Content.ReadFromJsonAsync<JsonObject>())!;
        answer["egress"]!["mode"]!.GetValue<string>().Should().Be("local");
        answer["answer"]!.GetValue<string>().Should().NotBeEmpty();
    }
}
