using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Collections;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Domain.Access;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Analytics.Web.Components.Pages.Collections;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// Every page on a 390×844 phone, by <see cref="PhoneFit"/>'s rule: the page never scrolls sideways, and no visible button
/// is cut off by the screen's edge.
/// Also what a user sees when the connection to the server drops and comes back.
/// </summary>
public sealed class PhoneWalkTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private async Task<Actor> AdminAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(AnalyticsWebFactory.AdminEmail);
        return new Actor(admin!.Id, AnalyticsWebFactory.AdminEmail, Role.Admin, new HashSet<string>());
    }

    /// <summary>Something to open on each page that shows one thing: a report's run, a backfill, a public link.</summary>
    private async Task<(string ExecutionId, string CollectionId, string PublicToken)> FixturesAsync()
    {
        var admin = await AdminAsync();
        var report = await fixture.App.Services.GetRequiredService<ReportService>().CreateAsync(admin,
            new ReportInput("Phone walk", "tpl-demo-campaign-daily", "demo-northwind", [], new ReportSchedule { Kind = "daily", Time = "06:00" }), default);
        var now = DateTimeOffset.UtcNow;
        var execution = await fixture.App.Services.GetRequiredService<ExecutionService>().StartAsync(admin, report.Id,
            new ExecutionRequest(new DateTimeOffset(now.UtcDateTime.Date.AddDays(-8), TimeSpan.Zero), new DateTimeOffset(now.UtcDateTime.Date.AddDays(-1), TimeSpan.Zero)), default);
        var (start, end) = BackfillPreset.All.Single(p => p.Key == "4w").Period(now);
        var collection = await fixture.App.Services.GetRequiredService<CollectionService>().CreateAsync(admin,
            new CollectionInput(report.Id, new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero), "week", 2), default);
        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", AnalyticsWebFactory.BootstrapKey);
        var share = await api.PostAsJsonAsync("/api/v1/dashboards/demo-performance/shares", new { @public = true });
        share.EnsureSuccessStatusCode();
        var token = (await share.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
        return (execution.Id, collection.Id, token);
    }

    [ChromiumFact]
    public async Task Every_page_fits_a_phone_without_sideways_scrolling_or_cut_off_buttons()
    {
        var (executionId, collectionId, token) = await FixturesAsync();
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        string[] paths =
        [
            "/", "/dashboards", "/dashboards/demo-performance", "/dashboards/demo-performance/edit",
            "/reports", "/reports/templates/new", "/reports/templates/tpl-demo-campaign-daily", $"/reports/executions/{executionId}",
            "/collections", $"/collections/{collectionId}", "/sources", "/exports", "/subscriptions", "/schedules", "/insights", "/alerts", "/chat",
            "/admin/users", "/admin/jobs", "/admin/audit", "/admin/chat-audit", "/admin/chat-egress", "/admin/backups",
            "/account/api-keys", "/account/password", "/account/denied", "/not-found",
        ];
        string[] staticPages = ["/account/password"]; // server-rendered forms, no circuit
        var failures = new List<string>();
        foreach (var path in paths)
        {
            if (staticPages.Contains(path)) await page.GotoAsync(path);
            else await BrowserFixture.GotoInteractiveAsync(page, path);
            await page.WaitForTimeoutAsync(600); // data loads after the circuit starts; measure what then stays on screen
            var problems = await PhoneFit.ProblemsAsync(page);
            if (problems.Count == 0) continue;
            failures.AddRange(problems.Select(p => $"{path}: {p}"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"phone-walk{path.Replace('/', '-')}.png"), FullPage = true });
        }

        // The dashboard list shows each dashboard's name on screen, and the name opens it.
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        var demo = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, "demo-performance", default);
        var name = page.GetByRole(AriaRole.Link, new() { Name = demo.Name, Exact = true }).First;
        await Assertions.Expect(name).ToBeVisibleAsync();
        var box = (await name.BoundingBoxAsync())!;
        (box.X >= 0 && box.X + box.Width <= PhoneFit.Width).Should().BeTrue($"the name '{demo.Name}' lies on the screen (x {box.X}, width {box.Width})");

        // Signed out: the public link and the sign-in page.
        var visitor = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = PhoneFit.Width, Height = PhoneFit.Height } });
        var anonymous = await visitor.NewPageAsync();
        foreach (var path in new[] { $"/public/d/{token}", "/account/login" })
        {
            await anonymous.GotoAsync(path);
            await anonymous.WaitForTimeoutAsync(600);
            failures.AddRange((await PhoneFit.ProblemsAsync(anonymous)).Select(p => $"{path}: {p}"));
        }
        await visitor.CloseAsync();

        failures.Should().BeEmpty("every page fits a 390×844 phone");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task When_the_connection_drops_the_page_says_so_and_when_it_comes_back_the_notice_goes_and_the_page_works()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        IWebSocketRoute? circuit = null;
        var refuse = false;
        await context.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), ws =>
        {
            if (refuse)
            {
                _ = ws.CloseAsync();
                return;
            }
            circuit = ws;
            ws.ConnectToServer();
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#email", AnalyticsWebFactory.AdminEmail);
        await page.FillAsync("#password", AnalyticsWebFactory.AdminPassword);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        circuit.Should().NotBeNull("the circuit's WebSocket went through the route");

        // The network goes: Blazor keeps the page and shows the notice while it retries.
        refuse = true;
        await circuit!.CloseAsync();
        var modal = page.Locator("[data-testid=reconnect-modal]");
        await Assertions.Expect(modal).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(modal).ToContainTextAsync("Connection lost");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "reconnecting.png") });

        // It comes back: the notice goes by itself and the same circuit answers clicks again.
        refuse = false;
        await Assertions.Expect(modal).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await page.ClickAsync("[data-testid=sidebar-toggle]");
        await Assertions.Expect(page.Locator("main.app-main")).ToHaveAttributeAsync("data-sidebar", "collapsed");
        await context.CloseAsync();
    }
}
