using System.Text.Json;
using Analytics.Data.Reports;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>The schedule executor: due schedules fire within a pass, collect the newest closed week plus a look-back, skip complete windows.</summary>
public sealed class ScheduleServiceTests
{
    [Fact]
    public async Task A_weekly_schedule_collects_the_closed_week_re_collects_the_previous_one_and_skips_what_is_complete()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, seedDemo: true);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var reports = host.Services.GetRequiredService<ReportService>();
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        // Sunday 2026-03-15 12:00 UTC.
        var report = await reports.CreateAsync(admin, new ReportInput("Weekly campaigns", "tpl-demo-campaign-daily", "demo-northwind",
            new Dictionary<string, JsonElement>(), new ReportSchedule { Kind = "weekly", Days = ["mon"], Time = "08:00", TimeZone = "Europe/Berlin" }), CancellationToken.None);

        (await schedules.RunDueAsync(CancellationToken.None)).Should().BeEmpty("the first pass only computes the next run");
        var next = (await reports.GetAsync(admin, report.Id, CancellationToken.None)).NextRunAt;
        next.Should().Be(new DateTimeOffset(2026, 3, 16, 7, 0, 0, TimeSpan.Zero), "Monday 08:00 CET");

        host.Clock.Advance(next!.Value - host.Clock.GetUtcNow() + TimeSpan.FromSeconds(30));
        var fired = (await schedules.RunDueAsync(CancellationToken.None)).Single();
        fired.ExecutionIds.Should().HaveCount(2, "the week that just closed, and the one before it again for late data");
        await using (var db = await host.DbAsync())
        {
            var windows = await db.Executions.Where(e => e.ReportId == report.Id).OrderBy(e => e.TimeWindowStart).Select(e => new { e.TimeWindowStart, e.TimeWindowEnd, e.Trigger }).ToListAsync();
            windows.Select(w => (w.TimeWindowStart, w.TimeWindowEnd)).Should().Equal(
                (new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero)),
                (new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero)));
            windows.Should().OnlyContain(w => w.Trigger == "schedule");
            // The runs finish (a worker would do this).
            await db.Executions.Where(e => e.ReportId == report.Id).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, ExecutionStatus.Succeeded).SetProperty(e => e.FinishedAt, host.Clock.GetUtcNow()));
        }
        (await reports.GetAsync(admin, report.Id, CancellationToken.None)).NextRunAt.Should().Be(new DateTimeOffset(2026, 3, 23, 7, 0, 0, TimeSpan.Zero));
        (await schedules.RunDueAsync(CancellationToken.None)).Should().BeEmpty("nothing is due until next Monday");

        host.Clock.Advance(TimeSpan.FromDays(7));
        var second = (await schedules.RunDueAsync(CancellationToken.None)).Single();
        second.ExecutionIds.Should().HaveCount(1, "the newly closed week");
        second.Skipped.Should().Equal(["2026-03-09..2026-03-16"], "last week was collected completely after it closed");
        (await reports.GetAsync(admin, report.Id, CancellationToken.None)).NextRunAt.Should().Be(new DateTimeOffset(2026, 3, 30, 6, 0, 0, TimeSpan.Zero),
            "08:00 Berlin is 06:00 UTC after the clocks went forward on 29 March");
    }

    [Fact]
    public async Task A_paused_schedule_does_not_fire_and_fires_again_once_resumed()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, seedDemo: true);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var reports = host.Services.GetRequiredService<ReportService>();
        var report = await reports.CreateAsync(admin, new ReportInput("Daily", "tpl-demo-campaign-daily", "demo-northwind",
            new Dictionary<string, JsonElement>(), new ReportSchedule { Kind = "daily", Time = "06:00", Paused = true }), CancellationToken.None);
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        host.Clock.Advance(TimeSpan.FromDays(3));
        (await schedules.RunDueAsync(CancellationToken.None)).Should().BeEmpty();
        await using (var db = await host.DbAsync())
            (await db.Executions.CountAsync(e => e.ReportId == report.Id)).Should().Be(0);

        await reports.SetSchedulePausedAsync(admin, report.Id, paused: false, CancellationToken.None);
        await schedules.RunDueAsync(CancellationToken.None); // computes the next run
        (await reports.GetAsync(admin, report.Id, CancellationToken.None)).NextRunAt.Should().Be(new DateTimeOffset(2026, 3, 19, 6, 0, 0, TimeSpan.Zero));
        host.Clock.Advance(TimeSpan.FromDays(1));
        (await schedules.RunDueAsync(CancellationToken.None)).Single().ExecutionIds.Should().NotBeEmpty("resumed, it fires again");
    }
}
