using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>Home in a real browser: the quick-ask box opens the chat asking the question; a star in the list puts a dashboard under favourites; it fits a phone.</summary>
public sealed class HomeUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    [ChromiumFact]
    public async Task The_quick_ask_box_opens_the_chat_which_asks_the_question()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await page.Locator("[data-testid=home-ask-input]").FillAsync("What was our spend by campaign last week?");
        await page.Locator("[data-testid=home-ask-submit]").ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/chat");
        var question = page.Locator("[data-testid=chat-user]").First;
        await Assertions.Expect(question).ToContainTextAsync("What was our spend by campaign last week?", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=chat-assistant] [data-testid=chat-text]").First).Not.ToBeEmptyAsync(new() { Timeout = 30_000 });
        // The question left the address: a reload does not ask it again.
        new Uri(page.Url).Query.Should().NotContain("ask=");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.WaitForTimeoutAsync(500);
        await Assertions.Expect(page.Locator("[data-testid=chat-user]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Starring_a_dashboard_in_the_list_puts_it_under_favourites_and_opening_it_under_recent_on_home()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        var row = page.Locator("[data-testid=dashboard-grid-list] tbody tr").Filter(new() { HasText = "Performance overview" });
        var star = row.Locator("[data-testid=favorite-toggle]");
        if (await star.GetAttributeAsync("aria-pressed") == "true")
        {
            await star.ClickAsync(); // another test starred it: start from not starred
            await Assertions.Expect(star).ToHaveAttributeAsync("aria-pressed", "false");
        }
        await star.ClickAsync();
        await Assertions.Expect(star).ToHaveAttributeAsync("aria-pressed", "true");
        new Uri(page.Url).AbsolutePath.Should().Be("/dashboards", "the star does not open the dashboard");

        await page.Locator("[data-testid=dashboard-link]").Filter(new() { HasText = "Performance overview" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboards/demo-performance");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=favorite]")).ToHaveAttributeAsync("aria-pressed", "true");

        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Assertions.Expect(page.Locator("[data-testid=home-favorite-item]")).ToContainTextAsync("Performance overview");
        await Assertions.Expect(page.Locator("[data-testid=home-recent-item]").First).ToContainTextAsync("Performance overview");
        await Assertions.Expect(page.Locator("[data-testid=home-jobs]")).ToBeVisibleAsync();
        await PhoneFit.BackToDesktopAsync(page, 1440);
        await page.ScreenshotAsync(new() { Path = Shot("home-desktop.png"), FullPage = true });

        await PhoneFit.AssertFitsAsync(page, "home");
        await page.ScreenshotAsync(new() { Path = Shot("home-phone.png"), FullPage = true });

        // Unstarred on the dashboard page, it leaves the favourites.
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        await page.Locator("[data-testid=favorite]:visible").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=favorite]:visible")).ToHaveAttributeAsync("aria-pressed", "false");
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Assertions.Expect(page.Locator("[data-testid=home-favorites-empty]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
