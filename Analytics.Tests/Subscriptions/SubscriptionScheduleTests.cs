using Analytics.Data;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Reports;
using Analytics.Domain.Subscriptions;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Subscriptions;

/// <summary>The due pass on a real database: local time kept across DST, one run per slot, orphaned runs never sent.</summary>
public abstract class SubscriptionScheduleTests : ProviderTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private async Task<(AnalyticsTestHost Host, SubscriptionService Service, FakeSmtpServer Smtp, string DashboardId)> ArrangeAsync()
    {
        var smtp = new FakeSmtpServer();
        var host = await CreateHostAsync(seedDemo: true, new Dictionary<string, string?>
        {
            ["Analytics:Smtp:Host"] = "127.0.0.1",
            ["Analytics:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Smtp:Tls"] = "None",
            ["Analytics:Smtp:RetryDelaySeconds"] = "0",
            ["Analytics:Smtp:MaxAttempts"] = "2",
            ["Analytics:Subscriptions:AllowedRecipientDomains:0"] = "example.com", // the recipients' domain; the host's users are at example.test
        });
        await host.InitializeAsync();
        await using var db = await host.DbAsync();
        var dashboardId = await db.Dashboards.OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
        return (host, host.Services.GetRequiredService<SubscriptionService>(), smtp, dashboardId);
    }

    [ProviderFact]
    public async Task A_daily_0800_Berlin_subscription_runs_once_per_slot_and_stays_at_0800_local_across_the_spring_forward()
    {
        var (host, service, smtp, dashboardId) = await ArrangeAsync();
        await using var _ = host;
        await using var __ = smtp;
        // 2026-03-27 12:00 UTC: Friday; Berlin springs forward on Sunday 2026-03-29 at 02:00.
        host.Clock.Advance(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero) - host.Clock.GetUtcNow());
        var admin = await host.AdminAsync();
        var created = await service.CreateAsync(admin, new SubscriptionInput(dashboardId, "csv", new SubscriptionScheduleInput("daily", "08:00"),
            "Europe/Berlin", ["team@example.com"]), CancellationToken.None);
        created.NextRunAt.Should().Be(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero), "08:00 CET is 07:00 UTC");

        (await host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None)).Should().BeEmpty("nothing is due yet");

        host.Clock.Advance(TimeSpan.FromHours(19)); // 2026-03-28 07:00 UTC
        var first = await host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None);
        first.Should().ContainSingle().Which.Outcome.Should().Be(SubscriptionRunOutcome.Sent);
        first[0].ScheduledFor.Should().Be(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero));
        var next = (await service.GetAsync(admin, created.Id, CancellationToken.None)).NextRunAt!.Value;
        next.Should().Be(new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero), "08:00 CEST is 06:00 UTC after the change");
        TimeZoneInfo.ConvertTime(next, Berlin).TimeOfDay.Should().Be(TimeSpan.FromHours(8));
        (await host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None)).Should().BeEmpty("the slot was taken");

        host.Clock.Advance(TimeSpan.FromHours(23)); // 2026-03-29 06:00 UTC = 08:00 CEST
        var racing = await Task.WhenAll(host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None), host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None));
        racing.SelectMany(r => r).Should().ContainSingle("two passes racing for one slot send once");
        (await service.GetAsync(admin, created.Id, CancellationToken.None)).NextRunAt.Should().Be(new DateTimeOffset(2026, 3, 30, 6, 0, 0, TimeSpan.Zero));

        smtp.Messages.Should().HaveCount(2);
        var runs = await service.RunsAsync(admin, created.Id, new Analytics.Domain.PageRequest(50, null), CancellationToken.None);
        runs.Items.Select(r => r.ScheduledFor).Should().Equal(new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero));
        runs.Items.Should().OnlyContain(r => r.Outcome == SubscriptionRunOutcome.Sent && r.FileStored);
    }

    [ProviderFact]
    public async Task A_run_orphaned_by_a_crash_is_marked_failed_and_a_refused_scheduled_send_is_failed_not_sent()
    {
        var (host, service, smtp, dashboardId) = await ArrangeAsync();
        await using var _ = host;
        await using var __ = smtp;
        var admin = await host.AdminAsync();
        var created = await service.CreateAsync(admin, new SubscriptionInput(dashboardId, "pdf", new SubscriptionScheduleInput("weekly", "09:00", ["mon", "thu"]),
            "America/New_York", ["ops@example.com"]), CancellationToken.None);

        // A process claimed a run and died before recording the server's answer.
        await using (var db = await host.DbAsync())
        {
            db.SubscriptionRuns.Add(new SubscriptionRun
            {
                Id = Analytics.Domain.Ids.New(), SubscriptionId = created.Id, Slot = "schedule:1", ScheduledFor = host.Clock.GetUtcNow().AddHours(-3),
                StartedAt = host.Clock.GetUtcNow().AddHours(-2),
            });
            await db.SaveChangesAsync();
        }

        host.Clock.Advance(created.NextRunAt!.Value - host.Clock.GetUtcNow());
        smtp.DataReplies.Enqueue("550 5.1.1 Mailbox unavailable");
        var runs = await host.Services.GetRequiredService<SubscriptionRunner>().RunDueAsync(CancellationToken.None);
        runs.Should().ContainSingle().Which.Outcome.Should().Be(SubscriptionRunOutcome.Failed);
        runs[0].Error.Should().Contain("550");
        smtp.Messages.Should().BeEmpty();

        var history = (await service.RunsAsync(admin, created.Id, new Analytics.Domain.PageRequest(50, null), CancellationToken.None)).Items;
        history.Should().HaveCount(2).And.OnlyContain(r => r.Outcome == SubscriptionRunOutcome.Failed);
        history.Should().ContainSingle(r => r.Error!.StartsWith("Interrupted") && r.Attempts == 0, "the orphan is failed, not re-sent");
        var next = (await service.GetAsync(admin, created.Id, CancellationToken.None)).NextRunAt!.Value;
        TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")).TimeOfDay.Should().Be(TimeSpan.FromHours(9));
    }
}

/// <summary>ReportSchedule's DST rules as subscriptions use them (no database).</summary>
public class SubscriptionDstTests
{
    [Fact]
    public void A_weekly_0800_New_York_schedule_keeps_its_local_time_when_the_clocks_fall_back()
    {
        // 2026-11-01 02:00 EDT → 01:00 EST.
        var schedule = new ReportSchedule { Kind = "weekly", Time = "08:00", Days = ["mon"], TimeZone = "America/New_York" };
        var before = schedule.NextOccurrence(new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero))!.Value;
        var after = schedule.NextOccurrence(before)!.Value;
        before.Should().Be(new DateTimeOffset(2026, 10, 26, 12, 0, 0, TimeSpan.Zero), "08:00 EDT is 12:00 UTC");
        after.Should().Be(new DateTimeOffset(2026, 11, 2, 13, 0, 0, TimeSpan.Zero), "08:00 EST is 13:00 UTC");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteSubscriptionScheduleTests : SubscriptionScheduleTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresSubscriptionScheduleTests : SubscriptionScheduleTests;
