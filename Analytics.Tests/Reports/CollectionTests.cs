using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>Data collections (backfills) through the API, run by Quartz against the fake AMC.</summary>
public sealed class CollectionTests(FastAmcWebFactory factory) : IClassFixture<FastAmcWebFactory>, IAsyncLifetime
{
    private FakeAmcServer _amc = null!;
    private string _sourceId = null!;
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _amc = await FakeAmcServer.StartAsync();
        _amc.PollsToFinish = 1;
        _amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n"];
        _sourceId = await AmcExecutionTests.AddAmcSourceAsync(factory, _amc);
    }

    public async Task DisposeAsync() => await _amc.DisposeAsync();

    private async Task<JsonNode> ReportAsync()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/reports", new { name = "AMC weekly", templateId = "tpl-amc-campaign-performance", sourceId = _sourceId });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> WaitAsync(string id, Func<JsonNode, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var collection = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/data-collections/{id}"))!;
            if (until(collection)) return collection;
            DateTime.UtcNow.Should().BeBefore(deadline, $"collection {id}: {collection.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private static bool Ended(JsonNode c) => c["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled";

    private async Task<long> FactsAsync(int datasetId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        return await db.Facts.LongCountAsync(f => f.DatasetId == datasetId);
    }

    [Fact]
    public async Task A_backfill_splits_into_weeks_runs_every_segment_once_and_lands_every_row_once()
    {
        var report = await ReportAsync();
        var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * 12), granularity = "week", maxConcurrency = 4 });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var done = await WaitAsync(id, Ended);
        done["status"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
        done["totalSegments"]!.GetValue<int>().Should().Be(12);
        done["succeededSegments"]!.GetValue<int>().Should().Be(12);
        done["segments"]!.AsArray().Should().OnlyContain(s => s!["rowCount"]!.GetValue<long>() == 2 && s["attempts"]!.GetValue<int>() == 1);
        (await FactsAsync(report["datasetId"]!.GetValue<int>())).Should().Be(24, "2 campaigns × 12 weeks");
        var submitted = _amc.RequestsTo("POST", "/workflowExecutions");
        submitted.Should().HaveCount(12, "one AMC execution per week");
        submitted.Select(r => JsonNode.Parse(r.Body)!["timeWindowStart"]!.GetValue<string>()).Should().OnlyHaveUniqueItems();

        // The new data is scanned for anomalies right after the collection, not at the next daily scan.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonArray scans;
        do
        {
            await Task.Delay(200);
            scans = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/jobs/insights.insights-daily-scan/history"))!["items"]!.AsArray();
        }
        while (scans.Count == 0 && DateTime.UtcNow < deadline);
        scans.Should().NotBeEmpty("a finished collection triggers the insight scan");
    }

    [Fact]
    public async Task A_segment_whose_execution_succeeded_just_before_a_crash_is_recorded_not_submitted_again()
    {
        var report = await ReportAsync();
        var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * 3), granularity = "week", maxConcurrency = 3 });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        (await WaitAsync(id, Ended))["status"]!.GetValue<string>().Should().Be("succeeded");
        var submitted = _amc.RequestsTo("POST", "/workflowExecutions").Count;

        // The state a process killed between merging a segment's rows and recording the segment leaves behind: the
        // execution succeeded, the segment still says running, the collection's heartbeat has stopped.
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync())
        {
            var segment = await db.CollectionSegments.SingleAsync(s => s.CollectionId == id && s.Index == 1);
            segment.Status = Analytics.Domain.Collections.SegmentStatus.Running;
            segment.RowCount = 0;
            segment.FinishedAt = null;
            var collection = await db.DataCollections.SingleAsync(c => c.Id == id);
            collection.Status = Analytics.Domain.Collections.CollectionStatus.Running;
            collection.FinishedAt = null;
            collection.HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            await db.SaveChangesAsync();
        }

        var revived = await WaitAsync(id, Ended);
        revived["status"]!.GetValue<string>().Should().Be("succeeded", revived.ToJsonString());
        revived["segments"]!.AsArray().Should().OnlyContain(s => s!["rowCount"]!.GetValue<long>() == 2, "the segment takes its execution's rows");
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(submitted, "the week was already collected: nothing is submitted to AMC again");
        (await FactsAsync(report["datasetId"]!.GetValue<int>())).Should().Be(6);
    }

    [Fact]
    public async Task Two_collections_on_one_instance_share_its_segment_cap()
    {
        _amc.PollsToFinish = 4;
        var report = await ReportAsync();
        var ids = new List<string>();
        foreach (var offset in new[] { 0, 28 })
        {
            var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday.AddDays(offset), end = Monday.AddDays(offset + 28), granularity = "week", maxConcurrency = 4 });
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        }
        var peak = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            // One read of both collections' segments: two API calls could see a slot pass from one to the other.
            await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync())
                peak = Math.Max(peak, await db.CollectionSegments.CountAsync(s => ids.Contains(s.CollectionId) && s.Status == Analytics.Domain.Collections.SegmentStatus.Running));
            var views = new List<JsonNode>();
            foreach (var id in ids) views.Add(JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/data-collections/{id}"))!);
            if (views.All(Ended)) break;
            DateTime.UtcNow.Should().BeBefore(deadline);
            await Task.Delay(20);
        }
        peak.Should().BeGreaterThan(1).And.BeLessThanOrEqualTo(3, "the instance allows 3 segments at once (Analytics:Collections:MaxSegmentsPerInstance), whichever collection they belong to");
        (await FactsAsync(report["datasetId"]!.GetValue<int>())).Should().Be(16);
    }

    [Fact]
    public async Task Failed_segments_are_retried_with_backoff_and_retry_failed_reruns_the_ones_that_gave_up()
    {
        var report = await ReportAsync();
        // The first submission answers 400: final for that window, so its segment fails without retries.
        _amc.Fail(new AmcScriptedFault(400, Body: "{\"message\":\"Invalid query\"}", Method: "POST", PathContains: "workflowExecutions"), times: 1);
        var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(14), granularity = "week", maxConcurrency = 1 });
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var done = await WaitAsync(id, Ended);
        done["status"]!.GetValue<string>().Should().Be("failed");
        var segments = done["segments"]!.AsArray();
        segments[0]!["status"]!.GetValue<string>().Should().Be("failed", "AMC's 400 is final for that window");
        segments[0]!["error"]!.GetValue<string>().Should().Contain("Invalid query");
        segments[1]!["status"]!.GetValue<string>().Should().Be("succeeded");

        var retry = await Admin.PostAsync($"/api/v1/data-collections/{id}/retry-failed", null);
        retry.StatusCode.Should().Be(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        var again = await WaitAsync(id, Ended);
        again["status"]!.GetValue<string>().Should().Be("succeeded", again.ToJsonString());
        (await FactsAsync(report["datasetId"]!.GetValue<int>())).Should().Be(4);
    }

    [Fact]
    public async Task Pause_stops_new_segments_and_resume_finishes_the_rest()
    {
        _amc.PollsToFinish = 5;
        var report = await ReportAsync();
        var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * 6), granularity = "week", maxConcurrency = 1 });
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WaitAsync(id, c => c["succeededSegments"]!.GetValue<int>() >= 1);

        (await Admin.PostAsync($"/api/v1/data-collections/{id}/pause", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var paused = await WaitAsync(id, c => c["runningSegments"]!.GetValue<int>() == 0);
        paused["status"]!.GetValue<string>().Should().Be("paused");
        var doneWhilePaused = paused["succeededSegments"]!.GetValue<int>();
        await Task.Delay(1000);
        JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/data-collections/{id}"))!["succeededSegments"]!.GetValue<int>().Should().Be(doneWhilePaused, "nothing starts while paused");

        (await Admin.PostAsync($"/api/v1/data-collections/{id}/resume", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var done = await WaitAsync(id, Ended);
        done["status"]!.GetValue<string>().Should().Be("succeeded");
        (await Admin.PostAsync($"/api/v1/data-collections/{id}/pause", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_stops_running_segments_at_AMC_and_leaves_the_rest_cancelled()
    {
        _amc.PollsToFinish = 100_000;
        var report = await ReportAsync();
        var response = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7 * 4), granularity = "week", maxConcurrency = 2 });
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await WaitAsync(id, c => c["runningSegments"]!.GetValue<int>() == 2 && _amc.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/workflowExecutions/", StringComparison.Ordinal)) >= 2);

        (await Admin.PostAsync($"/api/v1/data-collections/{id}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var done = await WaitAsync(id, c => c["segments"]!.AsArray().All(s => s!["status"]!.GetValue<string>() == "cancelled"));
        done["status"]!.GetValue<string>().Should().Be("cancelled");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_amc.RequestsTo("DELETE").Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        _amc.RequestsTo("DELETE").Should().HaveCount(2, "both running AMC executions are cancelled");
    }

    [Fact]
    public async Task Another_users_collections_are_not_found_and_bad_input_names_the_field()
    {
        var report = await ReportAsync();
        var bad = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(-1), granularity = "fortnight" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["granularity", "end"]);

        var created = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7), granularity = "week" });
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var other = factory.CreateApiClient(key);
        (await other.GetAsync($"/api/v1/data-collections/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        foreach (var verb in new[] { "pause", "resume", "cancel", "retry-failed" })
            (await other.PostAsync($"/api/v1/data-collections/{id}/{verb}", null)).StatusCode.Should().Be(HttpStatusCode.NotFound, verb);
        (await other.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(7) })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await other.GetFromJsonAsync<JsonObject>("/api/v1/data-collections"))!["items"]!.AsArray().Should().BeEmpty();
        (await other.GetAsync("/api/v1/jobs")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the job console is for admins");
    }

    [Fact]
    public async Task The_job_console_lists_jobs_with_history_from_the_persistent_store()
    {
        var jobs = await Admin.GetFromJsonAsync<JsonArray>("/api/v1/jobs");
        jobs!.Select(j => j!["key"]!.GetValue<string>()).Should().Contain(["supervisor", "alert-evaluation", "metrics-retention"]);
        (await Admin.PostAsync("/api/v1/jobs/system.metrics-retention/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonArray history;
        do
        {
            await Task.Delay(200);
            history = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/jobs/system.metrics-retention/history"))!["items"]!.AsArray();
        }
        while (history.Count == 0 && DateTime.UtcNow < deadline);
        history.Should().NotBeEmpty();
        history[0]!["outcome"]!.GetValue<string>().Should().Be("succeeded");
        history[0]!["manual"]!.GetValue<bool>().Should().BeTrue();

        // Each run lands in the operational store too: duration, CPU, memory, attempts.
        foreach (var metric in new[] { "jobs.run.duration_ms", "jobs.run.cpu_ms", "jobs.run.peak_memory_bytes", "jobs.run.attempt" })
        {
            JsonArray data;
            do
            {
                var response = await Admin.PostAsJsonAsync("/api/v1/metrics/query", new
                {
                    metricName = metric, aggregation = "count", groupBy = new[] { "job" }, filters = new Dictionary<string, string> { ["job"] = "system.metrics-retention" },
                    timeRange = new { start = DateTimeOffset.UtcNow.AddHours(-1), end = DateTimeOffset.UtcNow.AddMinutes(1) },
                });
                data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
                if (data.Count > 0) break;
                await Task.Delay(250);
            }
            while (DateTime.UtcNow < deadline);
            data.Should().NotBeEmpty($"{metric} is recorded for the run");
        }

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM qrtz_triggers";
        Convert.ToInt64(await command.ExecuteScalarAsync()).Should().BeGreaterThan(0, "the schedule lives in the app's own database");
    }
}
