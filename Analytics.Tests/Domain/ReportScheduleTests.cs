using Analytics.Domain.Collections;
using Analytics.Domain.Reports;

namespace Analytics.Tests.Domain;

public sealed class ReportScheduleTests
{
    private static readonly ReportSchedule WeeklyBerlin = new() { Kind = "weekly", Days = ["mon"], Time = "08:00", TimeZone = "Europe/Berlin" };

    [Fact]
    public void A_weekly_0800_berlin_run_stays_at_0800_local_across_spring_forward()
    {
        // 2025-03-30: clocks go from 02:00 CET to 03:00 CEST.
        var before = WeeklyBerlin.NextOccurrence(new DateTimeOffset(2025, 3, 24, 8, 0, 0, TimeSpan.Zero))!.Value;
        before.Should().Be(new DateTimeOffset(2025, 3, 31, 6, 0, 0, TimeSpan.Zero), "08:00 CEST is 06:00 UTC after the change");
        var earlier = WeeklyBerlin.NextOccurrence(new DateTimeOffset(2025, 3, 17, 8, 0, 0, TimeSpan.Zero))!.Value;
        earlier.Should().Be(new DateTimeOffset(2025, 3, 24, 7, 0, 0, TimeSpan.Zero), "08:00 CET is 07:00 UTC before it");
    }

    [Fact]
    public void A_weekly_0800_berlin_run_stays_at_0800_local_across_fall_back()
    {
        // 2025-10-26: clocks go from 03:00 CEST back to 02:00 CET.
        var before = WeeklyBerlin.NextOccurrence(new DateTimeOffset(2025, 10, 20, 7, 0, 0, TimeSpan.Zero))!.Value;
        before.Should().Be(new DateTimeOffset(2025, 10, 27, 7, 0, 0, TimeSpan.Zero));
        var earlier = WeeklyBerlin.NextOccurrence(new DateTimeOffset(2025, 10, 13, 7, 0, 0, TimeSpan.Zero))!.Value;
        earlier.Should().Be(new DateTimeOffset(2025, 10, 20, 6, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_daily_run_in_the_spring_gap_runs_when_the_clock_resumes_and_an_ambiguous_one_runs_once()
    {
        var gap = new ReportSchedule { Kind = "daily", Time = "02:30", TimeZone = "Europe/Berlin" };
        gap.NextOccurrence(new DateTimeOffset(2025, 3, 29, 12, 0, 0, TimeSpan.Zero))!.Value
            .Should().Be(new DateTimeOffset(2025, 3, 30, 1, 0, 0, TimeSpan.Zero), "02:30 does not exist; 03:00 CEST = 01:00 UTC");
        var overlap = gap.NextOccurrence(new DateTimeOffset(2025, 10, 25, 12, 0, 0, TimeSpan.Zero))!.Value;
        overlap.Should().Be(new DateTimeOffset(2025, 10, 26, 0, 30, 0, TimeSpan.Zero), "the first 02:30 (CEST)");
        gap.NextOccurrence(overlap)!.Value.Should().Be(new DateTimeOffset(2025, 10, 27, 1, 30, 0, TimeSpan.Zero), "not again at the second 02:30");
    }

    [Fact]
    public void Monthly_runs_take_the_day_of_month_and_weekly_runs_each_chosen_day()
    {
        var monthly = new ReportSchedule { Kind = "monthly", DayOfMonth = 3, Time = "06:00", TimeZone = "UTC" };
        monthly.NextOccurrence(new DateTimeOffset(2025, 1, 3, 6, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2025, 2, 3, 6, 0, 0, TimeSpan.Zero));
        var twice = new ReportSchedule { Kind = "weekly", Days = ["tue", "fri"], Time = "06:00", TimeZone = "UTC" };
        twice.NextOccurrence(new DateTimeOffset(2025, 1, 7, 6, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2025, 1, 10, 6, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_weekly_run_collects_the_newest_iso_week_that_closed_before_the_late_data_delay()
    {
        var monday0800 = new DateTimeOffset(2025, 1, 13, 8, 0, 0, TimeSpan.Zero);
        WeeklyBerlin.WindowFor(monday0800, TimeSpan.Zero).Should().Be((new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero)));
        WeeklyBerlin.WindowFor(monday0800, TimeSpan.FromHours(48)).Should().Be((new DateTimeOffset(2024, 12, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero)),
            "AMC's last week is not complete until Wednesday");
        WeeklyBerlin.WindowFor(monday0800.AddDays(2), TimeSpan.FromHours(48)).End.Should().Be(new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Bad_schedules_name_the_field()
    {
        var act = () => new ReportSchedule { Kind = "weekly", Days = [], Time = "25:00", TimeZone = "Mars/Olympus" }.Validate();
        act.Should().Throw<Analytics.Domain.ValidationException>().Which.Errors.Keys.Should().Contain(["schedule.days", "schedule.time", "schedule.timeZone"]);
    }

    [Fact]
    public void A_year_splits_into_iso_weeks_clipped_to_the_period()
    {
        var segments = CollectionRules.Split(new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), "week");
        segments.Should().HaveCount(52);
        segments.Should().OnlyContain(s => s.End - s.Start == TimeSpan.FromDays(7) && s.Start.DayOfWeek == DayOfWeek.Monday);
        var clipped = CollectionRules.Split(new DateTimeOffset(2025, 1, 8, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero), "week");
        clipped.Should().Equal((new DateTimeOffset(2025, 1, 8, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero)),
            (new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero)));
        CollectionRules.Split(new DateTimeOffset(2025, 1, 31, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), "month").Should().HaveCount(2);
    }
}
