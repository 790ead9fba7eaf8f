using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench dashboard [--chromium /usr/bin/chromium] [--runs 30] [--loads 5] [--warm-server N]</c>: starts the web app as a child process on a fresh
/// SQLite database with the demo workspace, creates a 20-widget dashboard, and measures
/// (1) the server's time to compute all widget data (the <c>ms</c> of <c>GET /dashboards/{id}/data</c>) — cold, each run
/// a different 30-day window so no cached result answers, and warm;
/// (2) in headless Chromium (over the DevTools protocol), time to first contentful paint and until every widget shows
/// its data (charts drawn) on a full page load, opened as from a new tab (each load starts at about:blank, so the
/// previous page's teardown is not counted);
/// (2b) a 50-widget dashboard with lazy loading: until the widgets in view are drawn, then scrolled to the end until all
/// are; the longest main-thread task, the total blocking time and the longest gap between frames while scrolling (a
/// page is responsive when no task blocks input for more than 200 ms);
/// (3) live-update latency: from just before a metrics ingest is posted to the KPI reading it changing on screen.
/// </summary>
internal sealed class DashboardBenchmark : IBenchmark
{
    public string Name => "dashboard";
    public string Description => "20-widget dashboard: server data p50/p95, Chromium first paint and all rendered, ingest-to-screen latency";

    private const string BenchUser = "bench@localhost";
    private const string Key = "bench-bootstrap-key-0123456789abcdef";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var runs = (int)(CommandLine.LongOption(args, "--runs") ?? 30);
        var loads = (int)(CommandLine.LongOption(args, "--loads") ?? 5);
        var chromium = CommandLine.StringOption(args, "--chromium") ?? "/usr/bin/chromium";
        var directory = Directory.CreateTempSubdirectory("analytics-bench-dashboard-");
        try
        {
            await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__Analytics"] = $"Data Source={Path.Combine(directory.FullName, "bench.db")}",
                ["Analytics__DataDirectory"] = directory.FullName,
                ["Analytics__Auth__BootstrapApiKey"] = Key,
                ["Analytics__Auth__AdminEmail"] = BenchUser,
                ["Analytics__Auth__Proxy__Enabled"] = "true",
                ["Analytics__Jobs__Store"] = "memory",
                // A load test: the simulated users would otherwise hit the per-key and public-link rate limits.
                ["Analytics__RateLimits__Api__PermitLimit"] = "0",
                ["Analytics__RateLimits__Public__PermitLimit"] = "0",
                // Development serves the build's static assets (blazor.web.js, MudBlazor, ECharts) straight from the project, unpublished.
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Logging__LogLevel__Default"] = "Warning",
                // A fresh install scans the demo history for insights once, in the background; that one-off work would
                // land in the middle of the measured loads (and the baselines measured before it existed had none).
                ["Analytics__Database__ScanDemoHistory"] = "false",
            }, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(4), ct);
            var baseUrl = app.BaseUrl;
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

            var dashboardId = await CreateAsync(http, TwentyWidgets(), ct);
            var server = await ServerTimesAsync(http, dashboardId, runs, ct);

            var metric = "bench.live.orders";
            var liveId = await CreateAsync(http, new JsonObject
            {
                ["name"] = "Live", ["settings"] = new JsonObject { ["lazyLoad"] = false },
                ["filters"] = new JsonArray(new JsonObject { ["dimension"] = "time", ["preset"] = "today" }),
                ["widgets"] = new JsonArray(new JsonObject
                {
                    ["id"] = "live", ["type"] = "kpi", ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["w"] = 3, ["h"] = 2 },
                    ["config"] = new JsonObject { ["title"] = "Orders", ["series"] = new JsonObject { ["metricName"] = metric, ["aggregation"] = "sum" } },
                }),
            }, ct);
            await IngestAsync(http, metric, 1, ct);

            var warmServer = (int)(CommandLine.LongOption(args, "--warm-server") ?? 0);
            if (warmServer > 0)
            {
                // Diagnosis: warm the server with loads from a browser thrown away afterwards, so what remains of the
                // measured loads' warm-up is the browser's.
                await using var warmer = await ChromiumSession.LaunchAsync(chromium, 1600, 1400, ct);
                await warmer.SetHeaderAsync("X-WEBAUTH-USER", BenchUser, ct);
                for (var i = 0; i < warmServer; i++) await PageLoadAsync(warmer, $"{baseUrl}/dashboards/{dashboardId}", 20, ct);
            }
            await using var browser = await ChromiumSession.LaunchAsync(chromium, 1600, 1400, ct);
            await browser.SetHeaderAsync("X-WEBAUTH-USER", BenchUser, ct);
            await browser.AddScriptOnNewDocumentAsync(LongTaskRecorder, ct);
            var paint = new List<double>();
            var rendered = new List<double>();
            var phases = new List<LoadPhases>();
            for (var i = 0; i < loads + 1; i++)
            {
                var (fcp, all, load) = await PageLoadAsync(browser, $"{baseUrl}/dashboards/{dashboardId}", 20, ct);
                if (i == 0) continue; // the first load also JIT-compiles the pages and fills the browser cache
                paint.Add(fcp);
                rendered.Add(all);
                phases.Add(load);
            }

            var fiftyId = await CreateAsync(http, FiftyWidgets(), ct);
            var fifty = new List<FiftyLoad>();
            for (var i = 0; i < 4; i++)
            {
                var load = await FiftyLoadAsync(browser, $"{baseUrl}/dashboards/{fiftyId}", ct);
                if (i > 0) fifty.Add(load);
            }

            await PageLoadAsync(browser, $"{baseUrl}/dashboards/{liveId}", 1, ct);
            var live = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                await browser.EvaluateAsync("""
                    (() => {
                      const value = document.querySelector('[data-widget-id=live] .kpi-value');
                      const before = value ? value.textContent : '';
                      window.__t0 = performance.now();
                      window.__changed = new Promise(resolve => {
                        const check = () => {
                          const now = document.querySelector('[data-widget-id=live] .kpi-value');
                          if (now && now.textContent !== before) resolve(performance.now() - window.__t0);
                          else if (performance.now() - window.__t0 > 10000) resolve(-1);
                          else requestAnimationFrame(check);
                        };
                        check();
                      });
                      return true;
                    })()
                    """, ct);
                await IngestAsync(http, metric, i + 2, ct);
                var ms = (await browser.EvaluateAsync("window.__changed", ct))!.GetValue<double>();
                live.Add(ms);
                await Task.Delay(600, ct);
            }

            return new
            {
                benchmark = Name,
                widgets = 20,
                server = server,
                browser = new
                {
                    loads = paint.Count,
                    firstContentfulPaintMs = Stats(paint),
                    allWidgetsRenderedMs = Stats(rendered),
                    // Where a load's time goes (medians over the measured loads, ms from navigation): the page interactive
                    // (the circuit's first render), every widget's data on screen, every chart drawn.
                    phasesMs = new
                    {
                        interactive = Median(phases.Select(p => p.Interactive)),
                        allDataShown = Median(phases.Select(p => p.AllData)),
                        allChartsDrawn = Median(phases.Select(p => p.All)),
                    },
                    eachLoadMs = rendered.Select(v => Math.Round(v)),
                },
                fiftyWidgets = new
                {
                    loads = fifty.Count,
                    visibleRenderedMs = Stats(fifty.Select(f => f.Visible).ToList()),
                    allRenderedAfterScrollMs = Stats(fifty.Select(f => f.All).ToList()),
                    longestTaskMs = Stats(fifty.Select(f => f.LongestTask).ToList()),
                    totalBlockingTimeMs = Stats(fifty.Select(f => f.Blocking).ToList()),
                    longestFrameGapWhileScrollingMs = Stats(fifty.Select(f => f.FrameGap).ToList()),
                },
                liveUpdate = new { rounds = live.Count, ingestToScreenMs = Stats(live.Where(v => v >= 0).ToList()), missed = live.Count(v => v < 0) },
                targets = new { serverDataP95Ms = 150, allRenderedMs = 1500, liveUpdateMs = 1000, fiftyWidgetsLongestTaskMs = 200 },
                machine = new { cores = Environment.ProcessorCount, loadAverage = BenchHost.LoadAverage() },
            };
        }
        finally
        {
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<string> CreateAsync(HttpClient http, JsonObject definition, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync("/api/v1/dashboards", definition, ct);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Creating the dashboard failed: {await response.Content.ReadAsStringAsync(ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>();
    }

    private static async Task IngestAsync(HttpClient http, string metric, double value, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync("/api/v1/metrics/ingest",
            new JsonArray(new JsonObject { ["name"] = metric, ["time"] = DateTimeOffset.UtcNow.AddSeconds(-1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), ["value"] = value, ["tags"] = new JsonObject() }), ct);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"Ingest failed: {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task<object> ServerTimesAsync(HttpClient http, string id, int runs, CancellationToken ct)
    {
        var cold = new List<double>();
        var coldWall = new List<double>();
        var warm = new List<double>();
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-2);
        for (var i = 0; i < runs + 1; i++)
        {
            // A different 30-day window each run: nothing cached answers it.
            var stop = end.AddDays(-i - 1);
            var started = Stopwatch.GetTimestamp();
            var data = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?start={Uri.EscapeDataString(stop.AddDays(-30).ToString("O"))}&end={Uri.EscapeDataString(stop.ToString("O"))}", ct))!;
            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var errors = data["widgets"]!.AsArray().Where(w => w!["status"]!.GetValue<string>() == "error").Select(w => w!["error"]!.GetValue<string>()).ToList();
            if (errors.Count > 0) throw new InvalidOperationException("Widgets failed: " + string.Join("; ", errors));
            if (i == 0) continue; // warm-up
            cold.Add(data["ms"]!.GetValue<double>());
            coldWall.Add(wall);
        }
        var fixedQuery = $"/api/v1/dashboards/{id}/data?start={Uri.EscapeDataString(end.AddDays(-30).ToString("O"))}&end={Uri.EscapeDataString(end.ToString("O"))}";
        await http.GetFromJsonAsync<JsonObject>(fixedQuery, ct);
        for (var i = 0; i < runs; i++) warm.Add((await http.GetFromJsonAsync<JsonObject>(fixedQuery, ct))!["ms"]!.GetValue<double>());
        return new { runs, coldMs = Stats(cold), coldHttpMs = Stats(coldWall), cachedMs = Stats(warm) };
    }

    /// <summary>Keeps every main-thread task over 50 ms (the Long Tasks API) in <c>window.__longTasks</c>, from the page's start.</summary>
    private const string LongTaskRecorder = """
        window.__longTasks = [];
        try { new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true }); } catch (e) { }
        """;

    private sealed record FiftyLoad(double Visible, double All, double LongestTask, double Blocking, double FrameGap);

    /// <summary>
    /// Opens the 50-widget dashboard: waits until every widget in view is drawn, then scrolls a viewport at a time to the
    /// end (waiting at each step for what came into view), timing frames all along.
    /// </summary>
    private static async Task<FiftyLoad> FiftyLoadAsync(ChromiumSession browser, string url, CancellationToken ct)
    {
        await OpenAsync(browser, url, ct);
        var result = (await browser.EvaluateAsync("""
            (async () => {
              const drawn = t => {
                const s = t.dataset.state;
                if (s === 'text') return true;
                if (s !== 'ok') return false;
                const chart = t.querySelector('[data-testid=echart]');
                return !chart || (window.echarts && window.echarts.getInstanceByDom(chart));
              };
              const inView = t => { const r = t.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; };
              const until = (test, limit) => new Promise(resolve => {
                const started = performance.now();
                const check = () => test() ? resolve(true) : performance.now() - started > limit ? resolve(false) : requestAnimationFrame(check);
                check();
              });
              const tiles = () => [...document.querySelectorAll('[data-testid=widget]')];
              // The prerendered page shows skeletons, maybe none in view yet: measure the page the circuit drew.
              if (!await until(() => document.querySelector('main[data-interactive=true]') && tiles().length === 50 && tiles().filter(inView).every(drawn), 30000)) return { error: 'widgets in view: ' + tiles().filter(inView).map(t => t.dataset.state).join(',') };
              const visible = performance.now();
              let last = performance.now(), gap = 0, frames = true;
              const frame = now => { gap = Math.max(gap, now - last); last = now; if (frames) requestAnimationFrame(frame); };
              requestAnimationFrame(frame);
              // Whatever scrolls the whole grid (the layout's body or the window): search upwards from the grid, not from a
              // tile, whose own content box may scroll a little while it lays out.
              let box = (tiles()[0].closest('.grid-stack') || tiles()[0]).parentElement;
              while (box && !(box.scrollHeight > box.clientHeight + 2 && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
              box = box || document.scrollingElement;
              while (box.scrollTop + box.clientHeight < box.scrollHeight - 2) {
                box.scrollTop += box.clientHeight * 0.9;
                await until(() => tiles().filter(inView).every(drawn), 30000);
              }
              if (!await until(() => tiles().every(drawn), 30000)) return { error: 'after scrolling: ' + tiles().map(t => t.dataset.state).join(',') + ' box=' + box.tagName + '.' + box.className + ' top=' + box.scrollTop + ' h=' + box.scrollHeight + ' ch=' + box.clientHeight + ' winY=' + scrollY + ' docH=' + document.scrollingElement.scrollHeight + ' rects=' + tiles().slice(10,16).map(t => Math.round(t.getBoundingClientRect().top) + ':' + Math.round(t.getBoundingClientRect().height)).join(',') };
              const all = performance.now();
              frames = false;
              await new Promise(r => setTimeout(r, 100)); // the Long Tasks API reports a task after it ends
              const tasks = window.__longTasks || [];
              return { visible, all, gap, longest: Math.max(0, ...tasks.map(t => t[1])), blocking: tasks.reduce((s, t) => s + Math.max(0, t[1] - 50), 0) };
            })()
            """, ct))!.AsObject();
        if (result["error"] is { } error) throw new TimeoutException("The 50-widget dashboard did not finish drawing: " + error);
        double N(string name) => result[name]!.GetValue<double>();
        return new FiftyLoad(N("visible"), N("all"), N("longest"), N("blocking"), N("gap"));
    }

    /// <summary>Opens <paramref name="url"/> as from a new tab: the previous page is left for about:blank first.</summary>
    private static async Task OpenAsync(ChromiumSession browser, string url, CancellationToken ct)
    {
        await browser.NavigateAsync("about:blank", ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await browser.EvaluateAsync("location.href", ct))?.GetValue<string>() != "about:blank")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Chromium never left the previous page.");
            await Task.Delay(10, ct);
        }
        await browser.NavigateAsync(url, ct);
        while ((await browser.EvaluateAsync("location.href", ct))?.GetValue<string>() != url)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Chromium never reached {url}.");
            await Task.Delay(10, ct);
        }
    }

    private sealed record LoadPhases(double Interactive, double AllData, double All);

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : sorted[sorted.Count / 2];
    }

    private static async Task<(double Fcp, double All, LoadPhases Phases)> PageLoadAsync(ChromiumSession browser, string url, int widgets, CancellationToken ct)
    {
        await OpenAsync(browser, url, ct);
        var result = (await browser.EvaluateAsync($$"""
            new Promise(resolve => {
              const marks = {};
              const mark = k => { if (!(k in marks)) marks[k] = Math.round(performance.now()); };
              const check = () => {
                const tiles = [...document.querySelectorAll('[data-testid=widget]')];
                if (document.querySelector('main[data-interactive=true]')) mark('interactive');
                if (tiles.some(t => t.dataset.state === 'ok')) mark('firstOk');
                if (tiles.length === {{widgets}} && tiles.every(t => t.dataset.state === 'ok' || t.dataset.state === 'text')) mark('allOk');
                const done = tiles.length === {{widgets}} && tiles.every(t => {
                  const s = t.dataset.state;
                  if (s === 'text') return true;
                  if (s !== 'ok') return false;
                  const chart = t.querySelector('[data-testid=echart]');
                  return !chart || (window.echarts && window.echarts.getInstanceByDom(chart));
                });
                const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                if (done) resolve({ all: performance.now(), fcp: fcp ? fcp.startTime : -1, marks });
                else if (performance.now() > 30000) resolve({ all: -1, fcp: fcp ? fcp.startTime : -1, states: tiles.map(t => t.dataset.state).join(',') });
                else requestAnimationFrame(check);
              };
              check();
            })
            """, ct))!.AsObject();
        var all = result["all"]!.GetValue<double>();
        if (all < 0) throw new TimeoutException($"Not every widget rendered within 30 s: {result["states"]}");
        var marks = result["marks"]!.AsObject();
        double Mark(string name) => marks[name]?.GetValue<double>() ?? -1;
        return (result["fcp"]!.GetValue<double>(), all, new LoadPhases(Mark("interactive"), Mark("allOk"), all));
    }

    private static object Stats(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return new { p50 = (double?)null, p95 = (double?)null, max = (double?)null };
        var sorted = values.Order().ToList();
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
        return new { p50 = Math.Round(At(0.5), 1), p95 = Math.Round(At(0.95), 1), max = Math.Round(sorted[^1], 1) };
    }


    private static JsonObject Q(string[] metrics, string[] groupBy, string granularity, string? sort = null, int? limit = null)
    {
        var q = new JsonObject { ["metrics"] = new JsonArray(metrics.Select(m => (JsonNode)m).ToArray()), ["groupBy"] = new JsonArray(groupBy.Select(g => (JsonNode)g).ToArray()), ["granularity"] = granularity };
        if (sort is not null) q["sort"] = new JsonArray(new JsonObject { ["by"] = sort, ["desc"] = true });
        if (limit is not null) q["limit"] = limit;
        return q;
    }

    private static JsonObject W(string type, int x, int y, int w, int h, string title, JsonObject? query, JsonObject? options = null)
    {
        var config = new JsonObject { ["title"] = title };
        if (query is not null) config["query"] = query;
        if (options is not null) config["options"] = options;
        return new JsonObject { ["type"] = type, ["position"] = new JsonObject { ["x"] = x, ["y"] = y, ["w"] = w, ["h"] = h }, ["config"] = config };
    }

    /// <summary>Fifty widgets (the twenty, then more charts and tables by other dimensions and metrics), loading lazily.</summary>
    private static JsonObject FiftyWidgets()
    {
        var widgets = TwentyWidgets()["widgets"]!.AsArray().Select(w => w!.DeepClone()).ToList();
        var metrics = new[] { "spend", "sales", "roas", "acos", "ctr", "cpc", "cvr", "clicks", "impressions", "purchases" };
        var kinds = new[] { "line", "bar", "area", "pie", "table" };
        var y = 35;
        for (var i = 0; widgets.Count < 50; i++)
        {
            var metric = metrics[i % metrics.Length];
            var kind = kinds[i % kinds.Length];
            var query = kind switch
            {
                "line" => Q([metric], ["campaign_type"], "day"),
                "area" => Q([metric], [], "week"),
                "pie" => Q([metric], ["campaign_type"], "none"),
                "table" => Q(["impressions", "clicks", metric], ["campaign"], "none", metric, 10),
                _ => Q([metric], ["asin"], "none", metric, 8),
            };
            widgets.Add(W(kind, i % 2 * 6, y, 6, 4, $"{metric} ({kind} {i + 1})", query));
            if (i % 2 == 1) y += 4;
        }
        return new JsonObject
        {
            ["name"] = "Benchmark: 50 widgets",
            ["settings"] = new JsonObject { ["lazyLoad"] = true },
            ["filters"] = new JsonArray(new JsonObject { ["dimension"] = "time", ["preset"] = "last30days" }),
            ["widgets"] = new JsonArray(widgets.ToArray()),
        };
    }

    /// <summary>Twenty widgets of every kind over the demo workspace, as an analyst's performance dashboard would have them.</summary>
    private static JsonObject TwentyWidgets()
    {
        var kpis = new[] { "spend", "sales", "roas", "acos", "ctr", "cpc", "cvr" };
        var widgets = new JsonArray();
        for (var i = 0; i < kpis.Length; i++) widgets.Add(W("kpi", i % 4 * 3, i / 4 * 2, 3, 2, kpis[i].ToUpperInvariant(), Q([kpis[i]], [], "none")));
        widgets.Add(W("text", 9, 2, 3, 2, "About", null, new JsonObject { ["markdown"] = "**Benchmark dashboard** over the demo workspace." }));
        widgets.Add(W("line", 0, 4, 6, 4, "Spend and sales by day", Q(["spend", "sales"], [], "day")));
        widgets.Add(W("line", 6, 4, 6, 4, "ROAS and ACOS by day", Q(["roas", "acos"], [], "day")));
        widgets.Add(W("bar", 0, 8, 6, 4, "ROAS by campaign", Q(["roas"], ["campaign"], "none", "roas", 10), new JsonObject { ["horizontal"] = true }));
        widgets.Add(W("area", 6, 8, 6, 4, "Spend by campaign type", Q(["spend"], ["campaign_type"], "day"), new JsonObject { ["stacked"] = true }));
        widgets.Add(W("pie", 0, 12, 4, 4, "Spend by campaign type", Q(["spend"], ["campaign_type"], "none")));
        widgets.Add(W("donut", 4, 12, 4, 4, "Sales by campaign type", Q(["sales"], ["campaign_type"], "none")));
        widgets.Add(W("gauge", 8, 12, 4, 4, "ROAS", Q(["roas"], [], "none"), new JsonObject { ["min"] = 0, ["max"] = 8 }));
        widgets.Add(W("heatmap", 0, 16, 12, 5, "ROAS by campaign and week", Q(["roas"], ["campaign"], "week")));
        widgets.Add(W("bar", 0, 21, 6, 4, "Sales by ASIN", Q(["sales"], ["asin"], "none", "sales", 12)));
        widgets.Add(W("line", 6, 21, 6, 4, "Clicks by campaign type", Q(["clicks"], ["campaign_type"], "day")));
        widgets.Add(W("table", 0, 25, 12, 5, "Campaigns", Q(["impressions", "clicks", "spend", "sales", "roas", "acos"], ["campaign"], "none", "spend")));
        widgets.Add(W("table", 0, 30, 12, 5, "ASINs", Q(["impressions", "clicks", "spend", "sales", "roas"], ["asin"], "none", "sales")));
        return new JsonObject
        {
            ["name"] = "Benchmark: 20 widgets",
            // Every widget loads at once: the benchmark times them all, not only those in view.
            ["settings"] = new JsonObject { ["lazyLoad"] = false },
            ["filters"] = new JsonArray(new JsonObject { ["dimension"] = "time", ["preset"] = "last30days" }),
            ["widgets"] = widgets,
        };
    }
}
