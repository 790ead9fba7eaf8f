using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Data.Dashboards;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The dashboard builder and viewer in Chromium: drag, drop, resize, save, reload; filters; drill-down; live updates.</summary>
public sealed class DashboardsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    private static async Task DragAsync(IPage page, float fromX, float fromY, float toX, float toY)
    {
        await page.Mouse.MoveAsync(fromX, fromY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(fromX + 5, fromY + 5, new() { Steps = 3 });
        await page.Mouse.MoveAsync(toX, toY, new() { Steps = 15 });
        await page.WaitForTimeoutAsync(100);
        await page.Mouse.UpAsync();
    }

    /// <summary>Drops a palette item of <paramref name="kind"/> at (gridX, gridY) px of the builder's grid (see <see cref="BrowserFixture.DragPaletteItemAsync"/>).</summary>
    private static Task DropFromPaletteAsync(IPage page, string kind, int gridX, int gridY) =>
        BrowserFixture.DragPaletteItemAsync(page, $".dashboard-palette-item[data-kind={kind}]", "[data-testid=dashboard-grid-stack]", gridX, gridY);

    [ChromiumFact]
    public async Task A_dashboard_built_by_dragging_two_widgets_and_resizing_one_keeps_its_layout_after_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        await page.ClickAsync("[data-testid=new-dashboard]");
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards/[0-9a-f]+/edit$"));
        var id = Regex.Match(page.Url, "/dashboards/([0-9a-f]+)/edit").Groups[1].Value;
        await page.Locator("[data-testid=dashboard-grid-stack]").WaitForAsync();
        var name = page.Locator("[data-testid=dashboard-name]");
        await name.FillAsync("Built in the browser");
        await name.BlurAsync();

        await DropFromPaletteAsync(page, "line", 40, 30);
        await Assertions.Expect(page.Locator("[data-testid=grid-item]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=config-panel]")).ToBeVisibleAsync();
        await DropFromPaletteAsync(page, "kpi", 40, 6 * 74 + 30);
        await Assertions.Expect(page.Locator("[data-testid=grid-item]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-widget-type=line][data-state=ok]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Resize the KPI card two columns wider and one row taller by its corner handle.
        var kpi = page.Locator("[data-testid=grid-item][data-kind=kpi]");
        var before = await GridSizeAsync(kpi);
        await kpi.HoverAsync();
        var handle = (await kpi.Locator(".ui-resizable-se").BoundingBoxAsync())!;
        var canvas = (await page.Locator("[data-testid=dashboard-grid-stack]").BoundingBoxAsync())!;
        var column = canvas.Width / 12;
        await DragAsync(page, handle.X + handle.Width / 2, handle.Y + handle.Height / 2, handle.X + handle.Width / 2 + 2 * column, handle.Y + handle.Height / 2 + 74);
        await Assertions.Expect(kpi).Not.ToHaveAttributeAsync("gs-w", before.W.ToString());
        var after = await GridSizeAsync(kpi);
        after.W.Should().Be(before.W + 2);
        after.H.Should().Be(before.H + 1);
        await Assertions.Expect(page.Locator("[data-testid=undo]")).ToBeEnabledAsync();
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-builder.png"), FullPage = true });

        await page.ClickAsync("[data-testid=save-dashboard]");
        await Assertions.Expect(page.Locator("[data-testid=save-status]")).ToHaveTextAsync("All changes saved");

        var stored = await fixture.App.Services.GetRequiredService<DashboardService>().GetAsync(Actor.System, id, default);
        stored.Name.Should().Be("Built in the browser");
        stored.Widgets.Select(w => w.Type).Should().BeEquivalentTo(["line", "kpi"]);
        var storedKpi = stored.Widgets.Single(w => w.Type == "kpi").Position;
        $"{storedKpi.W}x{storedKpi.H}".Should().Be($"{after.W}x{after.H}", $"the grid showed that size after resizing from {before.W}x{before.H}");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        var reloaded = page.Locator("[data-testid=grid-item][data-kind=kpi]");
        await Assertions.Expect(reloaded).ToHaveAttributeAsync("gs-w", after.W.ToString());
        await Assertions.Expect(reloaded).ToHaveAttributeAsync("gs-h", after.H.ToString());
        await Assertions.Expect(page.Locator("[data-testid=grid-item]")).ToHaveCountAsync(2);

        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}");
        await Assertions.Expect(page.Locator("[data-widget-type=kpi][data-state=ok] .kpi-value")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-built-view.png"), FullPage = true });
    }

    private static async Task<(int W, int H)> GridSizeAsync(ILocator item) =>
        (int.Parse((await item.GetAttributeAsync("gs-w"))!), int.Parse((await item.GetAttributeAsync("gs-h"))!));

    private static async Task<string> ChartDataAsync(IPage page, string widgetTitle)
    {
        await page.WaitForFunctionAsync("title => { const tile = [...document.querySelectorAll('[data-testid=widget]')].find(t => t.getAttribute('aria-label') === title);" +
            " return tile && window.echarts && window.echarts.getInstanceByDom(tile.querySelector('[data-testid=echart]')); }", widgetTitle);
        return await page.EvaluateAsync<string>(
            "title => { const tile = [...document.querySelectorAll('[data-testid=widget]')].find(t => t.getAttribute('aria-label') === title);" +
            " const chart = echarts.getInstanceByDom(tile.querySelector('[data-testid=echart]')); return JSON.stringify(chart.getOption().series.map(s => s.data)); }",
            widgetTitle);
    }

    [ChromiumFact]
    public async Task Changing_a_filter_changes_the_charts_and_a_click_drills_down_with_a_breadcrumb_back()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        var spend = page.Locator("[data-widget-type=kpi][aria-label=Spend][data-state=ok] .kpi-value");
        await Assertions.Expect(spend).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var line = page.Locator("[aria-label='Spend and sales by day'][data-state=ok]");
        await Assertions.Expect(line).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var spend30 = await spend.InnerTextAsync();
        var line30 = await ChartDataAsync(page, "Spend and sales by day");

        await PickAsync(page, "filter-preset", "Last 7 days");
        await Assertions.Expect(spend).Not.ToHaveTextAsync(spend30, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=range-label]")).ToContainTextAsync("–");
        await page.WaitForFunctionAsync("before => { const tile = document.querySelector(\"[aria-label='Spend and sales by day'][data-state=ok]\"); if (!tile) return false;" +
            " const c = echarts.getInstanceByDom(tile.querySelector('[data-testid=echart]')); return c && JSON.stringify(c.getOption().series.map(s => s.data)) !== before; }", line30);
        var line7 = JsonDocument.Parse(await ChartDataAsync(page, "Spend and sales by day"));
        line7.RootElement[0].GetArrayLength().Should().Be(7, "one point per day of the last seven");
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-filtered.png"), FullPage = true });

        // Click the first bar of "ROAS by campaign": the whole dashboard filters to that campaign.
        var bars = page.Locator("[aria-label='ROAS by campaign'][data-state=ok] [data-testid=echart]");
        await Assertions.Expect(bars).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await ChartDataAsync(page, "ROAS by campaign");
        var campaign = await page.EvaluateAsync<string>("() => { const c = echarts.getInstanceByDom(document.querySelector(\"[aria-label='ROAS by campaign'] [data-testid=echart]\")); const o = c.getOption(); return (o.xAxis[0].data || o.yAxis[0].data)[0]; }");
        var pixel = await page.EvaluateAsync<double[]>("() => { const c = echarts.getInstanceByDom(document.querySelector(\"[aria-label='ROAS by campaign'] [data-testid=echart]\")); const o = c.getOption(); const cat = (o.xAxis[0].data || o.yAxis[0].data)[0]; const v = o.series[0].data[0]; const val = typeof v === 'object' && v !== null ? (v.value ?? v) : v; return c.convertToPixel({ seriesIndex: 0 }, o.xAxis[0].type === 'category' ? [cat, val / 2] : [val / 2, cat]); }");
        var box = (await bars.BoundingBoxAsync())!;
        var spend7 = await spend.InnerTextAsync();
        await page.Mouse.ClickAsync(box.X + (float)pixel[0], box.Y + (float)pixel[1]);
        var crumbs = page.Locator("[data-testid=drill-crumbs]");
        await Assertions.Expect(crumbs).ToContainTextAsync(campaign, new() { Timeout = 15_000 });
        await Assertions.Expect(spend).Not.ToHaveTextAsync(spend7, new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-drilled.png"), FullPage = true });
        await crumbs.Locator("button.drill-crumb").First.ClickAsync();
        await Assertions.Expect(crumbs).ToBeHiddenAsync();
        await Assertions.Expect(spend).ToHaveTextAsync(spend7, new() { Timeout = 15_000 });
    }

    [ChromiumFact]
    public async Task A_widgets_download_menu_opens_from_the_keyboard_under_its_button_and_its_csv_holds_the_widgets_rows()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        var tile = page.Locator("[aria-label='Spend and sales by day'][data-state=ok]");
        await Assertions.Expect(tile.Locator("[data-testid=echart] canvas")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var button = tile.Locator("[data-testid=widget-download] button");
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var menu = page.GetByRole(AriaRole.Menu);
        await Assertions.Expect(menu).ToBeVisibleAsync();
        (await menu.Locator("[data-testid^=widget-download-]").AllInnerTextsAsync()).Select(t => t.Trim()).Should().Equal("PNG image", "CSV", "Excel (.xlsx)", "PDF");
        var at = (await button.BoundingBoxAsync())!;
        var opened = (await menu.BoundingBoxAsync())!;
        opened.Y.Should().BeApproximately(at.Y + at.Height, 12, "a menu opened from the keyboard sits under its button");
        opened.X.Should().BeApproximately(at.X, 200);

        var download = page.WaitForDownloadAsync();
        await menu.Locator("[data-testid=widget-download-csv]").ClickAsync();
        var file = await (await download).PathAsync();
        var lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToList();
        lines[0].Should().Contain("Spend").And.Contain("Sales");
        lines.Count.Should().BeGreaterThan(7, "one row per day of the dashboard's range, under a header");
        await Assertions.Expect(menu).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task The_download_menu_gives_the_dashboards_underlying_rows_under_its_filters()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.Locator("[data-testid=download-button]").ClickAsync();
        var download = page.WaitForDownloadAsync();
        await page.Locator("[data-testid=download-underlying-csv]").ClickAsync();
        var file = await download;
        file.SuggestedFilename.Should().Contain("underlying-rows").And.EndWith(".zip", "the demo workspace's three instances give one CSV each");
        using var zip = System.IO.Compression.ZipFile.OpenRead(await file.PathAsync());
        zip.Entries.Should().HaveCount(3);
        using var reader = new StreamReader(zip.Entries[0].Open());
        (await reader.ReadLineAsync()).Should().Be("Day,Campaign,ASIN,Campaign type,Impressions,Clicks,Spend,Sales,Purchases");
        var days = new List<DateTime>();
        while (await reader.ReadLineAsync() is { Length: > 0 } line) days.Add(DateTime.Parse(line.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
        days.Should().NotBeEmpty();
        (days.Max() - days.Min()).TotalDays.Should().BeLessThan(40, "the rows follow the dashboard's time range (the last 30 days), not all stored history");
    }

    [ChromiumFact]
    public async Task A_template_shows_a_preview_with_the_demo_data_and_the_dashboard_it_makes_has_no_error_tile()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        await page.Locator("[data-testid=from-template]").First.ClickAsync();
        var dialog = page.Locator("[data-testid=template-dialog]");
        await dialog.Locator("[data-testid=template-attribution]").ClickAsync();
        var tiles = dialog.Locator("[data-testid=preview-tile]");
        await Assertions.Expect(tiles).ToHaveCountAsync(DashboardTemplates.Find("attribution")!.Widgets.Count, new() { Timeout = 15_000 });
        await Assertions.Expect(dialog.Locator("[data-testid=preview-tile][data-state=error]")).ToHaveCountAsync(0);
        await Assertions.Expect(dialog.Locator("[data-testid=preview-tile][data-type=donut] svg circle")).ToHaveCountAsync(2); // click- and view-through
        await Assertions.Expect(dialog.Locator("[data-testid=preview-tile][data-type=table] li")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Shot("template-preview.png") });

        await dialog.Locator("[data-testid=template-audience]").ClickAsync();
        await Assertions.Expect(tiles).ToHaveCountAsync(DashboardTemplates.Find("audience")!.Widgets.Count, new() { Timeout = 15_000 });
        await Assertions.Expect(dialog.Locator("[data-testid=preview-tile][data-state=error]")).ToHaveCountAsync(0);
        await PhoneFit.AssertFitsAsync(page, "the template dialog", "[data-testid=template-create]");
        await page.ScreenshotAsync(new() { Path = Shot("template-preview-phone.png") });
        await PhoneFit.BackToDesktopAsync(page);

        await page.Locator("[data-testid=template-create]").ClickAsync();
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards/[0-9a-f]{32}$"));
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]")).ToHaveCountAsync(DashboardTemplates.Find("audience")!.Widgets.Count, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=error]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Export_as_json_then_import_opens_the_new_dashboard_and_a_bad_file_names_the_widget_at_fault()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.Locator("[data-testid=download-button]").ClickAsync();
        var download = page.WaitForDownloadAsync();
        await page.Locator("[data-testid=download-json]").ClickAsync();
        var file = await download;
        file.SuggestedFilename.Should().Be("performance-overview.dashboard.json");
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(await file.PathAsync()))!.AsObject();
        var name = $"Imported {Guid.NewGuid():N}"[..21];
        exported["name"] = name;
        var widgets = exported["widgets"]!.AsArray();
        var queried = widgets.Select((w, i) => (w, i)).First(x => x.w!["config"]?["query"] is not null).i;
        var bad = exported.DeepClone().AsObject();
        bad["widgets"]![queried]!["config"]!["query"]!["metrics"]![0] = "profitability";

        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        await page.Locator("[data-testid=import-dashboard]").ClickAsync();
        var dialog = page.Locator("[data-testid=import-dialog]");
        await dialog.WaitForAsync();
        // Blazor's InputFile reads files only once its after-render init has run (see SourcesUiTests).
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=import-dialog] input[type=file]')?._blazorInputFileNextFileId !== undefined");
        var input = dialog.Locator("input[type=file]");
        await input.SetInputFilesAsync(new FilePayload { Name = "bad.dashboard.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(bad.ToJsonString()) });
        var errors = dialog.Locator("[data-testid=import-errors]");
        await Assertions.Expect(errors).ToContainTextAsync("Nothing was imported");
        var title = widgets[queried]!["config"]!["title"]!.GetValue<string>();
        await Assertions.Expect(errors.Locator("[data-testid=import-error]")).ToHaveCountAsync(1);
        await Assertions.Expect(errors.Locator("[data-testid=import-error]").First).ToHaveTextAsync(new Regex(
            $"^Widget {queried + 1} \\({Regex.Escape(title)}\\), a metric: Unknown metric 'profitability'"));
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-import-errors.png") });

        await input.SetInputFilesAsync(new FilePayload { Name = "good.dashboard.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(exported.ToJsonString()) });
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards/[0-9a-f]{32}$"));
        await Assertions.Expect(page.Locator("h1").Filter(new() { HasText = name }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]")).ToHaveCountAsync(widgets.Count, new() { Timeout = 15_000 });

        var list = await fixture.App.Services.GetRequiredService<DashboardService>().ListAsync(Actor.System, new DashboardListQuery(name), CancellationToken.None);
        list.Should().ContainSingle("the refused file created nothing; the good one, one dashboard");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Long_campaign_names_turn_the_bar_chart_horizontal_on_a_desktop_and_on_a_phone()
    {
        var page = await fixture.SignedInPageAsync();
        foreach (var (width, height, shot) in new[] { (1440, 900, "long-labels-desktop.png"), (390, 844, "long-labels-phone.png") })
        {
            await page.SetViewportSizeAsync(width, height);
            await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
            // Widgets load as they scroll into view: on a phone (one column) this one is far down.
            await page.Locator("[aria-label='ROAS by campaign']").First.ScrollIntoViewIfNeededAsync();
            var tile = page.Locator("[aria-label='ROAS by campaign'][data-state=ok]");
            await Assertions.Expect(tile.Locator("[data-testid=echart] canvas")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            var axes = await page.EvaluateAsync<string[]>("() => { const c = echarts.getInstanceByDom(document.querySelector(\"[aria-label='ROAS by campaign'] [data-testid=echart]\")); const o = c.getOption(); return [o.xAxis[0].type, o.yAxis[0].type, String(o.yAxis[0].data[0])]; }");
            axes[0].Should().Be("value");
            axes[1].Should().Be("category", "demo campaign names (\"Northwind - Camping Stoves - Brand Defense\") are too long to stand under bars");
            axes[2].Length.Should().BeGreaterThan(14, "the axis keeps whole names; only the drawn label is cut");
            await tile.ScrollIntoViewIfNeededAsync();
            await tile.ScreenshotAsync(new() { Path = Shot("tile-" + shot) });
            await page.ScreenshotAsync(new() { Path = Shot(shot), FullPage = true });
        }
        await page.Context.CloseAsync();
    }

    /// <summary>Opens a MudBlazor select by its test id and picks the option with that text.</summary>
    internal static async Task PickAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid={testId}]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true })).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_dashboard_pages_fit_the_screen_the_list_shows_each_name_and_the_toolbar_folds_into_more()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);

        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards");
        var names = page.Locator("[data-testid=dashboard-link]");
        await Assertions.Expect(names.First).ToBeVisibleAsync();
        var performance = names.Filter(new() { HasText = "Performance overview" }).First;
        await performance.ScrollIntoViewIfNeededAsync(); // other tests of this app add dashboards above it
        await Assertions.Expect(performance).ToBeInViewportAsync();
        (await performance.BoundingBoxAsync())!.X.Should().BeGreaterThanOrEqualTo(0);
        await PhoneFit.AssertFitsAsync(page, "the dashboard list");
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-list-phone.png") });
        await performance.ClickAsync();
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/dashboards/demo-performance$"));

        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        foreach (var kept in new[] { "favorite", "download-button", "toggle-chat", "edit-dashboard" })
            await Assertions.Expect(page.Locator($"[data-testid={kept}]:visible")).ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("[data-testid=toggle-comments]")).ToBeHiddenAsync();
        await PhoneFit.AssertFitsAsync(page, "the dashboard");
        await page.ScreenshotAsync(new() { Path = Shot("dashboard-view-phone.png") });

        await page.Locator("[data-testid=dashboard-more] button").ClickAsync();
        foreach (var folded in new[] { "toggle-comments-menu", "share-menu", "duplicate-menu" })
            await Assertions.Expect(page.Locator($"[data-testid={folded}]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=toggle-comments-menu]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=comments]")).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the dashboard with its comments");

        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance/edit");
        await Assertions.Expect(page.Locator("[data-testid=grid-item]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        foreach (var kept in new[] { "dashboard-name", "undo", "save-dashboard", "done" })
            await Assertions.Expect(page.Locator($"[data-testid={kept}]:visible")).ToBeInViewportAsync();
        await PhoneFit.AssertFitsAsync(page, "the dashboard editor");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Ingested_points_refresh_the_widget_that_reads_them_without_a_reload()
    {
        var dashboards = fixture.App.Services.GetRequiredService<DashboardService>();
        var metric = $"test.live.orders{Guid.NewGuid():N}"[..28];
        var created = await dashboards.CreateAsync(Actor.System, new DashboardDefinition
        {
            Name = "Live", Filters = [new DashboardFilter("time", Preset: "today")],
            Widgets = [new WidgetDefinition { Id = "orders", Type = "kpi", Position = new WidgetPosition(0, 0, 3, 2), Config = new WidgetConfig { Title = "Orders", Series = new WidgetSeries(metric, "sum") } }],
        }, default);
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{created.Id}");
        var tile = page.Locator("[data-widget-id=orders]");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = 15_000 });
        await Assertions.Expect(tile).ToContainTextAsync("No data");

        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AnalyticsWebFactory.BootstrapKey);
        var now = DateTimeOffset.UtcNow;
        var response = await api.PostAsJsonAsync("/api/v1/metrics/ingest", new[]
        {
            new { name = metric, time = now.AddSeconds(-2), value = 5.0, tags = new Dictionary<string, string>() },
            new { name = metric, time = now.AddSeconds(-1), value = 7.0, tags = new Dictionary<string, string>() },
        });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await Assertions.Expect(tile.Locator(".kpi-value")).ToHaveTextAsync("12", new() { Timeout = 5_000 });
        page.Url.Should().EndWith($"/dashboards/{created.Id}", "the page was not reloaded");
    }
}
