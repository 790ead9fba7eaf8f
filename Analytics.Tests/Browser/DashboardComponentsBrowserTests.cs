using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Shared;
using Analytics.Web.Components.Dashboards.Charts;
using Microsoft.Playwright;
using static Analytics.Tests.Dashboards.ChartResults;

namespace Analytics.Tests.Browser;

/// <summary>
/// The dashboard front-end scripts (wwwroot/js/charts.js, grid.js) in Chromium, on a test-only page served through a
/// Playwright route on the app's origin (so the real scripts and library files load from the running app). .NET is
/// stood in for by an object that records invokeMethodAsync calls. The builder pages themselves are tested by the
/// dashboard UI tests.
/// </summary>
public sealed class DashboardComponentsBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string TestPath = "/__tests/dashboard-components";

    private const string Html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><link rel="stylesheet" href="/css/dashboards.css"></head>
        <body style="margin:0;font-family:sans-serif">
          <div id="charts" style="display:grid;grid-template-columns:repeat(3,400px);gap:8px"></div>
          <div id="palette" style="padding:8px"><div class="dashboard-palette-item" data-kind="bar" gs-w="4" gs-h="2" style="display:inline-block;padding:8px;border:1px solid #999">Bar</div></div>
          <div id="grid" class="grid-stack dashboard-grid" style="width:1200px">
            <div class="grid-stack-item" gs-id="a" gs-x="0" gs-y="0" gs-w="4" gs-h="2"><div class="grid-stack-item-content">A</div></div>
            <div class="grid-stack-item" gs-id="b" gs-x="4" gs-y="0" gs-w="4" gs-h="2"><div class="grid-stack-item-content">B</div></div>
          </div>
          <script>
            window.calls = [];
            window.fakeDotnet = { invokeMethodAsync: (method, arg) => { window.calls.push({ method, arg }); return Promise.resolve(); } };
          </script>
        </body></html>
        """;

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(int width = 1300, int height = 1000, bool touch = false)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height }, HasTouch = touch });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        await page.RouteAsync("**" + TestPath, route => route.FulfillAsync(new() { ContentType = "text/html", Body = Html }));
        await page.GotoAsync(TestPath);
        return (page, errors);
    }

    private static readonly Dictionary<string, (JsonObject? Options, Analytics.Domain.Query.QueryResult Result)> Samples = new()
    {
        ["line"] = (null, Result([Time(), Metric("spend", "currency", "Spend"), Metric("ctr", "percent", "CTR")],
            Enumerable.Range(1, 20).Select(d => new object?[] { Day(d), 100.0 + d * 3, 0.01 + d / 1000.0 }))),
        ["area"] = (new JsonObject { ["stacked"] = true }, Result([Time(), Dim("campaign"), Metric("sales", "currency")],
            Enumerable.Range(1, 10).SelectMany(d => new[] { new object?[] { Day(d), "Alpha", 10.0 * d }, [Day(d), "Beta", 5.0 * d] }))),
        ["bar"] = (null, Result([Dim("campaign"), Metric("clicks", "integer", "Clicks")], [["Alpha", 10.0], ["Beta", 7.0], ["Gamma", 3.0]])),
        ["pie"] = (null, Result([Dim("device"), Metric("spend", "currency")], [["mobile", 6.0], ["desktop", 4.0]])),
        ["donut"] = (null, Result([Dim("device"), Metric("purchases", "integer")], [["mobile", 6.0], ["desktop", 4.0]])),
        ["heatmap"] = (new JsonObject { ["heatmap"] = "weekdayHour" }, Result([Time(), Metric("clicks", "integer")],
            Enumerable.Range(0, 24 * 7).Select(h => new object?[] { Day(6).AddHours(h), (double)(h % 24) }), granularity: "hour")),
        ["gauge"] = (new JsonObject { ["thresholds"] = JsonNode.Parse("""[{"value":0.3,"color":"#2e7d32"},{"value":1,"color":"#c62828"}]""") },
            Result([Metric("acos", "percent", "ACOS")], [[0.22]])),
    };

    [ChromiumFact]
    public async Task Charts_format_values_as_the_shared_table_says()
    {
        var (page, errors) = await OpenAsync();
        await page.EvaluateAsync("async () => { window.charts = await import('/js/charts.js'); }");
        var got = await page.EvaluateAsync<string[]>("""
            json => JSON.parse(json).cases.map(c => charts.formatValue(c.value, c.format, c.currency, c.compact === true))
            """, MetricFormatCases.Json);
        got.Should().Equal(MetricFormatCases.All.Select(c => c.Expected), "charts.js formats as Analytics.Domain's MetricFormat (Shared/metric-format-cases.json)");
        errors.Should().BeEmpty();
    }

    [ChromiumFact]
    public async Task Every_chart_kind_draws_without_errors_reports_drill_down_clicks_exports_png_and_disposes()
    {
        var (page, errors) = await OpenAsync();
        await page.EvaluateAsync("async () => { window.charts = await import('/js/charts.js'); }");

        var ids = new Dictionary<string, int>();
        foreach (var (kind, (options, result)) in Samples)
        {
            var json = ChartOptionsBuilder.Default.Build(kind, options, result).ToJsonString();
            ids[kind] = await page.EvaluateAsync<int>("""
                async ([kind, json]) => {
                  const el = document.createElement('div');
                  el.id = 'chart-' + kind;
                  el.style.height = '260px';
                  document.getElementById('charts').appendChild(el);
                  return await charts.create(el, fakeDotnet, json, { clickable: true, currency: 'USD' });
                }
                """, new object[] { kind, json });
        }
        (await page.EvaluateAsync<int>("() => charts.count()")).Should().Be(7);
        foreach (var kind in Samples.Keys)
        {
            (await page.Locator($"#chart-{kind} canvas").CountAsync()).Should().BeGreaterThan(0, $"the {kind} chart draws on a canvas");
        }
        (await page.EvaluateAsync<int>($"() => charts.instance({ids["line"]}).getOption().dataZoom.length")).Should().Be(2, "time series zoom and pan");
        (await page.EvaluateAsync<string>($"() => charts.instance({ids["line"]}).getOption().yAxis[1].axisLabel.formatter(0.05)")).Should().Be("5%");
        (await page.EvaluateAsync<string>("() => charts.formatValue(1234.5, 'currency')")).Should().Be("$1,234.50");
        (await page.EvaluateAsync<string>("() => charts.formatValue(25000, 'currency', 'USD', true)")).Should().Be("$25K");
        (await page.EvaluateAsync<string>("() => charts.formatDate('2025-01-06T00:00:00Z', 'week')")).Should().Be("Week of Jan 6, 2025");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "dashboard-chart-kinds.png"), FullPage = true });

        // Click the Alpha bar: .NET hears the series, category, value and the drill-down filter.
        var point = await page.EvaluateAsync<double[]>($"() => charts.instance({ids["bar"]}).convertToPixel({{ seriesIndex: 0 }}, ['Alpha', 5])");
        var box = (await page.Locator("#chart-bar").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + (float)point[0], box.Y + (float)point[1]);
        await page.WaitForFunctionAsync("() => window.calls.some(c => c.method === 'OnChartClick')");
        var click = await page.EvaluateAsync<JsonElement>("() => window.calls.find(c => c.method === 'OnChartClick').arg");
        click.GetProperty("name").GetString().Should().Be("Alpha");
        click.GetProperty("value").GetDouble().Should().Be(10);
        click.GetProperty("metric").GetString().Should().Be("clicks");
        click.GetProperty("filters").GetProperty("campaign").GetString().Should().Be("Alpha");

        // A pie slice drills by its dimension.
        await page.EvaluateAsync("() => { window.calls.length = 0; }");
        var pie = (await page.Locator("#chart-pie").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(pie.X + pie.Width / 2 + 30, pie.Y + pie.Height * 0.46f - 10); // top-right of the centre: the mobile slice (60%, drawn first clockwise from 12 o'clock)
        await page.WaitForFunctionAsync("() => window.calls.some(c => c.method === 'OnChartClick')");
        (await page.EvaluateAsync<string>("() => window.calls[0].arg.filters.device")).Should().Be("mobile");

        (await page.EvaluateAsync<string>($"() => charts.toDataUrl({ids["gauge"]})")).Should().StartWith("data:image/png;base64,");

        // An update redraws in place (same instance) and a removed series disappears.
        var single = ChartOptionsBuilder.Default.Build("line", (JsonObject?)null,
            Result([Time(), Metric("spend", "currency")], [[Day(1), 1.0], [Day(2), 2.0]])).ToJsonString();
        (await page.EvaluateAsync<bool>("([id, json]) => charts.update(id, json)", new object[] { ids["line"], single })).Should().BeTrue();
        (await page.EvaluateAsync<int>($"() => charts.instance({ids["line"]}).getOption().series.length")).Should().Be(1);

        // Explicit dispose, and a chart whose element left the page without one (a lost circuit) is swept.
        (await page.EvaluateAsync<bool>($"() => charts.dispose({ids["gauge"]})")).Should().BeTrue();
        await page.EvaluateAsync("() => document.getElementById('chart-pie').remove()");
        (await page.EvaluateAsync<int>("() => charts.count()")).Should().Be(5);
        // Creating on an element that already holds a chart replaces it instead of stacking a second instance.
        await page.EvaluateAsync("async json => charts.create(document.getElementById('chart-bar'), fakeDotnet, json, {})", single);
        (await page.EvaluateAsync<int>("() => charts.count()")).Should().Be(5);

        errors.Should().BeEmpty();
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Charts_created_together_take_their_containers_sizes_follow_resizes_and_a_finger_pans_a_time_series()
    {
        var (page, errors) = await OpenAsync(390, 844, touch: true);
        await page.EvaluateAsync("async () => { window.charts = await import('/js/charts.js'); }");
        var json = ChartOptionsBuilder.Default.Build("line", (JsonObject?)null,
            Result([Time(), Metric("spend", "currency", "Spend")], Enumerable.Range(1, 60).Select(d => new object?[] { Day(1).AddDays(d), 100.0 + d }))).ToJsonString();

        // Five charts asked for at once (as a dashboard's tiles do) are drawn in one batch, each at its own size.
        var ids = await page.EvaluateAsync<int[]>("""
            async json => {
              const widths = [360, 300, 240, 200, 160];
              return await Promise.all(widths.map((w, i) => {
                const el = document.createElement('div');
                el.id = 'touch-' + i;
                el.style.cssText = `width:${w}px;height:240px`;
                document.getElementById('charts').appendChild(el);
                return charts.create(el, fakeDotnet, json, {});
              }));
            }
            """, json);
        ids.Should().OnlyHaveUniqueItems().And.HaveCount(5).And.NotContain(0);
        (await page.EvaluateAsync<int[]>("ids => ids.map(id => charts.instance(id).getWidth())", ids)).Should().Equal(360, 300, 240, 200, 160);

        // A chart drawn at a measured size still follows its container.
        await page.EvaluateAsync("() => { document.getElementById('touch-1').style.width = '280px'; }");
        await page.WaitForFunctionAsync("id => charts.instance(id).getWidth() === 280", ids[1]);

        // Zoomed to the last half, a finger dragging right across the plot pans back in time.
        await page.EvaluateAsync("id => charts.instance(id).dispatchAction({ type: 'dataZoom', start: 50, end: 100 })", ids[0]);
        var box = (await page.Locator("#touch-0").BoundingBoxAsync())!;
        var cdp = await page.Context.NewCDPSessionAsync(page);
        async Task TouchAsync(string type, double x)
        {
            var points = type == "touchEnd" ? Array.Empty<object>() : [new Dictionary<string, object> { ["x"] = box.X + x, ["y"] = box.Y + 100 }];
            await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object> { ["type"] = type, ["touchPoints"] = points });
        }
        await TouchAsync("touchStart", 90);
        for (var x = 110; x <= 290; x += 20) await TouchAsync("touchMove", x);
        await TouchAsync("touchEnd", 290);
        var zoom = await page.EvaluateAsync<double[]>("id => { const z = charts.instance(id).getOption().dataZoom[0]; return [z.start, z.end]; }", ids[0]);
        zoom[0].Should().BeLessThan(45, "the window moved back in time");
        (zoom[1] - zoom[0]).Should().BeApproximately(50, 1, "panning keeps the zoom level");

        errors.Should().BeEmpty();
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task Grid_reports_moves_resizes_and_palette_drops_follows_dotnet_layout_and_stacks_on_a_phone()
    {
        var (page, errors) = await OpenAsync();
        var gridId = await page.EvaluateAsync<int>("""
            async () => {
              window.grids = await import('/js/grid.js');
              return await grids.create(document.getElementById('grid'), fakeDotnet,
                { columns: 12, cellHeight: 80, margin: 4, editable: true, narrowWidth: 640, paletteSelector: '.dashboard-palette-item' });
            }
            """);
        (await page.EvaluateAsync<int>($"() => grids.columnCount({gridId})")).Should().Be(12);
        (await page.Locator("#grid.grid-stack-static").CountAsync()).Should().Be(0, "edit mode");

        // Drag A (columns 0-3) right by 8 columns (100 px each).
        var a = (await page.Locator("[gs-id=a] .grid-stack-item-content").BoundingBoxAsync())!;
        await DragAsync(page, a.X + 50, a.Y + 40, a.X + 850, a.Y + 40);
        var moved = await LastPositionsAsync(page, "OnGridChanged");
        moved["a"].GetProperty("x").GetInt32().Should().Be(8);
        moved["b"].GetProperty("y").GetInt32().Should().Be(0, "B keeps its row (gridstack may swap it left as A passes over)");

        // Resize B by its bottom-right handle: two columns wider, one row taller.
        var handle = page.Locator("[gs-id=b] .ui-resizable-se");
        await page.Locator("[gs-id=b]").HoverAsync();
        var h = (await handle.BoundingBoxAsync())!;
        await DragAsync(page, h.X + h.Width / 2, h.Y + h.Height / 2, h.X + h.Width / 2 + 200, h.Y + h.Height / 2 + 80);
        var resized = await LastPositionsAsync(page, "OnGridChanged");
        (resized["b"].GetProperty("w").GetInt32(), resized["b"].GetProperty("h").GetInt32()).Should().Be((6, 3));
        Overlap(resized["a"], resized["b"]).Should().BeFalse("collisions are resolved");

        // Drop a palette item on the grid: .NET hears kind and cell; the temporary clone is gone.
        await page.EvaluateAsync("() => { window.calls.length = 0; }");
        await BrowserFixture.DragPaletteItemAsync(page, ".dashboard-palette-item", "#grid", 650, 40);
        await page.WaitForFunctionAsync("() => window.calls.some(c => c.method === 'OnPaletteDropped')");
        var drop = await page.EvaluateAsync<JsonElement>("() => window.calls.find(c => c.method === 'OnPaletteDropped').arg");
        drop.GetProperty("kind").GetString().Should().Be("bar");
        (drop.GetProperty("w").GetInt32(), drop.GetProperty("h").GetInt32()).Should().Be((4, 2));
        (await page.EvaluateAsync<bool>("() => window.calls.some(c => c.method === 'OnGridChanged')")).Should().BeFalse("a drop is reported once, as a drop");
        (await page.Locator("#grid > .grid-stack-item").CountAsync()).Should().Be(2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "dashboard-grid-edit.png"), FullPage = true });

        // .NET renders the new widget and a layout of its own: sync places everything as told, without echoing it back.
        var synced = await page.EvaluateAsync<JsonElement>($$"""
            () => {
              const el = document.createElement('div');
              el.className = 'grid-stack-item';
              el.setAttribute('gs-id', 'c');
              el.innerHTML = '<div class="grid-stack-item-content">C</div>';
              document.getElementById('grid').appendChild(el);
              document.querySelector('[gs-id=a]').remove();
              window.calls.length = 0;
              return grids.sync({{gridId}}, [
                { id: 'b', x: 0, y: 0, w: 6, h: 3 },
                { id: 'c', x: 6, y: 0, w: 4, h: 2, minW: 2, minH: 2 } ], true);
            }
            """);
        synced.EnumerateArray().Select(p => $"{p.GetProperty("id").GetString()}:{p.GetProperty("x")},{p.GetProperty("y")},{p.GetProperty("w")}x{p.GetProperty("h")}")
            .Order().Should().Equal("b:0,0,6x3", "c:6,0,4x2");
        (await page.EvaluateAsync<int>("() => window.calls.length")).Should().Be(0);

        // View mode is static.
        await page.EvaluateAsync($"() => grids.setEditable({gridId}, false)");
        (await page.Locator("#grid.grid-stack-static").CountAsync()).Should().Be(1);
        await page.EvaluateAsync($"() => grids.setEditable({gridId}, true)");

        // A phone: one column, widgets stacked, read-only, and the 12-column layout is not overwritten.
        await page.EvaluateAsync("() => { document.getElementById('grid').style.width = '100%'; }");
        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForFunctionAsync($"() => grids.columnCount({gridId}) === 1");
        await page.WaitForFunctionAsync("() => document.getElementById('grid').classList.contains('grid-stack-static')");
        await page.WaitForTimeoutAsync(800); // gridstack animates the re-layout
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "dashboard-grid-phone.png"), FullPage = true });
        var boxes = await page.EvaluateAsync<double[][]>("() => [...document.querySelectorAll('#grid > .grid-stack-item')].map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width]; })");
        boxes.Should().AllSatisfy(b => b[2].Should().BeGreaterThan(300, "each widget takes the full width"));
        boxes.Select(b => b[1]).Should().OnlyHaveUniqueItems("stacked, not side by side");
        (await page.EvaluateAsync<int>("() => window.calls.filter(c => c.method === 'OnGridChanged').length")).Should().Be(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "dashboard-grid-phone.png"), FullPage = true });

        (await page.EvaluateAsync<bool>($"() => grids.dispose({gridId})")).Should().BeTrue();
        errors.Should().BeEmpty();
        await page.Context.CloseAsync();
    }

    private static bool Overlap(JsonElement a, JsonElement b)
    {
        int V(JsonElement e, string k) => e.GetProperty(k).GetInt32();
        return V(a, "x") < V(b, "x") + V(b, "w") && V(b, "x") < V(a, "x") + V(a, "w") && V(a, "y") < V(b, "y") + V(b, "h") && V(b, "y") < V(a, "y") + V(a, "h");
    }


    private static async Task DragAsync(IPage page, float fromX, float fromY, float toX, float toY)
    {
        await page.Mouse.MoveAsync(fromX, fromY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(fromX + 5, fromY + 5, new() { Steps = 3 });
        await page.Mouse.MoveAsync(toX, toY, new() { Steps = 15 });
        await page.WaitForTimeoutAsync(100);
        await page.Mouse.UpAsync();
        await page.WaitForTimeoutAsync(300);
    }

    private static async Task<Dictionary<string, JsonElement>> LastPositionsAsync(IPage page, string method)
    {
        await page.WaitForFunctionAsync($"() => window.calls.some(c => c.method === '{method}')");
        var positions = await page.EvaluateAsync<JsonElement>($"() => window.calls.filter(c => c.method === '{method}').at(-1).arg");
        return positions.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p);
    }
}
