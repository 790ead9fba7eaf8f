using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Sources;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>The app with fast AMC polling and retries, so runs against the fake AMC take milliseconds.</summary>
public sealed class FastAmcWebFactory : AnalyticsWebFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.AllowLocalFakes();
        builder.UseSetting("Analytics:Amc:PollInterval", "00:00:00.020");
        builder.UseSetting("Analytics:Amc:BaseDelay", "00:00:00.010");
        builder.UseSetting("Analytics:Amc:MaxDelay", "00:00:00.050");
        builder.UseSetting("Analytics:Reports:RetryDelaySeconds", "0.01");
        builder.UseSetting("Analytics:Collections:HeartbeatSeconds", "0.2");
        builder.UseSetting("Analytics:Collections:RetryBaseSeconds", "0.05");
        builder.UseSetting("Analytics:Collections:RetryMaxSeconds", "0.2");
        builder.UseSetting("Analytics:Collections:SubmissionsPerMinute", "6000");
        builder.UseSetting("Analytics:Collections:StaleAfterSeconds", "2");
        builder.UseSetting("Analytics:Collections:MaxSegmentsPerInstance", "3");
        builder.UseSetting("Analytics:Jobs:SupervisorIntervalSeconds", "1");
    }
}

/// <summary>
/// Reports on an AMC instance, run through the app's own execution path against the fake AMC on 127.0.0.1: one-line
/// SQL with quoted literals, throttling and server errors ridden out, privacy rejections final, suppressed rows kept,
/// cancellation reaching AMC.
/// </summary>
public sealed class AmcExecutionTests(FastAmcWebFactory factory) : IClassFixture<FastAmcWebFactory>, IAsyncLifetime
{
    private FakeAmcServer _amc = null!;
    private string _sourceId = null!;
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _amc = await FakeAmcServer.StartAsync();
        _amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\n,120,3,1,0,0\n,80,2,0.5,5,1\n"];
        _sourceId = await AddAmcSourceAsync(factory, _amc);
    }

    /// <summary>Stores an AMC source pointing at <paramref name="amc"/> the way the sources API stores it: the access token encrypted.</summary>
    public static async Task<string> AddAmcSourceAsync(AnalyticsWebFactory factory, FakeAmcServer amc)
    {
        var sourceId = "amc-" + Guid.NewGuid().ToString("N")[..8];
        var secrets = factory.Services.GetRequiredService<SourceSecrets>();
        var s = amc.Settings;
        var settings = new JsonObject
        {
            ["baseUrl"] = s.BaseUrl, ["instanceId"] = s.InstanceId, ["advertiserId"] = s.AdvertiserId,
            ["marketplaceId"] = s.MarketplaceId, ["clientId"] = s.ClientId, ["accessToken"] = s.AccessToken,
        };
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        db.Sources.Add(new DataSource
        {
            Id = sourceId, Name = "AMC test instance", Kind = SourceKind.Amc, OwnerId = "system",
            SettingsJson = secrets.Protect(SourceKind.Amc, settings).ToJsonString(), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return sourceId;
    }

    public async Task DisposeAsync() => await _amc.DisposeAsync();

    private async Task<string> CreateReportAsync(string templateId = "tpl-amc-campaign-performance", object? parameters = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/reports", new { name = "AMC campaigns", templateId, sourceId = _sourceId, parameters = parameters ?? new { marketplace = "O'Brien -- ; DROP" } });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private async Task<string> StartAsync(string reportId, DateTimeOffset start)
    {
        var response = await Admin.PostAsJsonAsync($"/api/v1/reports/{reportId}/executions", new { timeWindowStart = start, timeWindowEnd = start.AddDays(7) });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["executionId"]!.GetValue<string>();
    }

    private async Task<JsonNode> WaitAsync(string executionId, Func<JsonNode, bool>? until = null)
    {
        until ??= e => e["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var execution = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/executions/{executionId}"))!;
            if (until(execution)) return execution;
            DateTime.UtcNow.Should().BeBefore(deadline, $"execution {executionId} should get there within a minute: {execution.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task An_AMC_report_runs_as_one_line_sql_with_quoted_literals_and_keeps_suppressed_rows_visible()
    {
        var reportId = await CreateReportAsync();
        var execution = await WaitAsync(await StartAsync(reportId, Monday));

        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        execution["rowCount"]!.GetValue<long>().Should().Be(2, "Spring Sale, and the two suppressed rows folded into one bucket");
        execution["suppressedRows"]!.GetValue<int>().Should().Be(2);
        var created = _amc.RequestsTo("POST", "/workflowExecutions").Last();
        var body = JsonNode.Parse(created.Body)!;
        var sql = body["workflow"]!["sqlQuery"]!.GetValue<string>();
        sql.Should().NotContainAny("\n", "\t").And.NotEndWith(";");
        sql.Should().Contain("marketplace_id = 'O''Brien -- ; DROP'", "the value is one quoted literal, its quote doubled");
        body["timeWindowStart"]!.GetValue<string>().Should().Be("2025-01-06T00:00:00");
        body["timeWindowEnd"]!.GetValue<string>().Should().Be("2025-01-13T00:00:00");
        created.Header("Amazon-Advertising-API-ClientId").Should().Be(FakeAmcServer.ClientId);
        created.Header("Authorization").Should().Be($"Bearer {FakeAmcServer.Token}", "the decrypted token is sent");

        var query = await Admin.PostAsJsonAsync("/api/v1/query", new
        {
            metrics = new[] { "spend", "impressions" }, groupBy = new[] { "campaign" }, sourceIds = new[] { _sourceId }, granularity = "none",
            timeRange = new { start = Monday, end = Monday.AddDays(7) },
        });
        var rows = JsonNode.Parse(await query.Content.ReadAsStringAsync())!["rows"]!.AsArray();
        rows.Select(r => r![0]!.GetValue<string>()).Should().BeEquivalentTo(["Spring Sale", "(suppressed)"]);
        rows.Single(r => r![0]!.GetValue<string>() == "(suppressed)")![2]!.GetValue<double>().Should().Be(200, "120 + 80 impressions");
    }

    [Fact]
    public async Task Throttling_with_retry_after_and_server_errors_are_ridden_out()
    {
        var reportId = await CreateReportAsync();
        _amc.Fail(new AmcScriptedFault(429, RetryAfter: "0", Method: "POST"), times: 2);
        _amc.Fail(new AmcScriptedFault(503, Method: "GET"), times: 2);
        var execution = await WaitAsync(await StartAsync(reportId, Monday.AddDays(7)));
        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(1 + 2, "two 429s, then the accepted submission");
    }

    [Fact]
    public async Task A_privacy_rejection_fails_the_execution_as_final_without_resubmitting()
    {
        _amc.FinalStatus = "REJECTED";
        _amc.FinalReason = "Aggregation threshold not met";
        var reportId = await CreateReportAsync();
        var execution = await WaitAsync(await StartAsync(reportId, Monday.AddDays(14)));
        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("rejected").And.Contain("Aggregation threshold not met");
        execution["attempts"]!.GetValue<int>().Should().Be(1, "a rejection is final: not retried");
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(1);
    }

    [Fact]
    public async Task Cancelling_a_slow_execution_cancels_it_at_AMC()
    {
        _amc.PollsToFinish = 100_000;
        var reportId = await CreateReportAsync();
        var id = await StartAsync(reportId, Monday.AddDays(21));
        // Polling: AMC has answered the submission, so the connector knows the remote execution's id.
        await WaitAsync(id, _ => _amc.Requests.Any(r => r.Method == "GET" && r.Path.Contains("/workflowExecutions/", StringComparison.Ordinal)));

        var cancel = await Admin.PostAsync($"/api/v1/executions/{id}/cancel", null);
        cancel.StatusCode.Should().Be(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        var execution = await WaitAsync(id);
        execution["status"]!.GetValue<string>().Should().Be("cancelled");
        _amc.RequestsTo("DELETE").Should().ContainSingle("the remote execution is cancelled too");
        (await Admin.PostAsync($"/api/v1/executions/{id}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict, "it already ended");
    }

    [Fact]
    public async Task A_rerun_with_different_values_replaces_them_and_records_the_conflict()
    {
        var reportId = await CreateReportAsync();
        var first = await WaitAsync(await StartAsync(reportId, Monday.AddDays(28)));
        first["status"]!.GetValue<string>().Should().Be("succeeded");
        _amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1500,30,12,44,3\n,200,5,1.5,5,1\n"];
        var second = await WaitAsync(await StartAsync(reportId, Monday.AddDays(28)));
        second["status"]!.GetValue<string>().Should().Be("succeeded");
        second["unchanged"]!.GetValue<bool>().Should().BeFalse();
        second["conflictCount"]!.GetValue<int>().Should().Be(1, "Spring Sale changed; the suppressed bucket sums to the same values");
        second["conflicts"]![0]!["old"]![0]!.GetValue<double>().Should().Be(1000);
        second["conflicts"]![0]!["new"]![0]!.GetValue<double>().Should().Be(1500);
    }

    [Fact]
    public async Task Rows_that_fail_validation_are_reported_by_row_and_column_and_nothing_is_written()
    {
        _amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nA,10,1,1,1,1\nB,-5,1,1,1,1\nC,ten,1,1,1,1\n"];
        var reportId = await CreateReportAsync();
        var execution = await WaitAsync(await StartAsync(reportId, Monday.AddDays(35)));
        execution["status"]!.GetValue<string>().Should().Be("failed");
        var problems = execution["problems"]!.AsArray();
        problems.Select(p => $"{p!["row"]}:{p["column"]}").Should().Equal("2:impressions", "3:impressions");
        execution["error"]!.GetValue<string>().Should().Contain("nothing was written");
        var report = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/reports/{reportId}"))!;
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        (await db.Facts.CountAsync(f => f.DatasetId == report["datasetId"]!.GetValue<int>())).Should().Be(0);
    }
}
