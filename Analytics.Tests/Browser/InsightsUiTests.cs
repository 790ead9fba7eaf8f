using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The /insights feed in a real browser: the weekly summaries appear; pin, mark read and dismiss work in place.</summary>
public sealed class InsightsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Feed_shows_weekly_summaries_and_pins_reads_and_dismisses_them()
    {
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await fixture.App.Services.GetRequiredService<InsightScanner>().SummarizeWeekAsync(Actor.System, yesterday, default);
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

/// <summary>Links to an insight open its chart; the notification settings panel saves each channel (own app: the feed test above counts cards).</summary>
public sealed class InsightSettingsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_link_to_an_insight_opens_its_chart_and_notification_settings_save_per_channel()
    {
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var insights = fixture.App.Services.GetRequiredService<InsightScanner>();
        await insights.SummarizeWeekAsync(Actor.System, yesterday.AddDays(-7), default);
        var linked = (await fixture.App.Services.GetRequiredService<InsightFeed>().ListAsync(Actor.System, new InsightFilter(), new Analytics.Domain.PageRequest(50, null), default)).Items.First();
        var page = await fixture.SignedInPageAsync();

        // The link insight e-mails and the bell carry: the insight, its chart open.
        await BrowserFixture.GotoInteractiveAsync(page, $"/insights?id={linked.Id}");
        var card = page.Locator("[data-testid=insight]", new() { HasText = linked.Title });
        await Assertions.Expect(card.Locator("[data-testid=insight-chart] canvas")).ToHaveCountAsync(1, new() { Timeout = 20_000 });

        await page.Locator("[data-testid=insight-settings-toggle]").ClickAsync();
        var settings = page.Locator("[data-testid=insight-settings]");
        await Assertions.Expect(settings).ToBeVisibleAsync();
        await settings.Locator("[data-testid=inapp-type-trend]").ClickAsync();
        await settings.Locator("[data-testid=email-type-summary]").ClickAsync();
        await page.Locator("[data-testid=insight-settings-save]").ClickAsync();
        await Assertions.Expect(settings).ToContainTextAsync("Saved.");

        var factory = fixture.App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Analytics.Data.AnalyticsDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var json = db.Users.Single(u => u.Email == Analytics.Tests.Web.AnalyticsWebFactory.AdminEmail).InsightNotificationsJson;
        var saved = Analytics.Data.Identity.UserPreferencesService.ReadInsights(json);
        saved.Types.Should().NotContain(Analytics.Domain.Insights.InsightType.Trend);
        saved.Email.Types.Should().NotContain(Analytics.Domain.Insights.InsightType.Summary).And.Contain(Analytics.Domain.Insights.InsightType.Anomaly);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_feed_fits_the_screen_with_each_cards_actions_visible()
    {
        var insights = fixture.App.Services.GetRequiredService<InsightScanner>();
        await insights.SummarizeWeekAsync(Actor.System, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-15), default);
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await BrowserFixture.GotoInteractiveAsync(page, "/insights");

        var first = page.Locator("[data-testid=insight]").First;
        await Assertions.Expect(first.Locator("h2")).ToBeVisibleAsync();
        foreach (var action in new[] { "chart", "pin", "dismiss" })
        {
            await Assertions.Expect(first.Locator($"[data-testid={action}]")).ToBeInViewportAsync();
        }
        await PhoneFit.AssertFitsAsync(page, "the insights feed");

        await page.Locator("[data-testid=insight-settings-toggle]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=insight-settings-save]")).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the insight notification settings");
        await page.Context.CloseAsync();
    }
}
