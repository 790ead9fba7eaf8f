using Analytics.Data.Dashboards;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The /exports page in a real browser: a download shows up in the history, and Re-download gives the same CSV.</summary>
public sealed class ExportHistoryUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_download_appears_in_the_export_history_and_re_downloads_the_same_csv()
    {
        var dashboard = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, "demo-performance", default);
        var table = dashboard.Widgets.First(w => w.Type == "table").Id;
        var page = await fixture.SignedInPageAsync();
        var first = await page.APIRequest.GetAsync(new Uri(fixture.BaseAddress, $"/downloads/dashboards/demo-performance?format=csv&widget={table}").ToString());
        first.Status.Should().Be(200);
        var original = await first.TextAsync();

        await BrowserFixture.GotoInteractiveAsync(page, "/exports");
        var grid = page.Locator("[data-testid=export-grid]");
        await Assertions.Expect(grid).ToContainTextAsync("Performance overview");
        await Assertions.Expect(grid).ToContainTextAsync("Campaigns");
        await Assertions.Expect(grid).ToContainTextAsync("CSV");
        await Assertions.Expect(grid).ToContainTextAsync("data may have changed since");

        var download = page.WaitForDownloadAsync();
        await grid.Locator("[data-testid=redownload]").First.ClickAsync();
        var file = await (await download).PathAsync();
        (await File.ReadAllTextAsync(file)).Should().Be(original);

        await BrowserFixture.GotoInteractiveAsync(page, "/exports");
        await Assertions.Expect(grid).ToContainTextAsync("Download (re-download)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "export-history.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
