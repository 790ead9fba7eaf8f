using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Dashboards;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>Widget settings in the builder, as the browser shows them: a widget's own time range beside the dashboard's.</summary>
public sealed class WidgetSettingsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    /// <summary>The number of points of the first series of the chart titled <paramref name="title"/>, once it is drawn with <paramref name="expected"/>.</summary>
    private static async Task<int> PointsAsync(IPage page, string title, int expected)
    {
        const string Count = "title => { const tile = document.querySelector(`[aria-label='${title}'][data-state=ok]`); if (!tile || !window.echarts) return -1;" +
                             " const c = echarts.getInstanceByDom(tile.querySelector('[data-testid=echart]')); return c ? c.getOption().series[0].data.length : -1; }";
        try
        {
            await page.WaitForFunctionAsync($"([t, n]) => ({Count})(t) === n", new object[] { title, expected }, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            // Fall through: the assertion below says what was drawn instead.
        }
        return await page.EvaluateAsync<int>($"({Count})", title);
    }

    [ChromiumFact]
    public async Task A_widget_set_to_last_7_days_on_a_dashboard_on_last_90_days_shows_a_chip_and_7_days_and_keeps_them_after_saving_and_reloading()
    {
        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AnalyticsWebFactory.BootstrapKey);
        var line = new { metrics = new[] { "spend" }, granularity = "day" };
        var created = await api.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Own range " + Guid.NewGuid().ToString("N")[..6], refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", preset = "last90days" } },
            widgets = new object[]
            {
                new { id = "quarter", type = "line", position = new { x = 0, y = 0, w = 6, h = 4 }, config = new { title = "Spend by day", query = line } },
                new { id = "week", type = "line", position = new { x = 6, y = 0, w = 6, h = 4 }, config = new { title = "Spend this week", query = line } },
            },
        });
        var body = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();

        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}/edit");
        (await PointsAsync(page, "Spend this week", 90)).Should().Be(90, "it follows the dashboard's ninety days at first");
        await page.Locator("[aria-label='Spend this week'] [data-testid=configure-widget]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=config-panel]")).ToBeVisibleAsync();
        await DashboardsUiTests.PickAsync(page, "config-time-range", "Last 7 days");

        var chip = page.Locator("[aria-label='Spend this week'] [data-testid=widget-time-chip]");
        await Assertions.Expect(chip).ToHaveTextAsync("Last 7 days");
        (await PointsAsync(page, "Spend this week", 7)).Should().Be(7, "the builder's tile is the live preview of its own seven days");
        await Assertions.Expect(page.Locator("[aria-label='Spend by day'] [data-testid=widget-time-chip]")).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(1_200); // the chart's draw animation, for the screenshot
        await page.ScreenshotAsync(new() { Path = Shot("widget-time-range-editor.png"), FullPage = true });
        await page.ClickAsync("[data-testid=save-dashboard]");
        await Assertions.Expect(page.Locator("[data-testid=save-status]")).ToHaveTextAsync("All changes saved");

        var stored = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, id, default);
        WidgetOptions.OwnTimeRange(stored.Widgets.Single(w => w.Id == "week").Config.Options).Should().Be("last7days");
        WidgetOptions.OwnTimeRange(stored.Widgets.Single(w => w.Id == "quarter").Config.Options).Should().BeNull();

        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[aria-label='Spend this week'] [data-testid=widget-time-chip]")).ToHaveTextAsync("Last 7 days");
        await Assertions.Expect(page.Locator("[aria-label='Spend by day'] [data-testid=widget-time-chip]")).ToHaveCountAsync(0);
        (await PointsAsync(page, "Spend this week", 7)).Should().Be(7);
        (await PointsAsync(page, "Spend by day", 90)).Should().Be(90, "the dashboard's own range is unchanged");
        await page.WaitForTimeoutAsync(1_200);
        await page.ScreenshotAsync(new() { Path = Shot("widget-time-range-view.png"), FullPage = true });

        // The dashboard's range moves; the widget keeps its week.
        await DashboardsUiTests.PickAsync(page, "filter-preset", "Last 30 days");
        (await PointsAsync(page, "Spend by day", 30)).Should().Be(30);
        (await PointsAsync(page, "Spend this week", 7)).Should().Be(7);

        // On a phone the settings panel, with a value filter row, fits.
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}/edit");
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await page.Locator("[aria-label='Spend this week'] [data-testid=configure-widget]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=config-panel]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=add-value-filter]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=value-filter]")).ToHaveCountAsync(1);
        await PhoneFit.AssertFitsAsync(page, "the widget settings panel", "[data-testid=value-filter]");
        await page.Locator("[data-testid=config-value-filters]").ScreenshotAsync(new() { Path = Shot("widget-settings-phone.png") });
    }

    [ChromiumFact]
    public async Task A_colour_rule_and_a_gauge_threshold_added_in_the_panel_colour_the_table_and_the_gauge_in_dark_theme_and_are_saved()
    {
        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AnalyticsWebFactory.BootstrapKey);
        var created = await api.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Colours " + Guid.NewGuid().ToString("N")[..6], refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", preset = "last30days" } },
            widgets = new object[]
            {
                new { id = "table", type = "table", position = new { x = 0, y = 0, w = 8, h = 5 }, config = new { title = "Efficiency", query = new { metrics = new[] { "spend", "roas" }, groupBy = new[] { "campaign" } } } },
                new { id = "gauge", type = "gauge", position = new { x = 8, y = 0, w = 4, h = 5 }, config = new { title = "ROAS gauge", query = new { metrics = new[] { "roas" } }, options = new { min = 0, max = 8 } } },
            },
        });
        var body = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();

        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}/edit");
        await page.ClickAsync("[data-testid=theme-switch] button");
        await page.ClickAsync("[data-testid=theme-dark]");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

        var coloured = page.Locator("[aria-label='Efficiency'] td[style*='background-color']");
        await Assertions.Expect(page.Locator("[aria-label='Efficiency'][data-state=ok] td").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(coloured).ToHaveCountAsync(0);
        await page.Locator("[aria-label='Efficiency'] [data-testid=configure-widget]").ClickAsync();
        await page.ClickAsync("[data-testid=add-rule]");
        await page.FillAsync("input[data-testid=rule-value]", "1000000000");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(coloured.First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        (await coloured.First.GetAttributeAsync("style")).Should().Contain("background-color:#ffebee", "every spend below a billion takes the rule's light red");

        await page.Locator("[aria-label='ROAS gauge'] [data-testid=configure-widget]").ClickAsync();
        await page.ClickAsync("[data-testid=add-threshold]");
        await page.FillAsync("input[data-testid=threshold-value]", "2");
        await page.Keyboard.PressAsync("Tab");
        const string Bands = "() => { const tile = document.querySelector(\"[aria-label='ROAS gauge'][data-state=ok]\"); const c = tile && window.echarts && echarts.getInstanceByDom(tile.querySelector('[data-testid=echart]'));" +
                             " return c ? JSON.stringify(c.getOption().series[0].axisLine.lineStyle.color) : null; }";
        await page.WaitForFunctionAsync($"() => ({Bands})()?.includes('#2e7d32')", null, new() { Timeout = 20_000 });
        await page.WaitForTimeoutAsync(1_200);
        await page.ScreenshotAsync(new() { Path = Shot("widget-colours-dark.png"), FullPage = true });

        await page.ClickAsync("[data-testid=save-dashboard]");
        await Assertions.Expect(page.Locator("[data-testid=save-status]")).ToHaveTextAsync("All changes saved");
        var stored = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, id, default);
        stored.Widgets.Single(w => w.Id == "table").Config.Options![WidgetOptions.Rules]!.ToJsonString()
            .Should().Be("""[{"column":"spend","op":"lt","value":1000000000,"color":"#b71c1c","background":"#ffebee"}]""");
        stored.Widgets.Single(w => w.Id == "gauge").Config.Options![WidgetOptions.Thresholds]!.ToJsonString().Should().Be("""[{"value":2,"color":"#2e7d32"}]""");

        await page.ClickAsync("[data-testid=theme-switch] button");
        await page.ClickAsync("[data-testid=theme-light]");
    }
}
