using System.Net;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Components.Layout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The shell in a real browser: sign in, the layout renders, navigation works, the circuit is interactive.</summary>
public sealed class ShellTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Signed_out_visitor_is_sent_to_sign_in_and_a_wrong_password_says_so()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboards");
        page.Url.Should().Contain("/account/login");

        await page.FillAsync("#email", Web.AnalyticsWebFactory.AdminEmail);
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("[data-testid=sign-in]");

        await Assertions.Expect(page.Locator("[data-testid=login-error]")).ToContainTextAsync("do not match");
        await context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Admin_signs_in_and_the_shell_shows_every_area_in_the_navigation()
    {
        var page = await fixture.SignedInPageAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Home");
        await Assertions.Expect(page.Locator("[data-testid=source-count]")).ToHaveTextAsync("3");

        var nav = page.Locator("nav[aria-label=Main]");
        foreach (var item in NavItems.All)
        {
            await Assertions.Expect(nav.GetByText(item.Text, new() { Exact = true })).ToBeVisibleAsync();
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "shell-home.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Navigation_moves_between_areas_without_a_full_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await page.EvaluateAsync("() => window.__marker = 'same-document'");

        await page.Locator("nav[aria-label=Main]").GetByText("Sources", new() { Exact = true }).ClickAsync();
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/sources$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sources");
        await Assertions.Expect(page.Locator("[data-testid=source-grid]")).ToContainTextAsync("Northwind Outdoor (US)");

        await page.Locator("nav[aria-label=Main]").GetByText("Dashboards", new() { Exact = true }).ClickAsync();
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards$"));
        await Assertions.Expect(page.Locator("[data-testid=dashboard-grid-list]")).ToContainTextAsync("Performance overview");

        (await page.EvaluateAsync<string>("() => window.__marker")).Should().Be("same-document", "Blazor navigates inside the page");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "shell-dashboards.png") });
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task The_circuit_is_interactive_creating_an_api_key_that_then_works_over_http()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/account/api-keys");
        await page.FillAsync("[data-testid=key-name]", "browser test key");
        await page.ClickAsync("[data-testid=create-key]");

        var keyLocator = page.Locator("[data-testid=new-key]");
        await Assertions.Expect(keyLocator).ToBeVisibleAsync();
        var key = (await keyLocator.InnerTextAsync()).Trim();
        key.Should().StartWith("ak_");
        await Assertions.Expect(page.Locator("[data-testid=key-grid]")).ToContainTextAsync("browser test key");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "api-key-created.png") });

        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var me = await http.GetAsync("/api/v1/me");
        me.StatusCode.Should().Be(HttpStatusCode.OK);
        (await me.Content.ReadAsStringAsync()).Should().Contain(Web.AnalyticsWebFactory.AdminEmail);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Sidebar_toggle_collapses_the_menu()
    {
        var page = await fixture.SignedInPageAsync();
        var main = page.Locator("main.app-main");
        await Assertions.Expect(main).ToHaveAttributeAsync("data-sidebar", "expanded");
        await page.ClickAsync("[data-testid=sidebar-toggle]");
        await Assertions.Expect(main).ToHaveAttributeAsync("data-sidebar", "collapsed");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_header_keeps_sign_out_and_the_account_menu_on_screen()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        var signOut = page.Locator("[data-testid=sign-out]");
        await Assertions.Expect(signOut).ToBeVisibleAsync();
        var box = (await signOut.BoundingBoxAsync())!;
        (box.X + box.Width).Should().BeLessThanOrEqualTo(390, "the button is whole on a 390 px screen");
        await Assertions.Expect(page.Locator("[data-testid=user-name]")).ToBeHiddenAsync();
        await PhoneFit.AssertFitsAsync(page, "the header");

        var account = page.GetByRole(AriaRole.Button, new() { Name = "Account" });
        await Assertions.Expect(account).ToBeVisibleAsync();
        await account.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=account-name]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=api-keys-link]")).ToHaveAttributeAsync("href", "/account/api-keys");
        await page.Locator("[data-testid=change-password-link]").ClickAsync();
        await page.WaitForURLAsync("**/account/password");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Admin_creates_a_user_in_the_users_page_and_validation_names_the_field()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/users");
        await page.ClickAsync("[data-testid=new-user]");
        var form = page.Locator("[data-testid=create-user-form]");
        await form.Locator("[data-testid=user-email]").FillAsync("not-an-email");
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(form.Locator(".field-error[data-field=email]")).ToContainTextAsync("valid e-mail");

        var email = $"ui-{Guid.NewGuid():N}@example.com";
        await form.Locator("[data-testid=user-email]").FillAsync(email);
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(page.Locator("[data-testid=users-message]")).ToContainTextAsync($"Created {email}");
        await Assertions.Expect(page.Locator("[data-testid=user-grid]")).ToContainTextAsync(email);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task The_bell_shows_a_new_notification_live_without_a_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await page.EvaluateAsync("() => window.__marker = 'same-document'");
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var adminId = (await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Analytics.Data.Identity.AppUser>>()
            .FindByEmailAsync(Web.AnalyticsWebFactory.AdminEmail))!.Id;
        var notifications = fixture.App.Services.GetRequiredService<Analytics.Data.Notifications.NotificationService>();
        var before = await notifications.UnreadCountAsync(new Analytics.Domain.Access.Actor(adminId, "a", Analytics.Domain.Access.Role.Admin, new HashSet<string>()), default);

        await notifications.NotifyAsync(adminId, "alert", "Alert: Spend spike", "spend over 1h is 999", "/alerts", default);

        await Assertions.Expect(page.Locator("[data-testid=bell-count]")).ToHaveTextAsync((before + 1).ToString());
        await page.ClickAsync("[data-testid=bell-button]");
        await Assertions.Expect(page.Locator(".bell-panel")).ToContainTextAsync("Alert: Spend spike");
        (await page.EvaluateAsync<string>("() => window.__marker")).Should().Be("same-document");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "bell.png") });
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Dark_mode_is_chosen_in_the_header_saved_for_the_user_and_survives_a_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        var lightBackground = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await page.ClickAsync("[data-testid=theme-switch] button");
        await page.ClickAsync("[data-testid=theme-dark]");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.WaitForFunctionAsync("light => getComputedStyle(document.body).backgroundColor !== light", lightBackground);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "shell-dark.png") });

        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

        await page.ClickAsync("[data-testid=theme-switch] button");
        await page.ClickAsync("[data-testid=theme-light]");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await page.Context.CloseAsync();
    }
}
