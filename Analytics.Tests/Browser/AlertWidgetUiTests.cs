using System.Text.Json.Nodes;
using Analytics.Data.Alerts;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The alert widget on a dashboard in a real browser: a firing rule shows as firing, on a desktop and on a phone.</summary>
public sealed class AlertWidgetUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_dashboards_alert_widget_shows_a_firing_rule_and_fits_a_phone()
    {
        var page = await fixture.SignedInPageAsync();
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {AnalyticsWebFactory.BootstrapKey}" };
        Task<IAPIResponse> PostAsync(string path, object body) =>
            page.APIRequest.PostAsync(new Uri(fixture.BaseAddress, path).ToString(), new() { DataObject = body, Headers = headers });
        var rule = await PostAsync("/api/v1/alerts", new
        {
            name = "Fabrikam spend above zero", metric = "spend", kind = "semantic", sourceIds = new[] { "demo-fabrikam" },
            condition = new { op = "gt", threshold = 0, window = "30d" }, channels = new[] { new { type = "inapp" } },
        });
        rule.Status.Should().Be(201, await rule.TextAsync());
        await fixture.App.Services.GetRequiredService<AlertEvaluationService>().EvaluateAllAsync(default);
        var created = await PostAsync("/api/v1/dashboards", new
        {
            name = "Alert board", widgets = new object[] { new { id = "a1", type = "alert", position = new { x = 0, y = 0, w = 6, h = 3 }, config = new { title = "Watch" } } },
        });
        created.Status.Should().Be(201, await created.TextAsync());
        var id = JsonNode.Parse(await created.TextAsync())!["id"]!.GetValue<string>();

        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}");
        var row = page.Locator("[data-testid=alert-widget-row]").Filter(new() { HasText = "Fabrikam spend above zero" });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "firing", new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("spend > 0 over 30d");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "alert-widget.png") });

        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await Assertions.Expect(row).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "a dashboard with an alert widget");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "alert-widget-phone.png") });
        await page.Context.CloseAsync();
    }
}
