using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The admin, account, sources and export history pages on a 390×844 phone: the page never scrolls sideways, every
/// visible button lies inside the screen, and the page's key content is on it.
/// </summary>
public sealed class AdminPagesPhoneTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>The page's key content (a selector that must be visible), per page of this group.</summary>
    private static readonly (string Path, string Key)[] Pages =
    [
        ("/admin/users", $"[data-testid=user-grid] >> text={AnalyticsWebFactory.AdminEmail}"),
        ("/admin/jobs", "[data-testid=job-grid] >> text=supervisor"),
        ("/admin/chat-audit", "[data-testid=chat-audit]"),
        ("/admin/chat-egress", "[data-testid=chat-egress-instance][data-source=demo-northwind] >> [data-testid=chat-egress-mode]"),
        ("/admin/audit", "[data-testid=audit-trail] >> text=auth.signin"),
        ("/admin/backups", "[data-testid=backup-now]"),
        ("/account/api-keys", "[data-testid=create-key]"),
        ("/account/denied", "h1 >> text=Not allowed"),
        ("/sources", "[data-testid=source-grid] >> text=Northwind Outdoor (US)"),
        ("/exports", "h1 >> text=Export history"),
    ];

    [ChromiumFact]
    public async Task Every_page_of_the_group_fits_a_phone_with_its_actions_whole_and_its_key_content_visible()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        var failures = new List<string>();
        foreach (var (path, key) in Pages)
        {
            await BrowserFixture.GotoInteractiveAsync(page, path);
            failures.AddRange(await CheckAsync(page, path, key));
        }

        // The row actions that were cut off on a phone: a user's reset and a job's run button, whole on screen.
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/users");
        failures.AddRange(await CheckAsync(page, "/admin/users (row action)", "[data-testid=reset-password] >> nth=0"));
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/jobs");
        failures.AddRange(await CheckAsync(page, "/admin/jobs (row action)", "[data-testid='trigger-system.supervisor']"));

        // Static pages: the password form (signed in) and sign-in (signed out).
        await page.GotoAsync("/account/password");
        failures.AddRange(await CheckAsync(page, "/account/password", "[data-testid=change-password]"));
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/account/login");
        failures.AddRange(await CheckAsync(page, "/account/login", "[data-testid=sign-in]"));

        failures.Should().BeEmpty();
        await page.Context.CloseAsync();
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(IPage page, string path, string key)
    {
        var failures = new List<string>();
        var content = page.Locator(key).First;
        try
        {
            await content.ScrollIntoViewIfNeededAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(content).ToBeInViewportAsync();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            failures.Add($"{path}: the key content ({key}) is not on screen");
        }
        failures.AddRange((await PhoneFit.ProblemsAsync(page)).Select(p => $"{path}: {p}"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"phone{path.Replace('/', '-')}.png") });
        return failures;
    }
}
