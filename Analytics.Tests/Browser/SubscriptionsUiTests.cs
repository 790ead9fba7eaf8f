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
        await LoadedAsync(page);
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

    [ChromiumFact]
    public async Task On_a_phone_the_form_and_the_list_fit_the_screen_with_every_row_action_on_it()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await BrowserFixture.GotoInteractiveAsync(page, "/subscriptions");
        await LoadedAsync(page);
        await page.Locator("[data-testid=new-subscription]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=subscription-form]")).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the subscription form");

        await page.Locator("[data-testid=subscription-recipients]").FillAsync("phone@example.com");
        await page.Locator("[data-testid=subscription-recipients]").PressAsync("Tab");
        await page.Locator("[data-testid=save-subscription]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=subscription-message]")).ToContainTextAsync("Saved");

        // One card per subscription on a phone: its name and all four actions on screen.
        var row = page.Locator("[data-testid=subscription-grid] tbody tr").First;
        await Assertions.Expect(row.Locator("td[data-label=Subscription]")).ToContainTextAsync("Performance overview");
        await Assertions.Expect(row.Locator("td[data-label=Subscription]")).ToBeInViewportAsync();
        foreach (var action in new[] { "subscription-run", "subscription-history", "subscription-edit", "subscription-delete" })
        {
            await row.Locator($"[data-testid={action}]").ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(row.Locator($"[data-testid={action}]")).ToBeInViewportAsync();
        }
        await PhoneFit.AssertFitsAsync(page, "the subscription list");

        // Leave the list as it was (the other test runs the first subscription).
        var rows = page.Locator("[data-testid=subscription-grid] tbody tr");
        var before = await rows.CountAsync();
        await row.Locator("[data-testid=subscription-delete]").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(before - 1);
        await page.Context.CloseAsync();
    }

    /// <summary>The live page loads its dashboards and subscriptions after its first render ("New subscription" waits for the dashboards).</summary>
    private static async Task LoadedAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("[data-testid=subscriptions-loading]")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=new-subscription]")).ToBeEnabledAsync();
    }
}
