using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Access;
using Analytics.Tests.Web;

namespace Analytics.Tests.Security;

/// <summary>API keys over HTTP: a key cannot create keys, optional expiry (then the same 401 as an unknown key), audited creation and revocation.</summary>
[Collection(AccountCollection.Name)]
public sealed class ApiKeyTests(AnalyticsWebFactory factory)
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    [Fact]
    public async Task A_request_made_with_an_api_key_cannot_create_keys_even_an_admins()
    {
        var adminId = await AccountHttp.CreateUserAsync(Admin, GuardedSetup.NewEmail("keyadmin"), "set-by-admin-42", role: "admin");
        var otherId = await AccountHttp.CreateUserAsync(Admin, GuardedSetup.NewEmail("other"), "set-by-admin-42", role: "viewer");
        using var adminKey = factory.CreateApiClient(await CreateKeyAsync(Admin, adminId));

        foreach (var target in new[] { adminId, otherId })
        {
            var response = await adminKey.PostAsJsonAsync($"/api/v1/users/{target}/api-keys", new { name = "minted" });
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().Should().Contain("cannot create API keys");
        }
        var keys = (await adminKey.GetFromJsonAsync<JsonArray>($"/api/v1/users/{adminId}/api-keys"))!;
        keys.Should().ContainSingle("no key was created");
        (await adminKey.GetAsync("/api/v1/users")).StatusCode.Should().Be(HttpStatusCode.OK, "the key still does everything else its admin may");
    }

    [Fact]
    public async Task A_key_with_an_expiry_works_until_then_and_afterwards_gets_the_same_401_as_an_unknown_key()
    {
        var userId = await AccountHttp.CreateUserAsync(Admin, GuardedSetup.NewEmail("expiring"), "set-by-admin-42");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var created = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "short-lived", expiresAt });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        body["expiresAt"]!.GetValue<DateTimeOffset>().Should().BeCloseTo(expiresAt, TimeSpan.FromMilliseconds(1));
        using var key = factory.CreateApiClient(body["key"]!.GetValue<string>());
        (await key.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));

        var expired = await key.GetAsync("/api/v1/me");
        using var unknown = factory.CreateApiClient("ak_" + new string('x', 33));
        var unknownAnswer = await unknown.GetAsync("/api/v1/me");
        expired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        static async Task<JsonObject> WithoutTraceAsync(HttpResponseMessage r)
        {
            var problem = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
            problem.Remove("traceId");
            return problem;
        }
        (await WithoutTraceAsync(expired)).ToJsonString().Should().Be((await WithoutTraceAsync(unknownAnswer)).ToJsonString(),
            "an expired key is not told apart from an unknown one");
        var listed = (await Admin.GetFromJsonAsync<JsonArray>($"/api/v1/users/{userId}/api-keys"))!.Single()!;
        listed["expired"]!.GetValue<bool>().Should().BeTrue();
        listed["expiresAt"].Should().NotBeNull();
    }

    [Fact]
    public async Task An_expiry_in_the_past_is_a_400_naming_expiresAt()
    {
        var userId = await AccountHttp.CreateUserAsync(Admin, GuardedSetup.NewEmail("past"), "set-by-admin-42");
        var response = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "late", expiresAt = "2020-01-01T00:00:00Z" });
        await PasswordTests.ShouldBeFieldErrorAsync(response, "expiresAt", "future");
    }

    [Fact]
    public async Task Keys_an_admin_creates_for_someone_else_and_revocations_are_audited()
    {
        var email = GuardedSetup.NewEmail("keyed");
        var userId = await AccountHttp.CreateUserAsync(Admin, email, "set-by-admin-42");
        var created = (await (await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "for them" })).Content.ReadFromJsonAsync<JsonObject>())!;
        var keyId = created["id"]!.GetValue<string>();
        (await Admin.DeleteAsync($"/api/v1/users/{userId}/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var creation = (await factory.AuditAsync(AuditActions.ApiKeyCreated, keyId)).Should().ContainSingle().Subject;
        creation.Detail.Should().Contain("created by an admin for another user").And.Contain(email).And.NotContain(created["key"]!.GetValue<string>());
        (await factory.AuditAsync(AuditActions.ApiKeyRevoked, keyId)).Should().ContainSingle();
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string userId)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "test" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }
}
