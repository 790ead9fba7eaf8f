using System.Globalization;
using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>/chat in a real browser: a suggested question streams an answer with a chart and a table; a follow-up keeps context; conversations are renamed and deleted.</summary>
public sealed class ChatUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Asking_shows_the_answer_with_a_chart_and_a_follow_up_keeps_the_context()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var monthBefore = lastMonth.AddMonths(-1);
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        await Assertions.Expect(page.Locator("[data-testid=chat-quota]")).ToContainTextAsync("questions left this hour");

        await page.Locator("[data-testid=chat-suggestions]").GetByText("What was our ROAS by campaign last month?").ClickAsync();
        var answers = page.Locator("[data-testid=chat-assistant]");
        await Assertions.Expect(answers.First.Locator("[data-testid=chat-text]")).ToContainTextAsync(lastMonth.ToString("MMMM yyyy", CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        var viz = answers.First.Locator("[data-testid=chat-visualization]");
        await Assertions.Expect(viz).ToHaveAttributeAsync("data-type", "bar");
        await Assertions.Expect(viz.Locator("table tbody tr")).ToHaveCountAsync(24);
        await Assertions.Expect(viz.Locator(".chat-chart canvas")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(answers.First.Locator("[data-testid=chat-tools] summary")).ToContainTextAsync("query");

        await page.Locator("[data-testid=chat-input]").FillAsync("and the month before?");
        await page.Locator("[data-testid=chat-send]").ClickAsync();
        await Assertions.Expect(answers.Nth(1).Locator("[data-testid=chat-text]")).ToContainTextAsync(monthBefore.ToString("MMMM yyyy", CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "chat-desktop.png"), FullPage = true });

        var conversation = page.Locator("[data-testid=chat-conversation]");
        await Assertions.Expect(conversation).ToHaveCountAsync(1);
        await conversation.Locator("[data-testid=chat-rename]").ClickAsync();
        await page.Locator("[data-testid=chat-rename-text]").FillAsync("ROAS review");
        await page.Locator("[data-testid=chat-rename-save]").ClickAsync();
        await Assertions.Expect(conversation).ToContainTextAsync("ROAS review");
        await conversation.Locator("[data-testid=chat-delete]").ClickAsync();
        await Assertions.Expect(conversation).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task An_ambiguous_date_is_asked_back_with_buttons_and_a_button_asks_the_chosen_reading()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        var input = page.Locator("[data-testid=chat-input]");
        await input.FillAsync("Spend on 03/04/2025");
        await input.PressAsync("Enter");
        var answers = page.Locator("[data-testid=chat-assistant]");
        await Assertions.Expect(answers.First.Locator("[data-testid=chat-text]")).ToContainTextAsync("Which date do you mean", new() { Timeout = 30_000 });
        var choices = answers.First.Locator("[data-testid=chat-choice]");
        await Assertions.Expect(choices).ToHaveCountAsync(2);
        await Assertions.Expect(choices.Nth(0)).ToContainTextAsync("Mar 4, 2025");
        await choices.Nth(1).ClickAsync();
        await Assertions.Expect(answers.Nth(1).Locator("[data-testid=chat-text]")).ToContainTextAsync("Apr 3, 2025", new() { Timeout = 30_000 });
        await Assertions.Expect(answers.Nth(1).Locator("[data-testid=chat-visualization]")).ToHaveAttributeAsync("data-type", "kpi");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_chat_fits_the_screen_and_an_answers_table_scrolls_inside_itself()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        await Assertions.Expect(page.Locator("[data-testid=chat-new]")).ToBeInViewportAsync();
        await PhoneFit.AssertFitsAsync(page, "the chat page");

        var input = page.Locator("[data-testid=chat-input]");
        await input.FillAsync("What was our ROAS by campaign last month?");
        await input.PressAsync("Enter");
        var answer = page.Locator("[data-testid=chat-assistant]").First;
        await Assertions.Expect(answer.Locator("[data-testid=chat-visualization] table tbody tr")).ToHaveCountAsync(24, new() { Timeout = 30_000 });
        await Assertions.Expect(input).ToHaveValueAsync("");
        await answer.Locator("[data-testid=chat-copy]").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(answer.Locator("[data-testid=chat-copy]")).ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("[data-testid=chat-send]")).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the chat page with an answer");

        // Leave the list as it was (the other test counts conversations).
        var conversations = page.Locator("[data-testid=chat-conversation]");
        var before = await conversations.CountAsync();
        await conversations.First.Locator("[data-testid=chat-delete]").ClickAsync();
        await Assertions.Expect(conversations).ToHaveCountAsync(before - 1);
        await page.Context.CloseAsync();
    }
}
