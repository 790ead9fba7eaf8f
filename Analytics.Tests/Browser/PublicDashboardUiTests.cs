using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Analytics.Web.Components.Dashboards;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The public page in Chromium, anonymously: the same numbers as the public API for the same request, a failing
/// widget that says only that it could not be shown, and nothing in the page that names an instance id, the owner or
/// the query behind a widget.
/// </summary>
public sealed class PublicDashboardUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>An HTTP client of the app on its real port (the factory's in-memory client does not reach Kestrel).</summary>
    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = fixture.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [ChromiumFact]
    public async Task The_public_page_shows_the_public_numbers_and_nothing_that_names_instances_or_the_owner()
    {
        using var admin = Client(AnalyticsWebFactory.BootstrapKey);
        var ownerName = $"Olive Owner {Guid.NewGuid():N}"[..20];
        var ownerEmail = $"olive-{Guid.NewGuid():N}@owners.example";
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email = ownerEmail, displayName = ownerName, role = "analyst", instanceIds = new[] { "demo-contoso", "demo-fabrikam" } });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var ownerId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var key = (await (await admin.PostAsJsonAsync($"/api/v1/users/{ownerId}/api-keys", new { name = "test" })).Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        using var owner = Client(key);

        var dashboard = await owner.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Partner spend",
            filters = new object[] { new { dimension = "time", preset = "last30days" }, new { dimension = "instance", values = new[] { "demo-contoso" } } },
            settings = new { lazyLoad = false },
            widgets = new object[]
            {
                new { id = "k1", type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Spend", query = new { metrics = new[] { "spend" } } } },
                new { id = "broken", type = "kpi", position = new { x = 3, y = 0, w = 3, h = 2 }, config = new { title = "Broken", query = new { metrics = new[] { "spend" }, dataset = "no_such_dataset" } } },
            },
        });
        dashboard.StatusCode.Should().Be(HttpStatusCode.Created, await dashboard.Content.ReadAsStringAsync());
        var dashboardId = (await dashboard.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var token = (await (await owner.PostAsJsonAsync($"/api/v1/dashboards/{dashboardId}/shares", new { @public = true })).Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();

        using var anonymous = Client(null);
        async Task<string> ApiSpendAsync(string preset)
        {
            var body = (await anonymous.GetFromJsonAsync<JsonObject>($"/api/v1/public/dashboards/{token}?preset={preset}"))!;
            var kpi = body["data"]!["widgets"]!.AsArray().Single(w => w!["widgetId"]!.GetValue<string>() == "k1")!["kpi"]!;
            return new KpiCardModel("", kpi["value"]!.GetValue<double>(), null, kpi["format"]!.GetValue<string>(), false, []).FormattedValue;
        }
        var last30 = await ApiSpendAsync("last30days");
        var last7 = await ApiSpendAsync("last7days");
        last7.Should().NotBe(last30);

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/public/d/{token}");
        var spend = page.Locator("[data-widget-id=k1][data-state=ok] [data-testid=kpi-value]");
        await Assertions.Expect(spend).ToHaveTextAsync(last30, new() { Timeout = 30_000 });
        var broken = page.Locator("[data-widget-id=broken][data-state=error]");
        await Assertions.Expect(broken).ToContainTextAsync("This widget could not be shown.", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=public-filters]")).ToContainTextAsync("Contoso Home (UK)");

        await DashboardsUiTests.PickAsync(page, "public-preset", "Last 7 days");
        await Assertions.Expect(spend).ToHaveTextAsync(last7, new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "public-dashboard.png"), FullPage = true });

        // On a phone the widgets stack, the title and the time range stay whole, and nothing scrolls sideways.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("[data-testid=public-preset]")).ToBeInViewportAsync();
        await Assertions.Expect(spend).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the public dashboard");

        var html = await page.ContentAsync();
        foreach (var secret in new[] { "demo-contoso", "demo-fabrikam", "demo-northwind", ownerId, ownerName, ownerEmail, dashboardId, "no_such_dataset" })
            html.Should().NotContain(secret, $"the public page must not reveal '{secret}'");
        await context.CloseAsync();
    }
}
