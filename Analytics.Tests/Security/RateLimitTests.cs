using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Security;

/// <summary>The API per key (per client address without a valid key), public links per client address, run-now per user: 429 with Retry-After.</summary>
[Collection(GuardedCollection.Name)]
public sealed class RateLimitTests(GuardedWebFactory factory)
{
    [Fact]
    public async Task The_api_is_limited_per_key_and_a_second_key_has_its_own_window()
    {
        var userId = await factory.UserAsync(GuardedSetup.NewEmail("api"), "right-password-42");
        using var first = factory.CreateApiClient(await factory.KeyAsync(userId));
        using var second = factory.CreateApiClient(await factory.KeyAsync(userId));

        for (var i = 0; i < GuardedWebFactory.ApiPerKey; i++)
            (await first.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        await ShouldBeThrottledProblemAsync(await first.GetAsync("/api/v1/me"));
        (await second.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK, "the limit is per key");
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_limited_per_client_address()
    {
        var address = GuardedWebFactory.NewClientAddress();
        using var guesser = factory.CreateApiClient("ak_guessed" + Guid.NewGuid().ToString("N"));
        guesser.DefaultRequestHeaders.Add(GuardedWebFactory.ClientAddressHeader, address);
        for (var i = 0; i < GuardedWebFactory.ApiPerKey; i++)
            (await guesser.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        await ShouldBeThrottledProblemAsync(await guesser.GetAsync("/api/v1/me"));

        using var elsewhere = factory.CreateClient();
        elsewhere.DefaultRequestHeaders.Add(GuardedWebFactory.ClientAddressHeader, GuardedWebFactory.NewClientAddress());
        (await elsewhere.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another address has its own window");
    }

    [Fact]
    public async Task Public_links_and_the_public_page_share_a_limit_per_client_address()
    {
        using var visitor = factory.CreateClient(new() { AllowAutoRedirect = false });
        visitor.DefaultRequestHeaders.Add(GuardedWebFactory.ClientAddressHeader, GuardedWebFactory.NewClientAddress());
        var token = "no-such-token-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < GuardedWebFactory.PublicPerClient - 1; i++)
            (await visitor.GetAsync($"/api/v1/public/dashboards/{token}")).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests);
        (await visitor.GetAsync($"/public/d/{token}")).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests);

        await ShouldBeThrottledProblemAsync(await visitor.GetAsync($"/api/v1/public/dashboards/{token}"));
        var page = await visitor.GetAsync($"/public/d/{token}");
        page.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the page counts against the same window");
        page.Headers.RetryAfter.Should().NotBeNull();

        using var other = factory.CreateClient(new() { AllowAutoRedirect = false });
        other.DefaultRequestHeaders.Add(GuardedWebFactory.ClientAddressHeader, GuardedWebFactory.NewClientAddress());
        (await other.GetAsync($"/api/v1/public/dashboards/{token}")).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Run_now_is_limited_per_user()
    {
        var ownerId = await factory.UserAsync(GuardedSetup.NewEmail("runner"), "right-password-42");
        using var owner = factory.CreateApiClient(await factory.KeyAsync(ownerId));
        var subscriptionId = await SubscriptionGuardTests.CreateSubscriptionAsync(owner, "someone@example.com");

        for (var i = 0; i < GuardedWebFactory.RunNowPerUser; i++)
            (await owner.PostAsync($"/api/v1/subscriptions/{subscriptionId}/run", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        var refused = await owner.PostAsync($"/api/v1/subscriptions/{subscriptionId}/run", null);
        await ShouldBeThrottledProblemAsync(refused);

        var otherId = await factory.UserAsync(GuardedSetup.NewEmail("runner"), "right-password-42");
        using var other = factory.CreateApiClient(await factory.KeyAsync(otherId));
        var theirs = await SubscriptionGuardTests.CreateSubscriptionAsync(other, "someone@example.com");
        (await other.PostAsync($"/api/v1/subscriptions/{theirs}/run", null)).StatusCode.Should().Be(HttpStatusCode.OK, "each user has their own window");
    }

    internal static async Task ShouldBeThrottledProblemAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, await response.Content.ReadAsStringAsync());
        response.Headers.RetryAfter?.Delta.Should().NotBeNull("a 429 says when to try again");
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, GuardedWebFactory.WindowSeconds);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["status"]!.GetValue<int>().Should().Be(429);
        problem["detail"]!.GetValue<string>().Should().Contain("try again in");
    }
}
