using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Security;

/// <summary>
/// Subscription recipients only at allowed domains — by default the domains of the app's users' own addresses — when
/// saved (400 naming <c>recipients[i]</c>, nothing saved) and again at delivery.
/// </summary>
[Collection(GuardedCollection.Name)]
public sealed class SubscriptionGuardTests(GuardedWebFactory factory)
{
    [Fact]
    public async Task A_recipient_outside_the_users_domains_is_a_400_naming_its_index_and_nothing_is_saved()
    {
        var ownerId = await factory.UserAsync(GuardedSetup.NewEmail("owner"), "right-password-42");
        using var owner = factory.CreateApiClient(await factory.KeyAsync(ownerId));
        var dashboardId = await CreateDashboardAsync(owner);

        var response = await owner.PostAsJsonAsync("/api/v1/subscriptions", Subscription(dashboardId, "ana@example.com", "eve@exfiltrate.test"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Equal("recipients[1]");
        errors["recipients[1]"]![0]!.GetValue<string>().Should().Contain("exfiltrate.test").And.Contain("example.com");
        var list = (await owner.GetFromJsonAsync<JsonObject>("/api/v1/subscriptions"))!;
        list["items"]!.AsArray().Should().BeEmpty("a refused subscription is not saved");
    }

    [Fact]
    public async Task A_domain_that_is_no_longer_allowed_stops_the_delivery()
    {
        var partner = $"partner-{Guid.NewGuid():N}.test";
        var partnerUserId = await factory.UserAsync($"bob@{partner}", "right-password-42");
        var ownerId = await factory.UserAsync(GuardedSetup.NewEmail("owner"), "right-password-42");
        using var owner = factory.CreateApiClient(await factory.KeyAsync(ownerId));
        var subscriptionId = await CreateSubscriptionAsync(owner, $"carol@{partner}");

        await factory.WithUsersAsync(async users =>
        {
            var bob = (await users.FindByIdAsync(partnerUserId))!;
            bob.Disabled = true; // the last user at that domain: it is no longer one of the users' domains
            await users.UpdateAsync(bob);
        });
        var run = await owner.PostAsync($"/api/v1/subscriptions/{subscriptionId}/run", null);

        run.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = (await run.Content.ReadFromJsonAsync<JsonObject>())!;
        body["outcome"]!.GetValue<string>().Should().Be("failed");
        body["error"]!.GetValue<string>().Should().Contain($"carol@{partner}").And.Contain("outside");
    }

    internal static async Task<string> CreateDashboardAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Guarded " + Guid.NewGuid().ToString("N")[..8], description = "", refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", start = "2025-06-01T00:00:00Z", end = "2025-06-08T00:00:00Z" } },
            widgets = new object[]
            {
                new { id = "k1", type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Spend", query = new { metrics = new[] { "spend" } } } },
            },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    internal static object Subscription(string dashboardId, params string[] recipients) => new
    {
        dashboardId, format = "csv", schedule = new { kind = "weekly", time = "08:00", days = new[] { "mon" } }, timeZone = "UTC", recipients,
    };

    internal static async Task<string> CreateSubscriptionAsync(HttpClient client, params string[] recipients)
    {
        var dashboardId = await CreateDashboardAsync(client);
        var response = await client.PostAsJsonAsync("/api/v1/subscriptions", Subscription(dashboardId, recipients));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
