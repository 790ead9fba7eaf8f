using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The Content-Security-Policy must not break the UI: the main pages load in Chromium under it — a dashboard with
/// ECharts charts, the gridstack editor, chat, sources, the public page — with no <c>securitypolicyviolation</c> event
/// and no console error, and their charts and grid still draw. Signing in also shows Chromium keeps the Secure cookie
/// over http://127.0.0.1.
/// </summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Runs before any page script (init scripts are not subject to the page's CSP) and keeps every violation.</summary>
    private const string RecordViolations = """
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
        """;

    private static async Task<List<string>> WatchAsync(IPage page)
    {
        var problems = new List<string>();
        await page.AddInitScriptAsync(RecordViolations);
        page.Console += (_, message) => { if (message.Type == "error") problems.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        return problems;
    }

    private static async Task ExpectNoViolationsAsync(IPage page, List<string> problems, string where)
    {
        var violations = await page.EvaluateAsync<string[]>("() => window.__csp || []");
        violations.Concat(problems).Should().BeEmpty($"{where} must run under the Content-Security-Policy");
    }

    [ChromiumFact]
    public async Task The_main_pages_run_under_the_policy_without_a_single_violation()
    {
        var page = await fixture.SignedInPageAsync();
        var problems = await WatchAsync(page);

        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        var chart = page.Locator("[data-testid=echart] canvas").First;
        await Assertions.Expect(chart).ToBeVisibleAsync(new() { Timeout = 20_000 });
        (await page.EvaluateAsync<bool>("() => !!window.echarts && document.querySelectorAll('[data-testid=echart] canvas').length > 0")).Should().BeTrue("ECharts loaded and drew");
        await ExpectNoViolationsAsync(page, problems, "the dashboard with charts");

        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance/edit");
        await Assertions.Expect(page.Locator("[data-testid=dashboard-grid-stack] [data-testid=grid-item] .ui-resizable-se").First).ToBeAttachedAsync(new() { Timeout = 20_000 });
        await ExpectNoViolationsAsync(page, problems, "the grid editor (gridstack)");

        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        await page.Locator("[data-testid=chat-input]").FillAsync("What was our spend last month?");
        await page.Locator("[data-testid=chat-send]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chat-assistant] [data-testid=chat-text]").First).Not.ToBeEmptyAsync(new() { Timeout = 30_000 });
        await ExpectNoViolationsAsync(page, problems, "chat");

        await BrowserFixture.GotoInteractiveAsync(page, "/sources");
        await Assertions.Expect(page.Locator("[data-testid=source-grid]")).ToContainTextAsync("Northwind Outdoor (US)");
        await ExpectNoViolationsAsync(page, problems, "sources");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task The_public_dashboard_page_runs_under_its_policy()
    {
        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", AnalyticsWebFactory.BootstrapKey);
        var shared = await api.PostAsJsonAsync("/api/v1/dashboards/demo-performance/shares", new { @public = true });
        var token = (await shared.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        var problems = await WatchAsync(page);

        var response = await page.GotoAsync($"/public/d/{token}");
        response!.Headers["referrer-policy"].Should().Be("no-referrer");
        await Assertions.Expect(page.Locator("[data-testid=echart] canvas").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await ExpectNoViolationsAsync(page, problems, "the public dashboard page");
        await context.CloseAsync();
    }

    /// <summary>
    /// The API reference renders in Chromium with the network cut off from everything but the app (as on CI and on
    /// installs without internet): Scalar's script, the document and the page come from the app, nothing is fetched
    /// from outside, and nothing breaks the page's policy.
    /// </summary>
    [ChromiumFact]
    public async Task The_api_reference_renders_from_the_app_alone()
    {
        var origin = fixture.BaseAddress.GetLeftPart(UriPartial.Authority);
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var outside = new List<string>();
        await context.RouteAsync(url => !url.StartsWith(origin, StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal), async route =>
        {
            outside.Add(route.Request.Url);
            await route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        var problems = await WatchAsync(page);
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add($"{request.Url}: {request.Failure}");

        var response = await page.GotoAsync("/api/docs");
        response!.Ok.Should().BeTrue();
        await Assertions.Expect(page.GetByText("Analytics API").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        // Operations' summaries from the document, as the reference lists them (the first tag's group is open).
        await Assertions.Expect(page.GetByText("One dashboard with its widgets").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByText("Lists the dashboards the caller may see").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "api-docs.png") });
        // Scalar's developer toolbar (links to its hosted services) is hidden, also when the page is opened on this machine.
        await Assertions.Expect(page.GetByText("Generate SDK")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Deploy .NET")).ToHaveCountAsync(0);

        outside.Should().BeEmpty("the reference must not need the internet");
        failed.Should().BeEmpty();
        // The one thing the policy refuses is eval, which the page does not need: Scalar's bundled Zod probes whether it may
        // compile validators (`try { Function("") } catch { jitless }`) and, refused, validates without. No 'unsafe-eval' is
        // granted for it; anything else refused, or any console error, fails.
        var violations = await page.EvaluateAsync<string[]>("() => window.__csp || []");
        violations.Where(v => !(v.StartsWith("script-src blocked eval at ", StringComparison.Ordinal) && v.Contains("/api/docs/scalar.js", StringComparison.Ordinal)))
            .Concat(problems).Should().BeEmpty("the API reference must run under the Content-Security-Policy");
        await context.CloseAsync();
    }
}
