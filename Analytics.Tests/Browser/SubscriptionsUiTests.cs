using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The /subscriptions page in a real browser: create through the form, run now, the history's outcome and download link.</summary>
public sealed class SubscriptionsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_subscription_is_created_run_and_its_failed_delivery_and_file_show_in_the_history()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/subscriptions");
        await page.Locator("[data-testid=new-subscription]").ClickAsync();
        var form = page.Locator("[data-testid=subscription-form]");
        await Assertions.Expect(form).ToBeVisibleAsync();

        await page.Locator("[data-testid=save-subscription]").ClickAsync();
        await Assertions.Expect(form).ToContainTextAsync("Give at least one recipient.");

        await page.Locator("[data-testid=subscription-recipients]").FillAsync("team@example.com");
        await page.Locator("[data-testid=subscription-recipients]").PressAsync("Tab");
        await page.Locator("[data-testid=save-subscription]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=subscription-message]")).ToContainTextAsync("Saved");
        var grid = page.Locator("[data-testid=subscription-grid]");
        await Assertions.Expect(grid).ToContainTextAsync("Weekly on Mon at 08:00");

        // This app has no SMTP server configured: the run is recorded failed, with the reason, and the file is still kept.
        await grid.GetByTitle("Run now").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=subscription-message]")).ToContainTextAsync("Analytics:Smtp:Host", new() { Timeout = 30_000 });
        await grid.GetByTitle("History").First.ClickAsync();
        var runs = page.Locator("[data-testid=run-grid]");
        await Assertions.Expect(runs).ToContainTextAsync("failed");
        var link = runs.Locator("a[href^='/exports/']").First;
        await Assertions.Expect(link).ToContainTextAsync(".pdf");
        var download = await page.APIRequest.GetAsync(new Uri(fixture.BaseAddress, (await link.GetAttributeAsync("href"))!).ToString());
        download.Status.Should().Be(200);
        download.Headers["content-type"].Should().Be("application/pdf");
        (await download.BodyAsync()).Take(5).Should().Equal("%PDF-"u8.ToArray());

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "subscriptions.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
