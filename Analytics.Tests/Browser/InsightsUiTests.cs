using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Microsoft.Extensions.DependencyInjection;
using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The /insights feed in a real browser: the weekly summaries appear; pin, mark read and dismiss work in place.</summary>
public sealed class InsightsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Feed_shows_weekly_summaries_and_pins_reads_and_dismisses_them()
    {
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await fixture.App.Services.GetRequiredService<InsightService>().SummarizeWeekAsync(Actor.System, yesterday, default);
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/insights");

        var cards = page.Locator("[data-testid=insight]");
        await Assertions.Expect(cards).ToHaveCountAsync(3);
        await Assertions.Expect(cards.First.Locator("[data-testid=insight-text]")).ToContainTextAsync("week over week");

        var last = cards.Nth(2);
        var title = await last.Locator("h2").InnerTextAsync();
        await last.Locator("[data-testid=pin]").ClickAsync();
        await Assertions.Expect(cards.First.Locator("h2")).ToHaveTextAsync(title, new() { Timeout = 20_000 }); // pinned go first

        await cards.First.Locator("[data-testid=mark-read]").ClickAsync();
        await Assertions.Expect(cards.First.Locator("[data-testid=mark-read]")).ToHaveCountAsync(0);

        await cards.Nth(1).Locator("[data-testid=dismiss]").ClickAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(2);

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "insights-desktop.png"), FullPage = true });
        await BrowserFixture.GotoInteractiveAsync(page, "/insights");
        await Assertions.Expect(cards).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await Assertions.Expect(cards.First.Locator("h2")).ToHaveTextAsync(title);
        await page.Context.CloseAsync();
    }
}
