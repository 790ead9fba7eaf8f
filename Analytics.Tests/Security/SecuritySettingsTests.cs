using Analytics.Data;
using Analytics.Data.RateLimiting;
using Analytics.Data.Subscriptions;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Security;

/// <summary>A bad security setting stops the app at start with a message naming the setting.</summary>
public sealed class SecuritySettingsTests
{
    [Theory]
    [InlineData("Analytics:RateLimits:Api:PermitLimit", "-1", "Analytics:RateLimits:Api:PermitLimit")]
    [InlineData("Analytics:RateLimits:SignInPerAccount:WindowSeconds", "0", "Analytics:RateLimits:SignInPerAccount:WindowSeconds")]
    [InlineData("Analytics:Auth:SessionRevalidationSeconds", "0", "Analytics:Auth:SessionRevalidationSeconds")]
    [InlineData("Analytics:Auth:AdminPassword", "short-1", "Analytics:Auth:AdminPassword")]
    [InlineData("Analytics:Subscriptions:AllowedRecipientDomains:0", "ana@example.com", "Analytics:Subscriptions:AllowedRecipientDomains")]
    public async Task A_setting_out_of_range_names_itself(string key, string value, string named)
    {
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?> { [key] = value });

        var read = () =>
        {
            _ = host.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<SubscriptionOptions>>().Value;
        };

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(named);
    }
}
