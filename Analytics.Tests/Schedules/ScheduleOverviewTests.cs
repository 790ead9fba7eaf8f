using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Data.Schedules;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Schedules;

/// <summary>
/// The merged list of schedules on SQLite and PostgreSQL: report schedules and dashboard subscriptions in one list,
/// each caller seeing what the kinds' own rules let them see (reports on their instances, their own subscriptions;
/// admins everything), sorted and paged across both kinds, with pause, resume and a failed window's retries.
/// </summary>
public abstract class ScheduleOverviewTests : ProviderTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private sealed record World(
        AnalyticsTestHost Host, ScheduleOverview Overview, Actor Admin, Actor Ann, Actor Bob,
        ReportView AnnReport, ReportView BobReport, SubscriptionView AnnSubscription, SubscriptionView BobSubscription);

    /// <summary>Ann works on Northwind; Bob on Contoso and Northwind. Each has a scheduled report and a subscription; Ann also an unscheduled report.</summary>
    private async Task<World> ArrangeAsync()
    {
        var host = await CreateHostAsync(seedDemo: true, new Dictionary<string, string?> { ["Analytics:Subscriptions:AllowedRecipientDomains:0"] = "example.com" });
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var ann = await AnalystAsync(host, admin, "ann@example.test", "demo-northwind");
        var bob = await AnalystAsync(host, admin, "bob@example.test", "demo-contoso", "demo-northwind");
        var reports = host.Services.GetRequiredService<ReportService>();
        var subscriptions = host.Services.GetRequiredService<SubscriptionService>();
        var daily = new ReportSchedule { Kind = "daily", Time = "06:00", TimeZone = "UTC" };
        var annReport = await reports.CreateAsync(ann, new ReportInput("Ann daily", "tpl-demo-campaign-daily", "demo-northwind", [], daily), None);
        await reports.CreateAsync(ann, new ReportInput("Ann on demand", "tpl-demo-campaign-daily", "demo-northwind", []), None);
        var bobReport = await reports.CreateAsync(bob, new ReportInput("Bob weekly", "tpl-demo-campaign-daily", "demo-contoso", [],
            new ReportSchedule { Kind = "weekly", Days = ["mon"], Time = "08:00", TimeZone = "Europe/Berlin" }), None);
        var annSubscription = await subscriptions.CreateAsync(ann, new SubscriptionInput("demo-performance", "csv",
            new SubscriptionScheduleInput("daily", "07:00"), "UTC", ["ann@example.com"], Name: "Ann mail"), None);
        var bobSubscription = await subscriptions.CreateAsync(bob, new SubscriptionInput("demo-performance", "pdf",
            new SubscriptionScheduleInput("monthly", "09:00", DayOfMonth: 1), "UTC", ["bob@example.com"], Name: "Bob mail"), None);
        return new World(host, host.Services.GetRequiredService<ScheduleOverview>(), admin, ann, bob, annReport, bobReport, annSubscription, bobSubscription);
    }

    private static async Task<Actor> AnalystAsync(AnalyticsTestHost host, Actor admin, string email, params string[] instances)
    {
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(admin, new CreateUserCommand(email, email, "analyst", instances, "Analyst-Passw0rd!"), None));
        return await host.ActorAsync(created.User.Id);
    }

    private static async Task<IReadOnlyList<ScheduleRow>> AllAsync(ScheduleOverview overview, Actor actor, string? sort = null) =>
        (await overview.ListAsync(actor, new ScheduleListRequest(new PageRequest(100, null), sort), None)).Items;

    [ProviderFact]
    public async Task Each_caller_sees_the_schedules_of_both_kinds_that_are_theirs_to_see_and_admins_see_all()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;

        var ann = await AllAsync(w.Overview, w.Ann, sort: "name");
        ann.Select(r => r.Key).Should().Equal([$"report:{w.AnnReport.Id}", $"subscription:{w.AnnSubscription.Id}"],
            "Ann sees her scheduled report and her subscription, by name; not Bob's Contoso report, not Bob's subscription, not her unscheduled report");
        ann.Should().OnlyContain(r => r.CanEdit && r.OwnerId == w.Ann.UserId);
        var report = ann[0];
        report.Name.Should().Be("Ann daily");
        report.Instances.Should().Equal(["Northwind Outdoor (US)"]);
        report.Frequency.Should().Be("Daily at 06:00 (UTC)");
        report.NextRunAt.Should().Be(ReportNextRun(w.Host), "a schedule not yet picked up by the scheduler shows when it will run");
        report.LastRun.Should().BeNull();
        ann[1].Target.Should().Be("Performance overview");
        ann[1].Frequency.Should().Be("Daily at 07:00 (UTC)");

        // Bob works on Northwind too: he sees Ann's report (the instance rule of reports) but may not change it; never her subscription.
        var bob = await AllAsync(w.Overview, w.Bob, sort: "name");
        bob.Select(r => r.Name).Should().Equal(["Ann daily", "Bob mail", "Bob weekly"]);
        bob.Single(r => r.Name == "Ann daily").CanEdit.Should().BeFalse();
        await FluentActions.Awaiting(() => w.Overview.SetPausedAsync(w.Bob, ScheduleKinds.Report, w.AnnReport.Id, true, None)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => w.Overview.SetPausedAsync(w.Bob, ScheduleKinds.Subscription, w.AnnSubscription.Id, true, None)).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => w.Overview.RunsAsync(w.Ann, ScheduleKinds.Report, w.BobReport.Id, 10, None)).Should().ThrowAsync<NotFoundException>(
            "Ann has no grant on Contoso: Bob's report is not hers to see");

        var admin = await AllAsync(w.Overview, w.Admin, sort: "name");
        admin.Select(r => r.Name).Should().Equal(["Ann daily", "Ann mail", "Bob mail", "Bob weekly"]);
        admin.Should().OnlyContain(r => r.CanEdit);
        admin.Select(r => r.OwnerName).Should().Equal(["ann@example.test", "ann@example.test", "bob@example.test", "bob@example.test"]);
    }

    private static DateTimeOffset ReportNextRun(AnalyticsTestHost host)
    {
        var now = host.Clock.GetUtcNow();
        var six = new DateTimeOffset(now.UtcDateTime.Date.AddHours(6), TimeSpan.Zero);
        return six > now ? six : six.AddDays(1);
    }

    [ProviderFact]
    public async Task Pages_walk_the_merged_list_in_the_chosen_order_without_gaps_or_repeats()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;
        var whole = await AllAsync(w.Overview, w.Admin, sort: "next");
        whole.Select(r => r.NextRunAt).Should().BeInAscendingOrder("soonest first");

        var walked = new List<string>();
        string? cursor = null;
        do
        {
            var page = await w.Overview.ListAsync(w.Admin, new ScheduleListRequest(new PageRequest(3, cursor), "next"), None);
            page.Items.Count.Should().BeLessThanOrEqualTo(3);
            walked.AddRange(page.Items.Select(r => r.Key));
            cursor = page.NextAfter;
        }
        while (cursor is not null);
        walked.Should().Equal(whole.Select(r => r.Key));

        (await w.Overview.ListAsync(w.Admin, new ScheduleListRequest(new PageRequest(100, null), "name", Descending: true), None)).Items
            .Select(r => r.Name).Should().Equal(["Bob weekly", "Bob mail", "Ann mail", "Ann daily"]);
        (await w.Overview.ListAsync(w.Admin, new ScheduleListRequest(new PageRequest(100, null), Kind: "subscription"), None)).Items
            .Should().OnlyContain(r => r.Kind == ScheduleKinds.Subscription).And.HaveCount(2);
        var bad = await FluentActions.Awaiting(() => w.Overview.ListAsync(w.Admin, new ScheduleListRequest(new PageRequest(10, "x"), "soon"), None))
            .Should().ThrowAsync<ValidationException>();
        bad.Which.Errors.Keys.Should().BeEquivalentTo(["sort", "cursor"]);
    }

    [ProviderFact]
    public async Task Pausing_and_resuming_either_kind_changes_its_state_and_next_run()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;

        var paused = await w.Overview.SetPausedAsync(w.Ann, ScheduleKinds.Report, w.AnnReport.Id, paused: true, None);
        paused.Paused.Should().BeTrue();
        paused.NextRunAt.Should().BeNull();
        var resumed = await w.Overview.SetPausedAsync(w.Ann, ScheduleKinds.Report, w.AnnReport.Id, paused: false, None);
        resumed.Paused.Should().BeFalse();
        resumed.NextRunAt.Should().NotBeNull();

        var pausedMail = await w.Overview.SetPausedAsync(w.Ann, ScheduleKinds.Subscription, w.AnnSubscription.Id, paused: true, None);
        pausedMail.Paused.Should().BeTrue();
        pausedMail.NextRunAt.Should().BeNull();
        (await w.Host.Services.GetRequiredService<SubscriptionService>().GetAsync(w.Ann, w.AnnSubscription.Id, None)).Enabled.Should().BeFalse(
            "the subscription itself is paused, so its scheduler skips it");
        var resumedMail = await w.Overview.SetPausedAsync(w.Ann, ScheduleKinds.Subscription, w.AnnSubscription.Id, paused: false, None);
        resumedMail.Paused.Should().BeFalse();
        resumedMail.NextRunAt.Should().Be(w.AnnSubscription.NextRunAt);
    }

    [ProviderFact]
    public async Task A_failed_scheduled_window_shows_its_attempts_error_and_times_and_a_retrying_one_its_next_attempt()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;
        var now = w.Host.Clock.GetUtcNow();
        await using (var db = await w.Host.DbAsync())
        {
            db.Executions.Add(new Execution
            {
                // Ids are time-ordered: the newest run has the greatest.
                Id = Guid.CreateVersion7(now.AddHours(-3)).ToString("N"), ReportId = w.AnnReport.Id, Trigger = "schedule", Status = ExecutionStatus.Failed, Attempts = 3,
                Error = "Failed after 3 attempts: AMC answered 503", TimeWindowStart = now.AddDays(-2), TimeWindowEnd = now.AddDays(-1),
                RequestedBy = w.Ann.UserId, CreatedAt = now.AddHours(-3), StartedAt = now.AddHours(-3), FinishedAt = now.AddHours(-1),
            });
            db.Executions.Add(new Execution
            {
                Id = Guid.CreateVersion7(now.AddMinutes(-1)).ToString("N"), ReportId = w.AnnReport.Id, Trigger = "schedule", Status = ExecutionStatus.Pending, Attempts = 1,
                Error = "Attempt 1 failed: AMC answered 429", NextAttemptAt = now.AddMinutes(5), TimeWindowStart = now.AddDays(-1), TimeWindowEnd = now,
                RequestedBy = w.Ann.UserId, CreatedAt = now.AddMinutes(-1),
            });
            await db.SaveChangesAsync();
        }

        var row = (await AllAsync(w.Overview, w.Ann)).Single(r => r.Id == w.AnnReport.Id);
        row.LastRun!.Outcome.Should().Be("pending", "the newest run is the retrying one");
        row.LastRun.NextAttemptAt.Should().Be(now.AddMinutes(5));
        var runs = await w.Overview.RunsAsync(w.Ann, ScheduleKinds.Report, w.AnnReport.Id, 10, None);
        runs.Should().HaveCount(2);
        runs[0].Retried.Should().BeTrue();
        runs[1].Should().Match<ScheduleRunView>(r => r.Failed && r.Attempts == 3 && r.Error == "Failed after 3 attempts: AMC answered 503"
            && r.StartedAt == now.AddHours(-3) && r.FinishedAt == now.AddHours(-1) && r.WindowStart == now.AddDays(-2));
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteScheduleOverviewTests : ScheduleOverviewTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresScheduleOverviewTests : ScheduleOverviewTests;
