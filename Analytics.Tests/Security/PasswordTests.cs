using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Access;
using Analytics.Tests.Web;

namespace Analytics.Tests.Security;

/// <summary>The tests that share one plain <see cref="AnalyticsWebFactory"/> (one app start): passwords, sessions, API keys, audit.</summary>
[CollectionDefinition(Name)]
public sealed class AccountCollection : ICollectionFixture<AnalyticsWebFactory>
{
    public const string Name = "account app";
}

/// <summary>
/// Passwords over HTTP, as a browser posts the forms: the forced change, the self-service change (form and API),
/// the admin reset, the 12-character policy, and sessions that end when the account changes under them.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class PasswordTests(AnalyticsWebFactory factory)
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    [Fact]
    public async Task A_user_whose_password_an_admin_set_reaches_only_the_change_form_until_they_choose_their_own()
    {
        var email = GuardedSetup.NewEmail("forced");
        var userId = await AccountHttp.CreateUserAsync(Admin, email, "set-by-admin-42");
        using var browser = factory.FormClient();

        (await AccountHttp.SignInAsync(browser, email, "set-by-admin-42", "/dashboards")).Location().Should().Be("/account/password?returnUrl=%2Fdashboards");
        var page = await browser.GetAsync("/dashboards");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Location().Should().Be("/account/password?returnUrl=%2Fdashboards", "every page leads to the change form");
        (await browser.GetAsync("/admin/users")).Location().Should().StartWith("/account/password");
        var download = await browser.GetAsync("/downloads/dashboards/anything?format=csv");
        download.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a cookie endpoint that is not a page answers a problem");
        (await download.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().Should().Contain("/account/password");
        (await browser.GetStringAsync("/account/password")).Should().Contain("Choose your own to continue");

        var wrongCurrent = await AccountHttp.ChangePasswordAsync(browser, "not-my-password-1", "my-own-password-7");
        wrongCurrent.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrongCurrent.Content.ReadAsStringAsync()).Should().Contain("That is not your current password.");
        var tooShort = await AccountHttp.ChangePasswordAsync(browser, "set-by-admin-42", "short-pw-1");
        tooShort.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooShort.Content.ReadAsStringAsync()).Should().Contain($"at least {PasswordPolicy.MinLength} characters");
        var mismatch = await AccountHttp.ChangePasswordAsync(browser, "set-by-admin-42", "my-own-password-7", "my-own-password-8");
        (await mismatch.Content.ReadAsStringAsync()).Should().Contain("The two new passwords differ");
        (await browser.GetAsync("/dashboards")).Location().Should().StartWith("/account/password", "nothing was changed yet");

        var changed = await AccountHttp.ChangePasswordAsync(browser, "set-by-admin-42", "my-own-password-7", returnUrl: "/dashboards");

        changed.Location().Should().Be("/dashboards");
        (await browser.GetAsync("/dashboards")).StatusCode.Should().Be(HttpStatusCode.OK, "the refreshed cookie no longer carries the forced change");
        using var again = factory.FormClient();
        (await AccountHttp.SignInAsync(again, email, "my-own-password-7")).Location().Should().Be("/");
        (await factory.AuditAsync(AuditActions.PasswordChanged, userId)).Should().ContainSingle();
    }

    [Fact]
    public async Task Passwords_need_twelve_characters_wherever_one_is_set()
    {
        var tooShort = new string('a', PasswordPolicy.MinLength - 2) + "1";
        var create = await Admin.PostAsJsonAsync("/api/v1/users", new { email = GuardedSetup.NewEmail("short"), role = "viewer", password = tooShort });
        await ShouldBeFieldErrorAsync(create, "password", "12 characters");

        var userId = await AccountHttp.CreateUserAsync(Admin, GuardedSetup.NewEmail("short"), "long-enough-password-1");
        await ShouldBeFieldErrorAsync(await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/password", new { password = tooShort }), "password", "12 characters");

        using var user = factory.CreateApiClient(await KeyForAsync(userId));
        await ShouldBeFieldErrorAsync(await user.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "long-enough-password-1", newPassword = tooShort }),
            "newPassword", "12 characters");
        (await user.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "long-enough-password-1", newPassword = tooShort + "x" }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent, "twelve characters are enough");
    }

    [Fact]
    public async Task Changing_your_own_password_over_the_api_needs_the_current_one_and_clears_the_forced_change()
    {
        var email = GuardedSetup.NewEmail("self");
        var userId = await AccountHttp.CreateUserAsync(Admin, email, "set-by-admin-42");
        using var user = factory.CreateApiClient(await KeyForAsync(userId));
        (await user.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK, "API keys keep working while the password must be changed");

        await ShouldBeFieldErrorAsync(await user.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "guessing-password-1", newPassword = "my-own-password-7" }),
            "currentPassword", "not your current password");
        (await user.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "set-by-admin-42", newPassword = "my-own-password-7" }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var browser = factory.FormClient();
        (await AccountHttp.SignInAsync(browser, email, "set-by-admin-42")).Location().Should().Contain("error=invalid", "the old password is gone");
        (await AccountHttp.SignInAsync(browser, email, "my-own-password-7")).Location().Should().Be("/", "no forced change after choosing one's own");
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/users/{userId}"))!["mustChangePassword"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task An_admin_reset_ends_the_users_sessions_and_makes_them_choose_a_new_password()
    {
        var (email, userId, browser) = await SignedInUserAsync();
        (await browser.GetAsync("/dashboards")).StatusCode.Should().Be(HttpStatusCode.OK);

        var reset = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/password", new { });

        reset.StatusCode.Should().Be(HttpStatusCode.OK);
        var generated = (await reset.Content.ReadFromJsonAsync<JsonObject>())!["password"]!.GetValue<string>();
        generated.Length.Should().BeGreaterThanOrEqualTo(PasswordPolicy.MinLength);
        await ShouldBeSignedOutAsync(browser);
        using var again = factory.FormClient();
        (await AccountHttp.SignInAsync(again, email, "my-own-password-7")).Location().Should().Contain("error=invalid");
        (await AccountHttp.SignInAsync(again, email, generated)).Location().Should().StartWith("/account/password", "a reset password must be changed");
        var audit = (await factory.AuditAsync(AuditActions.PasswordReset, userId)).Should().ContainSingle().Subject;
        audit.Detail.Should().NotContain(generated, "the audit trail never holds a password");
    }

    [Theory]
    [InlineData("role")]
    [InlineData("disable")]
    public async Task Changing_the_role_or_disabling_a_user_ends_their_sessions(string change)
    {
        var (_, userId, browser) = await SignedInUserAsync();
        (await browser.GetAsync("/dashboards")).StatusCode.Should().Be(HttpStatusCode.OK);

        var update = await Admin.PutAsJsonAsync($"/api/v1/users/{userId}", change == "role" ? new { role = "viewer" } : (object)new { disabled = true });
        update.StatusCode.Should().Be(HttpStatusCode.OK, await update.Content.ReadAsStringAsync());

        await ShouldBeSignedOutAsync(browser);
        var action = change == "role" ? AuditActions.UserRoleChanged : AuditActions.UserDisabled;
        (await factory.AuditAsync(action, userId)).Should().ContainSingle();
    }

    /// <summary>A user who chose their own password (no forced change), signed in with a cookie.</summary>
    private async Task<(string Email, string UserId, HttpClient Browser)> SignedInUserAsync()
    {
        var email = GuardedSetup.NewEmail("session");
        var userId = await AccountHttp.CreateUserAsync(Admin, email, "set-by-admin-42");
        using (var key = factory.CreateApiClient(await KeyForAsync(userId)))
            (await key.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "set-by-admin-42", newPassword = "my-own-password-7" })).EnsureSuccessStatusCode();
        var browser = factory.FormClient();
        (await AccountHttp.SignInAsync(browser, email, "my-own-password-7")).Location().Should().Be("/");
        return (email, userId, browser);
    }

    /// <summary>The cookie is re-checked every second here (Analytics:Auth:SessionRevalidationSeconds = 1).</summary>
    private static async Task ShouldBeSignedOutAsync(HttpClient browser)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpResponseMessage page;
        do
        {
            await Task.Delay(500);
            page = await browser.GetAsync("/dashboards");
        } while (page.StatusCode == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        page.StatusCode.Should().Be(HttpStatusCode.Redirect, "the session ended");
        new Uri(new Uri("http://localhost"), page.Location()).AbsolutePath.Should().Be("/account/login");
    }

    private async Task<string> KeyForAsync(string userId)
    {
        var response = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "test" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }

    internal static async Task ShouldBeFieldErrorAsync(HttpResponseMessage response, string field, string text)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors[field]![0]!.GetValue<string>().Should().Contain(text);
    }
}
