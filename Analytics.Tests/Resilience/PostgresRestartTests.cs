using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace Analytics.Tests.Resilience;

/// <summary>
/// The app's PostgreSQL restarted under it — its own cluster (<see cref="PrivatePostgres"/>), so the suite's shared server
/// is untouched — while metrics are ingested over the API, a backfill runs as a Quartz job and a dashboard is open in
/// Chromium. The app recovers without a restart: every ingest answered 2xx is stored exactly once, those that were not got
/// 503 + Retry-After and a problem saying the database is unavailable (and got through when repeated), the backfill ends
/// with every segment's rows once, the dashboard tile says the database is unavailable and then shows fresh data, and the
/// health endpoint reports the outage and the recovery.
/// </summary>
public sealed class PostgresRestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Metric = "resilience.ingest";
    private const int PointsPerBatch = 5;
    private const string AdminEmail = "admin@resilience.local";
    private const string AdminPassword = "resilience-password-42";
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private const int Weeks = 10;

    [PrivatePostgresFact(browser: true)]
    public async Task The_app_recovers_from_a_postgres_restart_without_losing_acknowledged_work()
    {
        var clock = Stopwatch.StartNew();
        void Phase(string name) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {name}");
        await using var postgres = await PrivatePostgres.StartAsync();
        Phase("private PostgreSQL up");
        await using var amc = await FakeAmcServer.StartAsync();
        amc.PollsToFinish = 8;
        amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n"];
        var directory = Directory.CreateTempSubdirectory("analytics-resilience-");
        var settings = new Dictionary<string, string>
        {
            ["Analytics:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Analytics"] = postgres.ConnectionString,
            ["Analytics:Database:SeedDemo"] = "false",
            ["Analytics:Database:RetryAfterSeconds"] = "1",
            ["Analytics:DataDirectory"] = directory.FullName,
            ["Analytics:Auth:AdminEmail"] = AdminEmail,
            ["Analytics:Auth:AdminPassword"] = AdminPassword,
            ["Analytics:Amc:PollInterval"] = "00:00:00.100",
            ["Analytics:Amc:BaseDelay"] = "00:00:00.050",
            ["Analytics:Jobs:SupervisorIntervalSeconds"] = "1",
            ["Analytics:Collections:HeartbeatSeconds"] = "0.5",
        };
        foreach (var (key, value) in LocalFakes.Settings) settings[key] = value!;
        await using var app = await AppProcess.StartAsync(settings);
        Phase("app healthy");
        using var api = app.CreateClient();
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        string Context() => $"\n--- app ---\n{app.Output}\n--- postgres ---\n{postgres.Log}";

        // A backfill of AMC weeks, each run a second or so at the fake, two at a time: it spans the outage.
        var s = amc.Settings;
        var source = await PostJsonAsync(api, "/api/v1/sources", new
        {
            name = "AMC", kind = "amc",
            settings = new { baseUrl = s.BaseUrl, instanceId = s.InstanceId, advertiserId = s.AdvertiserId, marketplaceId = s.MarketplaceId, clientId = s.ClientId, accessToken = s.AccessToken },
        });
        var report = await PostJsonAsync(api, "/api/v1/reports", new { name = "Weekly", templateId = "tpl-amc-campaign-performance", sourceId = source["id"]!.GetValue<string>() });
        // A dashboard whose KPI tile sums the ingested points.
        var now = DateTimeOffset.UtcNow;
        var dashboard = await PostJsonAsync(api, "/api/v1/dashboards", new
        {
            name = "Ingest", description = "", refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", start = now.AddDays(-1), end = now.AddDays(1) } },
            widgets = new object[] { new { id = "ingested", type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Ingested", series = new { metricName = Metric, aggregation = "count" } } } },
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl.ToString() })).NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#email", AdminEmail);
        await page.FillAsync("#password", AdminPassword);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await page.GotoAsync($"/dashboards/{dashboard["id"]!.GetValue<string>()}");
        await page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = 15_000 });
        var tile = page.Locator("[data-widget-id=ingested]");
        Phase("dashboard open in Chromium");

        // Ingest: two clients, each sending batches of distinct points one after another; a 503 is repeated after its Retry-After.
        var ingest = new Ingest(api);
        using var stopIngest = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 2).Select(c => ingest.RunAsync(c, stopIngest.Token)).ToList();
        await WaitUntilAsync(() => Task.FromResult(ingest.Acknowledged >= 3), "ingest to get going" + Context());
        await Assertions.Expect(tile.Locator("[data-testid=kpi-value]")).Not.ToHaveTextAsync("", new() { Timeout = 15_000 });

        var created = await api.PostAsJsonAsync("/api/v1/data-collections", new
        {
            reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * Weeks), granularity = "week", maxConcurrency = 2,
        });
        created.StatusCode.Should().Be(HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        var collectionId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WaitUntilAsync(async () => (await CollectionAsync(api, collectionId))["succeededSegments"]!.GetValue<int>() >= 1, "the backfill to get going" + Context());

        // Down: fast shutdown ends every session; the app's pooled connections are all broken.
        var shownBefore = await ReadNumberAsync(tile.Locator("[data-testid=kpi-value]"));
        await postgres.StopServerAsync("fast");
        Phase("PostgreSQL stopped");
        var down = Stopwatch.StartNew();
        var failuresBefore = ingest.Unavailable;
        await WaitUntilAsync(async () => (await anonymous.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "/healthz/ready to report the outage" + Context());
        // The process itself is fine: an orchestrator must not restart it for the database's outage.
        (await anonymous.GetAsync("/healthz/live")).StatusCode.Should().Be(HttpStatusCode.OK, "liveness does not depend on the database");
        // The open dashboard: a refresh of the tile says the database is unavailable (no raw exception), and that it retries.
        await tile.Locator("button.tile-action[title='Refresh this widget']").ClickAsync();
        var unavailable = tile.Locator("[data-testid=widget-unavailable]");
        await Assertions.Expect(unavailable).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(unavailable).ToContainTextAsync("briefly unavailable");
        await Assertions.Expect(unavailable).ToContainTextAsync("Trying again");
        await WaitUntilAsync(() => Task.FromResult(ingest.Unavailable > failuresBefore), "an ingest request to be answered 503 during the outage" + Context());
        var countBefore = await tile.Locator("[data-testid=kpi-value]").CountAsync();
        if (down.Elapsed < TimeSpan.FromSeconds(4)) await Task.Delay(TimeSpan.FromSeconds(4) - down.Elapsed);
        await postgres.StartServerAsync();
        Phase("PostgreSQL started again");

        // Back: healthy again without a restart of the app.
        await WaitUntilAsync(async () => (await anonymous.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.OK, "/healthz/ready to recover" + Context(), seconds: 30);
        app.HasExited.Should().BeFalse();
        Phase("/healthz/ready 200 again");
        var recovered = DateTimeOffset.UtcNow;
        var acknowledgedAtRecovery = ingest.Acknowledged;
        await WaitUntilAsync(() => Task.FromResult(ingest.Acknowledged >= acknowledgedAtRecovery + 6), "ingest to get through again" + Context(), seconds: 30);

        // The tile retried by itself and shows data again, counting points ingested after the outage.
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = 20_000 });
        await Assertions.Expect(unavailable).ToHaveCountAsync(0);
        await WaitForAsync(() => ReadNumberAsync(tile.Locator("[data-testid=kpi-value]")), shown => shown > shownBefore,
            $"the tile to count the points ingested since the outage (it showed {shownBefore} before)" + Context());

        var collection = await WaitForAsync(async () => await CollectionAsync(api, collectionId), c => c["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled" or "paused",
            "the backfill to end" + Context(), seconds: 30); // well before a stale heartbeat (60 s) would hand it to the supervisor
        Phase("backfill ended");
        // The scheduler (its store is the same database) fires jobs again: the supervisor, every second here.
        await WaitUntilAsync(async () => (await api.GetFromJsonAsync<JsonObject>("/api/v1/jobs/system.supervisor/history?limit=500"))!["items"]!.AsArray()
            .Any(r => DateTimeOffset.Parse(r!["firedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) > recovered), "Quartz to fire the supervisor again" + Context(), seconds: 30);
        Phase("scheduler firing again");
        await stopIngest.CancelAsync();
        await Task.WhenAll(clients);

        ingest.Unexpected.Should().BeEmpty("every ingest request is answered 202, or 503 with Retry-After and a problem saying the database is unavailable" + Context());
        collection["status"]!.GetValue<string>().Should().Be("succeeded", collection.ToJsonString() + Context());
        collection["succeededSegments"]!.GetValue<int>().Should().Be(Weeks);
        collection["segments"]!.AsArray().Should().OnlyContain(segment => segment!["attempts"]!.GetValue<int>() == 1,
            "the outage failed no segment and used up none of its retries" + collection.ToJsonString());
        app.Output.Should().MatchRegex("Segment .* was interrupted: the database is unavailable|Collection .* waits for the database|Execution .* was interrupted: the database is unavailable",
            "the outage reached the backfill while it ran");

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        // Every acknowledged point stored exactly once (no more: nothing unacknowledged or duplicated; no less: nothing lost).
        var stored = await ScalarAsync(connection, $"SELECT COUNT(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.name = '{Metric}'");
        stored.Should().Be(ingest.Acknowledged * PointsPerBatch);
        var distinct = await ScalarAsync(connection, $"SELECT COUNT(DISTINCT p.ts) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.name = '{Metric}'");
        distinct.Should().Be(stored);
        // Every backfill week's two rows, once.
        var facts = await ScalarAsync(connection, $"SELECT COUNT(*) FROM facts WHERE dataset_id = {report["datasetId"]!.GetValue<int>()}");
        facts.Should().Be(Weeks * 2, "each week's two campaign rows once");
        countBefore.Should().Be(0, "while the database was away the tile showed the message, not a number");
        output.WriteLine($"ingest: {ingest.Acknowledged} batches acknowledged, {ingest.Unavailable} answers 503");
        directory.Delete(recursive: true);
    }

    /// <summary>Ingest clients: each sends distinct points (its own timestamps), repeating a batch answered 503 after its Retry-After.</summary>
    private sealed class Ingest(HttpClient api)
    {
        private readonly long _base = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        private int _acknowledged;
        private int _unavailable;
        public ConcurrentQueue<string> Unexpected { get; } = new();
        public int Acknowledged => Volatile.Read(ref _acknowledged);
        public int Unavailable => Volatile.Read(ref _unavailable);

        public async Task RunAsync(int client, CancellationToken stop)
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var body = new StringBuilder("[");
                for (var i = 0; i < PointsPerBatch; i++)
                {
                    // Client c's points sit at distinct milliseconds: (batch * PointsPerBatch + i) * 2 + c.
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(_base + (batch * PointsPerBatch + i) * 2L + client);
                    body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"name":"{{Metric}}","time":"{{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","value":1}""");
                }
                body.Append(']');
                while (true)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await api.PostAsync("/api/v1/metrics/ingest", new StringContent(body.ToString(), Encoding.UTF8, "application/json"), CancellationToken.None);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Unexpected.Enqueue($"batch {client}/{batch}: no answer ({e.Message})");
                        return;
                    }
                    var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref _acknowledged);
                        break;
                    }
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref _unavailable);
                        var retryAfter = response.Headers.RetryAfter?.Delta;
                        var problem = JsonNode.Parse(text);
                        if (retryAfter is null || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                            || problem?["title"]?.GetValue<string>() != "Database unavailable" || problem["detail"]?.GetValue<string>().Contains("briefly unavailable") != true)
                        {
                            Unexpected.Enqueue($"batch {client}/{batch}: 503 without Retry-After or the problem: {response.Headers} {text}");
                            return;
                        }
                        await Task.Delay(retryAfter.Value, CancellationToken.None);
                        continue;
                    }
                    Unexpected.Enqueue($"batch {client}/{batch}: {(int)response.StatusCode} {text}");
                    return;
                }
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> CollectionAsync(HttpClient api, string id) => JsonNode.Parse(await api.GetStringAsync($"/api/v1/data-collections/{id}"))!;

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<double> ReadNumberAsync(ILocator locator)
    {
        var text = await locator.InnerTextAsync(new() { Timeout = 2_000 });
        return double.Parse(new string(text.Where(c => char.IsDigit(c) || c == '.').ToArray()), CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20) =>
        await WaitForAsync(async () => await condition(), ok => ok, what, seconds);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            T value;
            try
            {
                value = await read();
                if (until(value)) return value;
            }
            catch (Exception e) when (e is HttpRequestException or PlaywrightException or FormatException)
            {
                // the app answers, or the page shows it, a moment later
            }
            DateTime.UtcNow.Should().BeBefore(deadline, $"waited {seconds} s for {what}");
            await Task.Delay(100);
        }
    }
}
