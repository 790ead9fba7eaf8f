using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Amc;
using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>
/// A process died after sending a run's POST and before storing AMC's answer, and AMC (listing only the documented fields,
/// no SQL) lists two unclaimed executions of the window created since: the run takes neither and submits nothing — it
/// waits, saying so, until a person chooses, over the API or on the page; then it reads the chosen one.
/// </summary>
public sealed class RemoteChoiceTests(FastAmcWebFactory factory) : IClassFixture<FastAmcWebFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private FakeAmcServer _amc = null!;
    private string _sourceId = null!;
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

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

    /// <summary>Two AMC executions of the window whose answers no run of ours stored: the crashed run's, and another's lost in the same crash.</summary>
    private async Task<DateTimeOffset> TwoLostSubmissionsAsync(DateTimeOffset start)
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var http = new HttpClient();
        var client = new AmcClient(http, new AmcRetryOptions(), TimeProvider.System);
        await client.CreateExecutionAsync(_amc.Settings, "SELECT campaign FROM sponsored_ads_traffic", start, start.AddDays(7), new InMemoryRemoteRunJournal(), CancellationToken.None);
        await client.CreateExecutionAsync(_amc.Settings, "SELECT campaign, 1 AS n FROM sponsored_ads_traffic", start, start.AddDays(7), new InMemoryRemoteRunJournal(), CancellationToken.None);
        return since;
    }

    private async Task<AnalyticsDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();

    private async Task<JsonNode> WaitAsync(string url, Func<JsonNode, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var node = JsonNode.Parse(await Admin.GetStringAsync(url))!;
            if (until(node)) return node;
            DateTime.UtcNow.Should().BeBefore(deadline, $"{url}: {node.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_run_that_lost_its_answer_among_two_candidates_waits_for_a_choice_and_then_reads_the_chosen_execution()
    {
        var report = await ReportAsync();
        var window = Monday.AddDays(70);
        var since = await TwoLostSubmissionsAsync(window);
        var id = Analytics.Domain.Ids.New();
        await using (var db = await DbAsync())
        {
            // What the killed process left: running, "submitting since", no AMC id, and a heartbeat that stopped.
            db.Executions.Add(new Execution
            {
                Id = id, ReportId = report["id"]!.GetValue<string>(), TimeWindowStart = window, TimeWindowEnd = window.AddDays(7), Status = ExecutionStatus.Running,
                Attempts = 1, RequestedBy = "system", CreatedAt = since, StartedAt = since, SubmittingSince = since, RunnerId = "dead-node",
                HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-5), Message = "Running",
            });
            await db.SaveChangesAsync();
        }

        var waiting = await WaitAsync($"/api/v1/executions/{id}", e => e["candidates"] is JsonArray);
        waiting["status"]!.GetValue<string>().Should().Be("pending");
        waiting["message"]!.GetValue<string>().Should().Contain("Awaiting your choice");
        waiting["candidates"]!.AsArray().Select(c => c!["remoteExecutionId"]!.GetValue<string>()).Should().BeEquivalentTo(["exec-1", "exec-2"]);
        await Task.Delay(500);
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(2, "nothing is submitted blindly");

        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", [_sourceId]);
        (await factory.CreateApiClient(viewerKey).PostAsJsonAsync($"/api/v1/executions/{id}/remote-choice", new { remoteExecutionId = "exec-2" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "viewers watch; analysts and admins choose");
        var wrong = await Admin.PostAsJsonAsync($"/api/v1/executions/{id}/remote-choice", new { remoteExecutionId = "exec-9" });
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("exec-1").And.Contain("exec-2");
        (await Admin.PostAsJsonAsync($"/api/v1/executions/{id}/remote-choice", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var chosen = await Admin.PostAsJsonAsync($"/api/v1/executions/{id}/remote-choice", new { remoteExecutionId = "exec-2" });
        chosen.StatusCode.Should().Be(HttpStatusCode.OK, await chosen.Content.ReadAsStringAsync());
        var done = await WaitAsync($"/api/v1/executions/{id}", e => e["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled");
        done["status"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
        done["remoteExecutionId"]!.GetValue<string>().Should().Be("exec-2");
        done["rowCount"]!.GetValue<long>().Should().Be(2);
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(2, "the chosen execution was read, not submitted again");
        (await Admin.PostAsJsonAsync($"/api/v1/executions/{id}/remote-choice", new { remoteExecutionId = "exec-1" }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict, "it no longer waits for a choice");
    }

    [Fact]
    public async Task A_backfill_segment_awaiting_a_choice_pauses_its_collection_and_the_choice_finishes_it()
    {
        var report = await ReportAsync();
        var created = await Admin.PostAsJsonAsync("/api/v1/data-collections", new { reportId = report["id"]!.GetValue<string>(), start = Monday, end = Monday.AddDays(14), granularity = "week" });
        var collectionId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        (await WaitAsync($"/api/v1/data-collections/{collectionId}", c => c["status"]!.GetValue<string>() == "succeeded"))["succeededSegments"]!.GetValue<int>().Should().Be(2);

        // The second week again, killed between its POST and storing AMC's answer, with two unclaimed executions listed since.
        var since = await TwoLostSubmissionsAsync(Monday.AddDays(7));
        var submitted = _amc.RequestsTo("POST", "/workflowExecutions").Count;
        await using (var db = await DbAsync())
        {
            var segment = await db.CollectionSegments.SingleAsync(s => s.CollectionId == collectionId && s.Index == 1);
            segment.Status = SegmentStatus.Running;
            segment.FinishedAt = null;
            await db.Executions.Where(e => e.Id == segment.ExecutionId).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, ExecutionStatus.Running).SetProperty(e => e.RemoteExecutionId, (string?)null)
                .SetProperty(e => e.SubmittingSince, since).SetProperty(e => e.RunnerId, "dead-node"));
            var collection = await db.DataCollections.SingleAsync(c => c.Id == collectionId);
            collection.Status = CollectionStatus.Running;
            collection.FinishedAt = null;
            collection.RunnerId = "dead-node";
            collection.HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            await db.SaveChangesAsync();
        }

        var paused = await WaitAsync($"/api/v1/data-collections/{collectionId}", c => c["status"]!.GetValue<string>() == "paused");
        paused["awaitingChoiceSegments"]!.GetValue<int>().Should().Be(1);
        paused["error"]!.GetValue<string>().Should().Contain("your choice");
        var segmentView = paused["segments"]![1]!;
        segmentView["status"]!.GetValue<string>().Should().Be("awaiting-choice");
        segmentView["error"]!.GetValue<string>().Should().Contain("Awaiting your choice");
        segmentView["candidates"]!.AsArray().Select(c => c!["remoteExecutionId"]!.GetValue<string>()).Should().BeEquivalentTo(["exec-3", "exec-4"]);
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(submitted);

        var chosen = await Admin.PostAsJsonAsync($"/api/v1/executions/{segmentView["executionId"]!.GetValue<string>()}/remote-choice", new { remoteExecutionId = "exec-4" });
        chosen.StatusCode.Should().Be(HttpStatusCode.OK, await chosen.Content.ReadAsStringAsync());
        var done = await WaitAsync($"/api/v1/data-collections/{collectionId}", c => c["status"]!.GetValue<string>() is "succeeded" or "failed");
        done["status"]!.GetValue<string>().Should().Be("succeeded", done.ToJsonString());
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(submitted, "the chosen execution was read, nothing submitted");
        await using (var db = await DbAsync())
        {
            (await db.Facts.CountAsync(f => f.DatasetId == report["datasetId"]!.GetValue<int>())).Should().Be(4, "two weeks × two campaigns, once");
            (await db.Executions.Where(e => e.CollectionId == collectionId && e.TimeWindowStart == Monday.AddDays(7)).Select(e => e.RemoteExecutionId).SingleAsync())
                .Should().Be("exec-4");
        }
    }
}
