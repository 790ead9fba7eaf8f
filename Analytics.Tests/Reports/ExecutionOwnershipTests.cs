using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Analytics.Data.Sources;
using Analytics.Domain.Access;
using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Reports;

/// <summary>
/// Who runs what, on SQLite and PostgreSQL: a scheduled window that fails for a retryable reason is retried with backoff
/// and shows its attempts; a collection is claimed and beaten by compare-and-set on its runner and heartbeat, so a live
/// owner keeps it and a process that lost it stops without writing; run slots and the submission gate are shared through
/// the database, as two processes would share them.
/// </summary>
public abstract class ExecutionOwnershipTests : ProviderTests, IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private FakeAmcServer _amc = null!;

    public async Task InitializeAsync()
    {
        _amc = await FakeAmcServer.StartAsync();
        _amc.PollsToFinish = 1;
        _amc.ResultCsvParts = ["campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\n"];
    }

    public async Task DisposeAsync() => await _amc.DisposeAsync();

    private async Task<(AnalyticsTestHost Host, Actor Admin, ReportView Report)> ArrangeAsync(Dictionary<string, string?>? settings = null, ReportSchedule? schedule = null)
    {
        var host = await CreateHostAsync(settings: LocalFakes.With(new Dictionary<string, string?>(settings ?? [])
        {
            ["Analytics:Amc:PollInterval"] = "00:00:00.020",
            ["Analytics:Amc:BaseDelay"] = "00:00:00.010",
            ["Analytics:Collections:HeartbeatSeconds"] = "0.2",
            ["Analytics:Collections:StaleAfterSeconds"] = "5",
        }));
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var s = _amc.Settings;
        var source = await host.Services.GetRequiredService<SourceService>().CreateAsync(admin, new SourceInput("AMC", "amc", new JsonObject
        {
            ["baseUrl"] = s.BaseUrl, ["instanceId"] = s.InstanceId, ["advertiserId"] = s.AdvertiserId,
            ["marketplaceId"] = s.MarketplaceId, ["clientId"] = s.ClientId, ["accessToken"] = s.AccessToken,
        }), CancellationToken.None);
        var report = await host.Services.GetRequiredService<ReportService>().CreateAsync(admin,
            new ReportInput("AMC weekly", "tpl-amc-campaign-performance", source.Id, null, schedule), CancellationToken.None);
        return (host, admin, report);
    }

    [ProviderFact]
    public async Task A_scheduled_window_that_fails_retryably_is_retried_with_backoff_and_shows_its_attempts()
    {
        var (host, admin, report) = await ArrangeAsync(new() { ["Analytics:Schedules:RetryBaseSeconds"] = "60", ["Analytics:Schedules:RetryMaxAttempts"] = "3" },
            new ReportSchedule { Kind = "weekly", Days = ["mon"], Time = "08:00", TimeZone = "UTC" });
        await using var _ = host;
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        var runner = host.Services.GetRequiredService<ExecutionRunner>();
        var executions = host.Services.GetRequiredService<ExecutionService>();
        var recovery = host.Services.GetRequiredService<ExecutionRecovery>();
        var queue = host.Services.GetRequiredService<ExecutionQueue>();
        await schedules.RunDueAsync(CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromDays(7));
        var fired = (await schedules.RunDueAsync(CancellationToken.None)).Single().ExecutionIds.Order().ToList();
        while (queue.Reader.TryRead(out var queued)) queue.Taken(queued); // no workers here: the test runs them
        var (window, other) = (fired[0], fired[1]);
        _amc.ScriptedOutcomes.Enqueue(("FAILED", "Internal error"));
        _amc.ScriptedOutcomes.Enqueue(("SUCCEEDED", null));
        _amc.ScriptedOutcomes.Enqueue(("FAILED", "Internal error again"));

        await runner.RunAsync(window, CancellationToken.None);
        await runner.RunAsync(other, CancellationToken.None);

        var waiting = await executions.GetAsync(admin, window, CancellationToken.None);
        waiting.Status.Should().Be("pending", "a retryable failure of a scheduled run is retried, not left to the next schedule");
        waiting.Attempts.Should().Be(1);
        waiting.NextAttemptAt.Should().BeOnOrAfter(host.Clock.GetUtcNow().AddSeconds(30)).And.BeOnOrBefore(host.Clock.GetUtcNow().AddSeconds(60));
        waiting.Error.Should().Contain("Attempt 1 failed").And.Contain("Internal error");
        waiting.Message.Should().Contain("Attempt 1 of 3 failed; next attempt at");
        (await executions.ListAsync(admin, report.Id, new Analytics.Domain.PageRequest(10, null), CancellationToken.None)).Items
            .Should().Contain(e => e.Id == window && e.Attempts == 1 && e.NextAttemptAt != null && e.Trigger == "schedule", "the report lists the run with its attempts");
        (await executions.GetAsync(admin, other, CancellationToken.None)).Status.Should().Be("succeeded");

        await runner.RunAsync(window, CancellationToken.None);
        _amc.RequestsTo("POST", "/workflowExecutions").Should().HaveCount(2, "not before its backoff has passed");
        (await recovery.QueueDueAsync(CancellationToken.None)).Should().Be(0);

        host.Clock.Advance(TimeSpan.FromSeconds(61));
        (await recovery.QueueDueAsync(CancellationToken.None)).Should().Be(1, "the supervisor queues it once its backoff passed");
        await runner.RunAsync(window, CancellationToken.None);
        var second = await executions.GetAsync(admin, window, CancellationToken.None);
        second.Attempts.Should().Be(2);
        second.NextAttemptAt.Should().BeOnOrAfter(host.Clock.GetUtcNow().AddSeconds(60), "the backoff doubles").And.BeOnOrBefore(host.Clock.GetUtcNow().AddSeconds(120));

        host.Clock.Advance(TimeSpan.FromSeconds(121));
        await runner.RunAsync(window, CancellationToken.None);
        var done = await executions.GetAsync(admin, window, CancellationToken.None);
        done.Status.Should().Be("succeeded", done.Error);
        done.Attempts.Should().Be(3);
        done.RowCount.Should().Be(1);
    }

    private static async Task<string> CollectionAsync(AnalyticsTestHost host, ReportView report, string? runner, DateTimeOffset? heartbeat, SegmentStatus segments, int weeks = 1)
    {
        var id = Analytics.Domain.Ids.New();
        await using var db = await host.DbAsync();
        db.DataCollections.Add(new DataCollection
        {
            Id = id, ReportId = report.Id, SourceId = report.SourceId, Start = Monday, End = Monday.AddDays(7 * weeks), OwnerId = "system",
            Status = CollectionStatus.Running, RunnerId = runner, HeartbeatAt = heartbeat, CreatedAt = Monday, UpdatedAt = Monday,
            Segments = Enumerable.Range(0, weeks).Select(i => new CollectionSegment
            {
                CollectionId = id, Index = i, Start = Monday.AddDays(7 * i), End = Monday.AddDays(7 * (i + 1)), Status = segments,
            }).ToList(),
        });
        await db.SaveChangesAsync();
        return id;
    }

    [ProviderFact]
    public async Task A_collection_a_live_process_runs_is_not_taken_and_one_whose_heartbeat_went_stale_is()
    {
        var (host, _, report) = await ArrangeAsync();
        await using var _ = host;
        var orchestrator = host.Services.GetRequiredService<CollectionOrchestrator>();
        var id = await CollectionAsync(host, report, "another-node", host.Clock.GetUtcNow(), SegmentStatus.Succeeded);

        await orchestrator.RunAsync(id, CancellationToken.None);
        await using (var db = await host.DbAsync())
        {
            var untouched = await db.DataCollections.AsNoTracking().SingleAsync(c => c.Id == id);
            untouched.RunnerId.Should().Be("another-node", "its owner still beats: the claim is refused");
            untouched.Status.Should().Be(CollectionStatus.Running);
        }

        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await orchestrator.RunAsync(id, CancellationToken.None);
        await using (var db = await host.DbAsync())
        {
            var taken = await db.DataCollections.AsNoTracking().SingleAsync(c => c.Id == id);
            taken.Status.Should().Be(CollectionStatus.Succeeded, "its owner stopped beating: this process claimed it and finished it");
            taken.RunnerId.Should().BeNull();
        }
    }

    [ProviderFact]
    public async Task A_process_that_lost_its_collection_stops_its_segment_without_recording_it_or_cancelling_it_at_AMC()
    {
        _amc.PollsToFinish = 1_000_000;
        var (host, _, report) = await ArrangeAsync();
        await using var _ = host;
        var orchestrator = host.Services.GetRequiredService<CollectionOrchestrator>();
        var id = await CollectionAsync(host, report, null, null, SegmentStatus.Pending);
        var run = orchestrator.RunAsync(id, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_amc.Requests.Any(r => r.Method == "GET" && r.Path.EndsWith("/exec-1", StringComparison.Ordinal)))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the segment should be polling its AMC execution");
            await Task.Delay(20);
        }

        // Another process took it over while this one did not beat (a long pause, say).
        await using (var db = await host.DbAsync())
            await db.DataCollections.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.RunnerId, "node-b").SetProperty(c => c.HeartbeatAt, host.Clock.GetUtcNow()));
        host.Clock.Advance(TimeSpan.FromSeconds(1));

        await run.WaitAsync(TimeSpan.FromSeconds(30));
        await using (var db = await host.DbAsync())
        {
            var collection = await db.DataCollections.AsNoTracking().SingleAsync(c => c.Id == id);
            collection.RunnerId.Should().Be("node-b", "the beat found another owner and wrote nothing");
            collection.Status.Should().Be(CollectionStatus.Running);
            (await db.CollectionSegments.SingleAsync(s => s.CollectionId == id)).Status.Should().Be(SegmentStatus.Running, "the new owner resumes it");
            (await db.Executions.SingleAsync(e => e.CollectionId == id)).RemoteExecutionId.Should().Be("exec-1", "the new owner polls the same AMC execution");
        }
        _amc.RequestsTo("DELETE").Should().BeEmpty("the AMC execution keeps running for the new owner");
    }

    [ProviderFact]
    public async Task Run_slots_and_the_submission_gate_hold_across_processes_sharing_the_database()
    {
        var (host, _, report) = await ArrangeAsync();
        await using var _ = host;
        var factory = host.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        var options = Options.Create(new CollectionOptions { MaxRunningPerInstance = 2, SubmissionsPerMinute = 600, Burst = 2 });
        // Two "processes": each its own slots and gate objects, one database.
        var (slotsA, slotsB) = (new InstanceRunSlots(factory, options, TimeProvider.System), new InstanceRunSlots(factory, options, TimeProvider.System));
        var ids = new List<string>();
        await using (var db = await host.DbAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                var e = new Execution { Id = Analytics.Domain.Ids.New(), ReportId = report.Id, RequestedBy = "system", Status = ExecutionStatus.Running, TimeWindowStart = Monday, TimeWindowEnd = Monday.AddDays(7), CreatedAt = Monday };
                db.Executions.Add(e);
                ids.Add(e.Id);
            }
            await db.SaveChangesAsync();
        }

        await slotsA.AcquireAsync(report.SourceId, ids[0], CancellationToken.None);
        await slotsB.AcquireAsync(report.SourceId, ids[1], CancellationToken.None);
        var third = slotsA.AcquireAsync(report.SourceId, ids[2], CancellationToken.None);
        await Task.Delay(600);
        third.IsCompleted.Should().BeFalse("both of the instance's slots are held, one by each process");
        await slotsB.ReleaseAsync(ids[1], CancellationToken.None);
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        (await slotsA.HeldAsync(report.SourceId, CancellationToken.None)).Should().Be(2);
        await slotsA.AcquireAsync(report.SourceId, ids[0], CancellationToken.None); // a resumed run keeps the slot it holds
        (await slotsA.HeldAsync(report.SourceId, CancellationToken.None)).Should().Be(2);
        await using (var db = await host.DbAsync())
            await db.Executions.Where(e => e.Id == ids[0]).ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, ExecutionStatus.Succeeded));
        (await slotsB.HeldAsync(report.SourceId, CancellationToken.None)).Should().Be(1, "an ended execution's slot is free, even if its process died before giving it back");

        var (gateA, gateB) = (new InstanceRateLimiters(factory, options, TimeProvider.System).For(report.SourceId), new InstanceRateLimiters(factory, options, TimeProvider.System).For(report.SourceId));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            await gateA.WaitAsync(CancellationToken.None);
            await gateB.WaitAsync(CancellationToken.None);
        }
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.55), "8 submissions at 10 per second after a burst of 2 take 0.6 s, whichever process submits");
        await gateA.ThrottledAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        watch.Restart();
        await gateB.WaitAsync(CancellationToken.None);
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9), "a 429 seen by one process pauses the other too");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteExecutionOwnershipTests : ExecutionOwnershipTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresExecutionOwnershipTests : ExecutionOwnershipTests;
