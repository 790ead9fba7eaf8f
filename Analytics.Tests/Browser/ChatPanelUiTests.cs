using System.Globalization;
using Analytics.Data.Dashboards;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The chat side panel on a dashboard in Chromium: it answers under the dashboard's filters, an answer goes onto the
/// dashboard, a bookmarked answer is listed on /chat and opens its conversation, Esc closes the panel, on a phone it
/// covers the screen, and Copy puts the table on the clipboard as tab-separated cells.
/// </summary>
public sealed class ChatPanelUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    private Task<DashboardView> DashboardAsync(string name, params DashboardFilter[] filters) =>
        fixture.App.Services.GetRequiredService<DashboardService>().CreateAsync(Actor.System, new DashboardDefinition
        {
            Name = name, Filters = filters,
            Widgets = [new WidgetDefinition { Id = "spend", Type = "kpi", Position = new WidgetPosition(0, 0, 3, 2), Config = new WidgetConfig { Title = "Spend", Query = new() { Metrics = ["spend"] } } }],
        }, default);

    [ChromiumFact]
    public async Task The_panel_answers_under_the_dashboards_filters_adds_the_answer_to_it_and_bookmarks_it()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var dashboard = await DashboardAsync($"Contoso panel {Guid.NewGuid():N}"[..22],
            new DashboardFilter("time", Preset: "lastMonth"), new DashboardFilter("instance", ["demo-contoso"]));
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{dashboard.Id}");

        var toggle = page.Locator("[data-testid=toggle-chat]");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        var panel = page.Locator("[data-testid=chat-side-panel]");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        var scope = panel.Locator("[data-testid=chat-scope]");
        await Assertions.Expect(scope).ToContainTextAsync(lastMonth.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        await Assertions.Expect(scope).ToContainTextAsync("Contoso Home (UK)");
        var input = panel.Locator("[data-testid=chat-input]");
        await Assertions.Expect(input).ToBeFocusedAsync();

        await input.FillAsync("What was ROAS by campaign?");
        await input.PressAsync("Enter");
        var answer = panel.Locator("[data-testid=chat-assistant]").First;
        await Assertions.Expect(answer.Locator("[data-testid=chat-text]")).ToContainTextAsync("Contoso Home (UK)", new() { Timeout = 30_000 });
        await Assertions.Expect(answer.Locator("[data-testid=chat-text]")).ToContainTextAsync(lastMonth.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        var viz = answer.Locator("[data-testid=chat-visualization]");
        await Assertions.Expect(viz).ToHaveAttributeAsync("data-type", "bar");
        // Contoso's 8 campaigns, not the workspace's 24: the dashboard's instance filter applied.
        await Assertions.Expect(viz.Locator("table tbody tr")).ToHaveCountAsync(8);
        (await viz.Locator("table tbody tr td:first-child").AllTextContentsAsync()).Should().OnlyContain(c => c.StartsWith("Contoso", StringComparison.Ordinal));
        await Assertions.Expect(viz.Locator(".chat-chart canvas")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Shot("chat-panel-desktop.png"), FullPage = true });

        // Add to dashboard: this dashboard is preselected; the widget appears on the grid at once.
        await Assertions.Expect(page.Locator("[data-testid=dashboard-grid] .grid-cell")).ToHaveCountAsync(1);
        await viz.Locator("[data-testid=chat-add-to-dashboard]").ClickAsync();
        var confirm = panel.Locator("[data-testid=chat-add-confirm]");
        await Assertions.Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();
        await Assertions.Expect(panel.Locator("[data-testid=chat-added]")).ToContainTextAsync(dashboard.Name);
        await Assertions.Expect(page.Locator("[data-testid=dashboard-grid] .grid-cell")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=dashboard-grid] [data-widget-type=bar][data-state=ok]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var stored = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, dashboard.Id, default);
        var added = stored.Widgets.Should().ContainSingle(w => w.Type == "bar").Subject;
        added.Position.Should().Be(new WidgetPosition(3, 0, 6, 4));
        added.Config.Query!.Metrics.Should().Equal("roas");
        added.Config.Query.SourceIds.Should().Equal("demo-contoso");

        // Bookmark the answer; Esc closes the panel and gives the focus back to its toggle.
        var bookmark = answer.Locator("[data-testid=chat-bookmark]");
        await bookmark.ClickAsync();
        await Assertions.Expect(bookmark).ToHaveAttributeAsync("aria-pressed", "true");
        await input.PressAsync("Escape");
        await Assertions.Expect(panel).ToHaveCountAsync(0);
        await Assertions.Expect(toggle).ToBeFocusedAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");

        // The bookmark is listed on /chat and opens its conversation at the answer.
        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        var item = page.Locator("[data-testid=chat-bookmark-item]").Filter(new() { HasText = "What was ROAS by campaign?" });
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await item.Locator("[data-testid=chat-bookmark-open]").ClickAsync();
        var opened = page.Locator("[data-testid=chat-assistant]").First;
        await Assertions.Expect(opened.Locator("[data-testid=chat-visualization] table tbody tr")).ToHaveCountAsync(8);
        await Assertions.Expect(opened.Locator("[data-testid=chat-bookmark]")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ScreenshotAsync(new() { Path = Shot("chat-bookmarks.png"), FullPage = true });
        await item.Locator("[data-testid=chat-bookmark-remove]").ClickAsync();
        await Assertions.Expect(item).ToHaveCountAsync(0);
        await Assertions.Expect(opened.Locator("[data-testid=chat-bookmark]")).ToHaveAttributeAsync("aria-pressed", "false");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_panel_covers_the_screen_and_copy_puts_the_table_on_the_clipboard()
    {
        var dashboard = await DashboardAsync($"Phone panel {Guid.NewGuid():N}"[..20], new DashboardFilter("time", Preset: "last30days"));
        var page = await fixture.SignedInPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.BaseAddress.ToString().TrimEnd('/') });
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{dashboard.Id}");

        await page.Locator("[data-testid=toggle-chat]").ClickAsync();
        var panel = page.Locator("[data-testid=chat-side-panel]");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        var box = (await panel.BoundingBoxAsync())!;
        box.X.Should().BeApproximately(0, 1);
        box.Width.Should().BeApproximately(390, 1);
        box.Height.Should().BeApproximately(844, 1);

        var input = panel.Locator("[data-testid=chat-input]");
        await input.FillAsync("Top 3 campaigns by sales");
        await panel.Locator("[data-testid=chat-send]").ClickAsync();
        var answer = panel.Locator("[data-testid=chat-assistant]").First;
        var rows = answer.Locator("[data-testid=chat-visualization] table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        var first = await rows.First.Locator("td").First.TextContentAsync();
        await page.ScreenshotAsync(new() { Path = Shot("chat-panel-phone.png") });

        await answer.Locator("[data-testid=chat-copy]").ClickAsync();
        string clipboard = "";
        for (var i = 0; i < 50 && !clipboard.Contains('\t'); i++)
        {
            await page.WaitForTimeoutAsync(100);
            clipboard = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        }
        clipboard.Should().StartWith("Top 3 ").And.Contain("\n" + first + "\t");
        clipboard.Split('\n').Count(l => l.Contains('\t')).Should().Be(4, "a header and three rows");

        await input.PressAsync("Escape");
        await Assertions.Expect(panel).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
