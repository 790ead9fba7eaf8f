using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The account in a real browser: the forced password change, and an open page that loses its user when an admin disables them.</summary>
public sealed class AccountUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private HttpClient Admin => Api(AnalyticsWebFactory.BootstrapKey);

    /// <summary>The app runs on Kestrel for the browser, so the API is reached over its real address too.</summary>
    private HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = fixture.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    [ChromiumFact]
    public async Task A_user_whose_password_an_admin_set_must_choose_their_own_before_any_page()
    {
        var email = $"forced-{Guid.NewGuid():N}@example.com";
        await CreateUserAsync(email, "set-by-admin-42");
        var page = await SignInAsync(email, "set-by-admin-42");

        await BrowserFixture.WaitForAddressAsync(page, new Regex("/account/password"));
        await Assertions.Expect(page.Locator("[data-testid=password-forced]")).ToContainTextAsync("Choose your own");
        await page.GotoAsync("/dashboards");
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/account/password\\?returnUrl=%2Fdashboards"));

        await page.FillAsync("#currentPassword", "set-by-admin-42");
        await page.FillAsync("#newPassword", "my-own-password-7");
        await page.FillAsync("#confirmPassword", "my-own-password-8");
        await page.ClickAsync("[data-testid=change-password]");
        await Assertions.Expect(page.Locator(".field-error[data-field=confirmPassword]")).ToContainTextAsync("differ");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "password-forced-change.png") });

        await page.FillAsync("#currentPassword", "set-by-admin-42");
        await page.FillAsync("#newPassword", "my-own-password-7");
        await page.FillAsync("#confirmPassword", "my-own-password-7");
        await page.ClickAsync("[data-testid=change-password]");

        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards$"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboards");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task An_open_page_shows_sign_in_once_an_admin_disables_its_user()
    {
        var email = $"disabled-{Guid.NewGuid():N}@example.com";
        var userId = await CreateUserAsync(email, "set-by-admin-42");
        using (var key = Api(await KeyAsync(userId)))
            (await key.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "set-by-admin-42", newPassword = "my-own-password-7" })).EnsureSuccessStatusCode();
        var page = await SignInAsync(email, "my-own-password-7");
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboards");
        await page.EvaluateAsync("() => window.__marker = 'open page'");

        (await Admin.PutAsJsonAsync($"/api/v1/users/{userId}", new { disabled = true })).EnsureSuccessStatusCode();

        // No reload by the test: the circuit re-checks the user (every second here) and sends the page to sign-in.
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/account/login"));
        await Assertions.Expect(page.Locator("[data-testid=sign-in]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "disabled-user-signed-out.png") });
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInAsync(string email, string password)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login?returnUrl=%2Fdashboards");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await BrowserFixture.WaitForAddressAsync(page, new Regex("^(?!.*/account/login).*$"));
        return page;
    }

    private async Task<string> CreateUserAsync(string email, string password)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email, role = "analyst", password });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private async Task<string> KeyAsync(string userId)
    {
        var response = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "ui test" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }
}
