using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>HTTP-level tests of /api/v1 and /healthz against the real app on a seeded SQLite database.</summary>
public sealed class ApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    [Fact]
    public async Task Healthz_is_200_with_database_and_scheduler_healthy()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["status"]!.GetValue<string>().Should().Be("healthy");
        body["checks"]!.AsObject().Select(c => c.Key).Should().Contain("database").And.Contain(k => k.Contains("quartz"));
    }

    [Fact]
    public async Task Healthz_live_runs_no_check_and_ready_runs_the_database_and_scheduler_checks()
    {
        var live = await factory.CreateClient().GetAsync("/healthz/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await live.Content.ReadAsStringAsync())!["checks"]!.AsObject().Should().BeEmpty();

        var ready = await factory.CreateClient().GetAsync("/healthz/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        body["status"]!.GetValue<string>().Should().Be("healthy");
        body["checks"]!.AsObject().Select(c => c.Key).Should().Contain("database").And.Contain(k => k.Contains("quartz"));
    }

    [Fact]
    public void Without_an_OTLP_endpoint_OpenTelemetry_is_not_registered()
    {
        factory.Services.GetService<OpenTelemetry.Trace.TracerProvider>().Should().BeNull();
        factory.Services.GetService<OpenTelemetry.Metrics.MeterProvider>().Should().BeNull();
        factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .Should().NotContain(s => s.GetType().Assembly.GetName().Name!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_without_key_is_401_problem_json()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/sources");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["status"]!.GetValue<int>().Should().Be(401);
        problem["detail"]!.GetValue<string>().Should().Contain("Bearer");
    }

    [Fact]
    public async Task Api_with_unknown_key_is_401()
    {
        var response = await factory.CreateApiClient("ak_not-a-real-key").GetAsync("/api/v1/sources");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_lists_the_three_seeded_demo_sources_with_their_datasets()
    {
        var page = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/sources");
        var items = page!["items"]!.AsArray();
        items.Select(i => i!["id"]!.GetValue<string>()).Should().Contain(["demo-northwind", "demo-contoso", "demo-fabrikam"]);
        items.Should().AllSatisfy(i => i!["datasets"]!.AsArray().Should().NotBeEmpty());
        page["nextCursor"].Should().BeNull();
    }

    [Fact]
    public async Task Analyst_sees_only_granted_instances_and_gets_404_for_others()
    {
        var (userId, key) = await CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var analyst = factory.CreateApiClient(key);

        var page = await analyst.GetFromJsonAsync<JsonObject>("/api/v1/sources");
        page!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Should().Equal("demo-contoso");

        var granted = await analyst.GetFromJsonAsync<JsonObject>("/api/v1/sources/demo-contoso");
        granted!["datasets"]![0]!["rowCount"]!.GetValue<long>().Should().BeGreaterThan(10_000);

        (await analyst.GetAsync("/api/v1/sources/demo-northwind")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await analyst.GetAsync("/api/v1/users")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.GetAsync($"/api/v1/users/{userId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        var me = await analyst.GetFromJsonAsync<JsonObject>("/api/v1/me");
        me!["role"]!.GetValue<string>().Should().Be("analyst");
    }

    [Fact]
    public async Task A_user_cannot_create_keys_for_someone_else()
    {
        var (_, key) = await CreateUserWithKeyAsync("viewer", []);
        var admins = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/users?limit=500");
        var adminId = admins!["items"]!.AsArray().First(u => u!["role"]!.GetValue<string>() == "admin")!["id"]!.GetValue<string>();

        var response = await factory.CreateApiClient(key).PostAsJsonAsync($"/api/v1/users/{adminId}/api-keys", new { name = "sneaky" });
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoked_key_stops_working()
    {
        var (userId, key) = await CreateUserWithKeyAsync("viewer", []);
        var client = factory.CreateApiClient(key);
        (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        var keys = await client.GetFromJsonAsync<JsonArray>($"/api/v1/users/{userId}/api-keys");
        var keyId = keys![0]!["id"]!.GetValue<string>();
        (await client.DeleteAsync($"/api/v1/users/{userId}/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Creating_a_user_with_bad_fields_is_400_naming_each_field()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/users", new { email = "not-an-email", role = "overlord", instanceIds = new[] { "nope" } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo(["email", "role", "instanceIds"]);
    }

    [Fact]
    public async Task Creating_the_same_email_twice_is_409()
    {
        var email = $"twice-{Guid.NewGuid():N}@example.com";
        (await Admin.PostAsJsonAsync("/api/v1/users", new { email, role = "viewer" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Admin.PostAsJsonAsync("/api/v1/users", new { email, role = "viewer" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Malformed_json_is_400_not_500()
    {
        var response = await Admin.PostAsync("/api/v1/users", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Users_are_paged_with_a_cursor_that_walks_every_user_once()
    {
        for (var i = 0; i < 3; i++) await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"page-{i}-{Guid.NewGuid():N}@example.com" });
        var all = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/users?limit=500");
        var expected = all!["items"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList();

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/users?limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            page!["items"]!.AsArray().Count.Should().BeLessThanOrEqualTo(2);
            seen.AddRange(page["items"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        seen.Should().Equal(expected);
    }

    [Theory]
    [InlineData("/api/v1/users?limit=0", "limit")]
    [InlineData("/api/v1/users?limit=10000", "limit")]
    [InlineData("/api/v1/users?cursor=%%%", "cursor")]
    public async Task Bad_paging_parameters_are_400(string url, string field)
    {
        var response = await Admin.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]![field].Should().NotBeNull();
    }

    [Fact]
    public async Task Unknown_api_route_is_404_problem()
    {
        var response = await Admin.GetAsync("/api/v1/no-such-thing");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Pages_redirect_to_sign_in_when_signed_out()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync("/dashboards");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Contain("/account/login");
    }

    private async Task<(string UserId, string Key)> CreateUserWithKeyAsync(string role, string[] instances)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"{role}-{Guid.NewGuid():N}@example.com", role, instanceIds = instances });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var user = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var userId = user["id"]!.GetValue<string>();
        var keyResponse = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "test" });
        keyResponse.StatusCode.Should().Be(HttpStatusCode.Created);
        var key = JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        key.Should().StartWith("ak_");
        return (userId, key);
    }
}
