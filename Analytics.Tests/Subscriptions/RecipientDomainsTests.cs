using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Subscriptions;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Subscriptions;

/// <summary>The recipient domain rule, and where the app takes the allowed domains from.</summary>
public sealed class RecipientDomainsTests
{
    [Fact]
    public void Addresses_outside_the_allowed_domains_are_errors_keyed_by_their_index_as_given()
    {
        var domains = new RecipientDomains(["Example.com"], configured: true);
        var errors = new Dictionary<string, string[]>();

        domains.Check(["ana@example.com", "Eve <eve@evil.test>", "", "bo@EXAMPLE.COM", "sub@mail.example.com"], errors);

        errors.Keys.Should().BeEquivalentTo("recipients[1]", "recipients[4]");
        errors["recipients[1]"].Single().Should().Contain("evil.test").And.Contain("example.com").And.Contain("AllowedRecipientDomains");
        domains.Allows("Bo <bo@example.com>").Should().BeTrue();
        domains.Allows("not an address").Should().BeFalse();
    }

    [Fact]
    public async Task Without_configured_domains_the_enabled_users_own_domains_are_allowed()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin, new CreateUserCommand("ana@partner.test", null, "viewer", [], null), default));
        var gone = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin, new CreateUserCommand("old@former.test", null, "viewer", [], null), default));
        await host.WithScopeAsync<UserService, UserView>(s => s.UpdateAsync(admin, gone.User.Id, new UpdateUserCommand(null, null, null, true), default));

        var domains = await host.Services.GetRequiredService<SubscriptionSafeguards>().RecipientDomainsAsync(default);

        domains.Allowed.Should().BeEquivalentTo(["example.test", "partner.test"], "the admin's and Ana's domains; a disabled user's domain no longer counts");
        domains.Configured.Should().BeFalse();
    }

    [Fact]
    public async Task Configured_domains_replace_the_users_own()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Analytics:Subscriptions:AllowedRecipientDomains:0"] = "reports.example.org",
        });
        await host.InitializeAsync();

        var domains = await host.Services.GetRequiredService<SubscriptionSafeguards>().RecipientDomainsAsync(default);

        domains.Allowed.Should().Equal("reports.example.org");
        domains.Allows($"someone@{AnalyticsTestHost.AdminEmail.Split('@')[1]}").Should().BeFalse();
    }
}
