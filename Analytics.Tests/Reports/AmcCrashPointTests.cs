using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Tests.Reports;

/// <summary>
/// The app as a real process on one database, restarted after each kill: a test kills the current process (that kill is
/// what it tests) and the process it starts serves the next test, so five crash points cost six starts, not ten.
/// </summary>
public abstract class CrashApp(DatabaseProvider provider) : IAsyncLifetime
{
    private DirectoryInfo? _directory;

    public AnalyticsTestHost Host { get; private set; } = null!;
    public AppProcess App { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(LocalFakes.Settings.Select(s => KeyValuePair.Create(s.Key, s.Value!)))
    {
        ["Analytics:Database:Provider"] = provider.ToString(),
        ["ConnectionStrings:Analytics"] = Host.ConnectionString,
        ["Analytics:DataDirectory"] = _directory!.FullName,
        ["Analytics:Database:SeedDemo"] = "false",
        ["Analytics:Amc:PollInterval"] = "00:00:00.100",
        ["Analytics:Amc:BaseDelay"] = "00:00:00.020",
        ["Analytics:Amc:MaxDelay"] = "00:00:00.200",
        ["Analytics:Collections:HeartbeatSeconds"] = "0.3",
        ["Analytics:Collections:StaleAfterSeconds"] = "2",
        ["Analytics:Collections:SubmissionsPerMinute"] = "6000",
        ["Analytics:Collections:RetryBaseSeconds"] = "0.1",
        ["Analytics:Collections:RetryMaxSeconds"] = "0.5",
        ["Analytics:Jobs:SupervisorIntervalSeconds"] = "1",
        ["Analytics:Jobs:ClusterCheckinSeconds"] = "1",
    };

    public async Task InitializeAsync()
    {
        if (provider == DatabaseProvider.Postgres && TestEnvironment.PostgresSkipReason is not null) return; // the tests skip
        _directory = Directory.CreateTempSubdirectory("analytics-crash-");
        Host = await AnalyticsTestHost.CreateAsync(provider, settings: LocalFakes.With(new Dictionary<string, string?> { ["Analytics:DataDirectory"] = _directory.FullName }));
        await Host.InitializeAsync();
        App = await AppProcess.StartAsync(Settings);
    }

    /// <summary>SIGKILL the current process (no shutdown of any kind).</summary>
    public Task KillAsync() => App.KillAsync();

    /// <summary>A new process on the same database, which the next test kills in its turn.</summary>
    public async Task StartAgainAsync()
    {
        if (!App.HasExited) await App.KillAsync();
        await App.DisposeAsync();
        App = await AppProcess.StartAsync(Settings);
    }

    public async Task DisposeAsync()
    {
        if (_directory is null) return;
        await App.DisposeAsync();
        await Host.DisposeAsync();
        try { _directory.Delete(recursive: true); }
        catch (IOException) { /* a leftover temp file is harmless */ }
    }
}

public sealed class SqliteCrashApp() : CrashApp(DatabaseProvider.Sqlite);

public sealed class PostgresCrashApp() : CrashApp(DatabaseProvider.Postgres);

/// <summary>
/// A backfill killed with SIGKILL at each point of an AMC run — before the POST, while the POST is in flight, while
/// polling, while downloading the result, while merging it — and restarted: every window's rows land exactly once, and no
/// window is executed twice at AMC. The fake AMC lists only the fields AMC documents (no SQL), so nothing here leans on
/// the listing to recognise a run: the execution id is stored the moment AMC answers it, and the listing only serves the
/// gap between sending the POST and storing its answer.
/// </summary>
public abstract class AmcCrashPointTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : CrashApp
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private const string Header = "campaign,impressions,clicks,spend,sales,purchases\n";
    private const string TwoRows = Header + "Spring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n";
    private FakeAmcServer _amc = null!;

    public async Task InitializeAsync()
    {
        _amc = await FakeAmcServer.StartAsync();
        _amc.PollsToFinish = 2;
        _amc.ResultCsvParts = [TwoRows];
    }

    public async Task DisposeAsync() => await _amc.DisposeAsync();

    private sealed record Backfill(string Id, int DatasetId, int Weeks);

    private async Task<Backfill> StartBackfillAsync(int weeks, int maxConcurrency)
    {
        using var client = app.App.CreateClient();
        var s = _amc.Settings;
        var source = await client.PostAsJsonAsync("/api/v1/sources", new
        {
            name = "AMC " + Guid.NewGuid().ToString("N")[..6], kind = "amc",
            settings = new { baseUrl = s.BaseUrl, instanceId = s.InstanceId, advertiserId = s.AdvertiserId, marketplaceId = s.MarketplaceId, clientId = s.ClientId, accessToken = s.AccessToken },
        });
        source.StatusCode.Should().Be(HttpStatusCode.Created, await source.Content.ReadAsStringAsync());
        var sourceId = JsonNode.Parse(await source.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var report = await client.PostAsJsonAsync("/api/v1/reports", new { name = "AMC weekly", templateId = "tpl-amc-campaign-performance", sourceId });
        report.StatusCode.Should().Be(HttpStatusCode.Created, await report.Content.ReadAsStringAsync());
        var reportNode = JsonNode.Parse(await report.Content.ReadAsStringAsync())!;
        var created = await client.PostAsJsonAsync("/api/v1/data-collections", new
        {
            reportId = reportNode["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * weeks), granularity = "week", maxConcurrency,
        });
        created.StatusCode.Should().Be(HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        return new Backfill(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>(), reportNode["datasetId"]!.GetValue<int>(), weeks);
    }

    private async Task<List<Analytics.Domain.Reports.Execution>> ExecutionsAsync(Backfill backfill)
    {
        await using var db = await app.Host.DbAsync();
        return await db.Executions.AsNoTracking().Where(e => e.CollectionId == backfill.Id).ToListAsync();
    }

    private async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{what}\n{app.App.Output}");
            await Task.Delay(10);
        }
    }

    /// <summary>Restarts the app, waits for the backfill to finish and checks it: every window's rows exactly once, one AMC execution per window.</summary>
    private async Task RestartAndCheckAsync(Backfill backfill, long expectedRows)
    {
        await app.StartAgainAsync();
        using var client = app.App.CreateClient();
        JsonNode done = null!;
        await UntilAsync(async () =>
        {
            done = JsonNode.Parse(await client.GetStringAsync($"/api/v1/data-collections/{backfill.Id}"))!;
            return done["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled" or "paused";
        }, "the backfill should resume after the restart and finish");
        done["status"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
        await using (var db = await app.Host.DbAsync())
            (await db.Facts.LongCountAsync(f => f.DatasetId == backfill.DatasetId)).Should().Be(expectedRows, "every window's rows, exactly once");
        var perWindow = _amc.CreatedPerWindow;
        perWindow.Should().HaveCount(backfill.Weeks, "every window ran at AMC");
        perWindow.Should().OnlyContain(w => w.Value == 1, "no window was executed twice at AMC");
    }

    [ProviderFact]
    public async Task Killed_before_the_post_the_run_finds_nothing_at_AMC_and_submits_each_window_once()
    {
        // AMC throttles: every segment has marked "submitting since" and waits at the instance's gate, none has reached AMC.
        _amc.Fail(new AmcScriptedFault(429, RetryAfter: "3", Method: "POST"), times: 100);
        var backfill = await StartBackfillAsync(weeks: 3, maxConcurrency: 3);
        await UntilAsync(async () => (await ExecutionsAsync(backfill)).Count(e => e.SubmittingSince != null && e.RemoteExecutionId == null) == 3,
            "all three segments should be about to submit");
        await app.KillAsync();
        _amc.CreatedPerWindow.Should().BeEmpty("the kill came before any POST created an execution");

        _amc.ClearFaults();
        await RestartAndCheckAsync(backfill, 3 * 2);
    }

    [ProviderFact]
    public async Task Killed_while_the_post_is_in_flight_the_run_takes_the_execution_AMC_created_instead_of_submitting_again()
    {
        var hold = _amc.Hold("POST", "/workflowExecutions");
        var backfill = await StartBackfillAsync(weeks: 3, maxConcurrency: 2);
        await UntilAsync(() => Task.FromResult(hold.Held == 2), "two POSTs should be in flight (AMC created the executions and holds the answers)");
        await app.KillAsync();
        hold.Release();
        var lost = await ExecutionsAsync(backfill);
        lost.Where(e => e.SubmittingSince != null).Should().HaveCount(2).And.OnlyContain(e => e.RemoteExecutionId == null, "the answers never arrived");
        var createdAtKill = _amc.CreatedPerWindow.Keys.ToList();
        createdAtKill.Should().HaveCount(2);

        await RestartAndCheckAsync(backfill, 3 * 2);
        var taken = await ExecutionsAsync(backfill);
        taken.Select(e => e.RemoteExecutionId).Should().Contain(["exec-1", "exec-2"], "the executions created while the answers were in flight were found and taken");
    }

    [ProviderFact]
    public async Task Killed_while_polling_the_run_polls_its_stored_execution_without_listing_or_submitting()
    {
        _amc.PollsToFinish = 1_000_000;
        var backfill = await StartBackfillAsync(weeks: 3, maxConcurrency: 3);
        await UntilAsync(async () => (await ExecutionsAsync(backfill)).Count(e => e.RemoteExecutionId != null) == 3
                                     && _amc.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/workflowExecutions/exec-", StringComparison.Ordinal)) >= 3,
            "all three segments should be polling their stored AMC executions");
        await app.KillAsync();
        var seen = _amc.Requests.Count;

        _amc.PollsToFinish = 2;
        await RestartAndCheckAsync(backfill, 3 * 2);
        var after = _amc.Requests.Skip(seen).ToList();
        after.Should().NotContain(r => r.Method == "POST", "each window is already running at AMC");
        after.Should().NotContain(r => r.Method == "GET" && r.Path.EndsWith("/workflowExecutions", StringComparison.Ordinal),
            "stored ids are polled; the listing is never needed");
    }

    [ProviderFact]
    public async Task Killed_while_downloading_the_result_the_run_reads_its_execution_again()
    {
        _amc.PollsToFinish = 1;
        var hold = _amc.Hold("GET", "/results/");
        var backfill = await StartBackfillAsync(weeks: 3, maxConcurrency: 3);
        await UntilAsync(() => Task.FromResult(hold.Held >= 1), "a result download should be in flight");
        await app.KillAsync();
        hold.Release();

        await RestartAndCheckAsync(backfill, 3 * 2);
    }

    [ProviderFact]
    public async Task Killed_while_merging_the_run_merges_its_rows_again_exactly_once()
    {
        const int bigRows = 60_000;
        var big = new StringBuilder(Header);
        for (var i = 0; i < bigRows; i++) big.Append("campaign ").Append(i).Append(",1000,25,10.5,40,2\n");
        var bigWeek = Monday.AddDays(7).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss");
        _amc.PollsToFinish = 1;
        _amc.ResultCsvFor = start => start == bigWeek ? [big.ToString()] : [TwoRows];
        var backfill = await StartBackfillAsync(weeks: 3, maxConcurrency: 3);
        await UntilAsync(async () => (await ExecutionsAsync(backfill)).Any(e => e.Message != null && e.Message.StartsWith("Merging 60,000", StringComparison.Ordinal)),
            "the big week should be merging");
        await app.KillAsync();
        (await ExecutionsAsync(backfill)).Should().Contain(e => e.TimeWindowStart == Monday.AddDays(7) && e.Status == Analytics.Domain.Reports.ExecutionStatus.Running,
            "the kill came before the merge was recorded");

        await RestartAndCheckAsync(backfill, 2 * 2 + bigRows);
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class AmcCrashPointSqliteTests(SqliteCrashApp app) : AmcCrashPointTests<SqliteCrashApp>(app);

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class AmcCrashPointPostgresTests(PostgresCrashApp app) : AmcCrashPointTests<PostgresCrashApp>(app);
