using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Web.Components.Pages.Admin;

namespace Analytics.Tests.Components;

/// <summary>The admin job console's rules, without a browser: highlights, actions, history paging and how times read.</summary>
public sealed class JobConsoleStateTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);

    private static JobInfo Job(string name, string state = "normal", string? outcome = "succeeded", long consecutiveFailures = 0,
        DateTimeOffset? next = null, bool running = false, double? progress = null, string? trigger = "t") =>
        new(name, "system", "does things", trigger, null, "every 00:00:15", next ?? Now.AddSeconds(10), Now.AddSeconds(-5), state, outcome,
            outcome == "failed" ? "boom" : null, TimeSpan.FromMilliseconds(1500), 10, consecutiveFailures, consecutiveFailures, running, progress, null);

    private static JobRunView Run(string id) => new(id, "system.supervisor", "system.t", Now, 12, "succeeded", null, 0, false, "node-1", null);

    [Fact]
    public void A_failed_last_run_a_late_trigger_a_recent_misfire_and_a_pause_are_highlighted_in_that_order()
    {
        var state = new JobConsoleState();
        var misfires = new[]
        {
            new MisfireView("system.missed", "system.t", Now.AddHours(-2), Now.AddHours(-2).AddSeconds(-30), "missed"),
            new MisfireView("system.old", "system.t", Now.AddDays(-3), null, "missed"),
            new MisfireView("system.overlap", "system.t", Now.AddMinutes(-1), null, "overlap"),
        };

        state.SetJobs([
            Job("ok"),
            Job("failing", outcome: "failed", consecutiveFailures: 2),
            Job("late", next: Now.AddMinutes(-5)),
            Job("missed"),
            Job("old"),
            Job("overlap"),
            Job("paused", state: "paused", next: Now.AddMinutes(-5)),
            Job("failed-and-paused", state: "paused", outcome: "failed"),
        ], misfires, Now);

        var byName = state.Jobs.ToDictionary(j => j.Info.Key);
        byName["ok"].Highlight.Should().BeEmpty();
        byName["failing"].Highlight.Should().Be("failed");
        byName["late"].Should().Match<JobRow>(j => j.Highlight == "misfired" && j.Late);
        byName["missed"].Should().Match<JobRow>(j => j.Highlight == "misfired" && j.RecentMisfires == 1 && !j.Late);
        byName["old"].Highlight.Should().BeEmpty("misfires older than a day are history");
        byName["overlap"].Highlight.Should().BeEmpty("a skipped overlapping firing is not a misfire");
        byName["paused"].Should().Match<JobRow>(j => j.Highlight == "paused" && !j.Late && j.CanResume && !j.CanPause);
        byName["failed-and-paused"].Highlight.Should().Be("failed");
        state.FailingCount.Should().Be(2);
        state.JobKeys.Should().BeInAscendingOrder().And.Contain("system.failing");
    }

    [Fact]
    public void A_running_job_shows_its_reported_progress_or_none()
    {
        JobConsoleState.Row(Job("a", running: true, progress: 42.5), 0, Now).ProgressPercent.Should().Be(42.5);
        JobConsoleState.Row(Job("a", running: true, progress: 140), 0, Now).ProgressPercent.Should().Be(100);
        JobConsoleState.Row(Job("a", running: true), 0, Now).ProgressPercent.Should().BeNull("indeterminate");
        JobConsoleState.Row(Job("a", running: true, next: Now.AddMinutes(-5)), 0, Now).Late.Should().BeFalse("it is running, not late");
        JobConsoleState.Row(Job("a", trigger: null, state: "no trigger"), 0, Now).CanPause.Should().BeFalse();
    }

    [Fact]
    public void History_pages_forward_on_the_cursor_and_back_on_a_stack_and_a_new_filter_starts_over()
    {
        var state = new JobConsoleState();
        state.HistoryRequest.Should().Be(new PageRequest(JobConsoleState.HistoryPageSize, null));
        state.SetHistory(new Page<JobRunView>([Run("1")], "20"));

        state.NextPage().Should().BeTrue();
        state.HistoryCursor.Should().Be("20");
        state.SetHistory(new Page<JobRunView>([Run("2")], "40"));
        state.NextPage().Should().BeTrue();
        state.SetHistory(new Page<JobRunView>([Run("3")], null));
        state.HistoryPageNumber.Should().Be(3);
        state.HasNextPage.Should().BeFalse();
        state.NextPage().Should().BeFalse();

        state.PreviousPage().Should().BeTrue();
        state.HistoryCursor.Should().Be("20");
        state.PreviousPage().Should().BeTrue();
        state.HistoryCursor.Should().BeNull();
        state.HasPreviousPage.Should().BeFalse();

        state.SetHistory(new Page<JobRunView>([Run("1")], "20"));
        state.NextPage();
        state.Filter("system.supervisor", failuresOnly: true);
        state.Should().BeEquivalentTo(new { HistoryJob = "system.supervisor", FailuresOnly = true, HistoryCursor = (string?)null, HistoryPageNumber = 1, HasNextPage = false });
        state.Filter("", failuresOnly: false);
        state.HistoryJob.Should().BeNull("an empty choice is every job");
    }

    [Theory]
    [InlineData(0.4, "<1 ms")]
    [InlineData(850, "850 ms")]
    [InlineData(12_345, "12.3 s")]
    [InlineData(125_000, "2 min 5 s")]
    [InlineData(3_780_000, "1 h 3 min")]
    public void Durations_read_in_the_largest_sensible_unit(double ms, string expected) =>
        JobConsoleState.Duration(ms).Should().Be(expected);

    [Fact]
    public void Fire_times_read_relative_to_now()
    {
        JobConsoleState.Relative(Now.AddSeconds(12), Now).Should().Be("in 12 s");
        JobConsoleState.Relative(Now.AddMinutes(-3), Now).Should().Be("3 min ago");
        JobConsoleState.Relative(Now.AddHours(5), Now).Should().Be("in 5 h");
        JobConsoleState.Relative(Now.AddDays(-3), Now).Should().Be("3 d ago");
        JobConsoleState.Relative(null, Now).Should().Be("—");
    }
}
