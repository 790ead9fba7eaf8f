using Analytics.Data.Reports;
using Analytics.Data.Schedules;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Web.Components.Pages.Schedules;

namespace Analytics.Tests.Components;

/// <summary>The schedules page's state without a browser: paging by a cursor stack, sorting, and a run-now followed to its outcome.</summary>
public sealed class SchedulesStateTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private static ScheduleRow Row(string kind, string id, string name) =>
        new(kind, id, name, "Target", ["Northwind"], "Daily at 06:00 (UTC)", false, At, null, "u1", "Ann", CanEdit: true);

    private static ScheduleRunView Run(string id, string outcome, int attempts = 1, string? error = null, DateTimeOffset? next = null) =>
        new(id, "manual", outcome, attempts, error, outcome == "succeeded" ? "merged 12 rows" : null, At, At, outcome is "pending" or "running" ? null : At, next);

    [Fact]
    public void Paging_goes_forward_and_back_through_the_cursors_and_a_new_sort_starts_at_page_one()
    {
        var state = new SchedulesState();
        state.SetPage(new Page<ScheduleRow>([Row("report", "r1", "A")], "25"));
        state.NextPage();
        state.Request.Page.After.Should().Be("25");
        state.PageNumber.Should().Be(2);
        state.SetPage(new Page<ScheduleRow>([Row("report", "r2", "B")], "50"));
        state.NextPage();
        state.PreviousPage();
        state.Request.Page.After.Should().Be("25");
        state.PreviousPage();
        state.Request.Page.After.Should().BeNull();
        state.HasPreviousPage.Should().BeFalse();

        state.NextPage();
        state.SortBy("name", descending: true);
        state.Request.Should().Be(new ScheduleListRequest(new PageRequest(SchedulesState.PageSize, null), "name", true));
        state.HasPreviousPage.Should().BeFalse();
        FluentActions.Invoking(() => state.SortBy("soonest", false)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_subscription_run_now_ends_at_once_with_its_outcome()
    {
        var state = new SchedulesState();
        var row = Row(ScheduleKinds.Subscription, "s1", "Weekly mail");
        state.StartRun(row);
        state.IsRunning(row).Should().BeTrue();
        state.Started(new ScheduleRunStarted(ScheduleKinds.Subscription, "s1", Run("run1", "failed", attempts: 3, error: "SMTP refused")));
        state.Running.Should().BeNull();
        state.MessageIsError.Should().BeTrue();
        state.Message.Should().Be("“Weekly mail” failed: SMTP refused");
    }

    [Fact]
    public void A_report_run_now_follows_its_execution_until_it_ends_and_ignores_other_executions()
    {
        var state = new SchedulesState();
        var row = Row(ScheduleKinds.Report, "r1", "Daily campaigns");
        state.StartRun(row);
        state.Started(new ScheduleRunStarted(ScheduleKinds.Report, "r1", Run("e1", "pending")));
        state.Running!.ExecutionId.Should().Be("e1");

        state.Progress(new ExecutionChange("e2", "r9", ExecutionStatus.Running, "Querying")).Should().BeFalse();
        state.Running.Status.Should().Be("pending");
        state.Progress(new ExecutionChange("e1", "r1", ExecutionStatus.Running, "Querying the source")).Should().BeTrue();
        state.Running!.Status.Should().Be("Querying the source");
        SchedulesState.Ends(ExecutionStatus.Running).Should().BeFalse();
        SchedulesState.Ends(ExecutionStatus.Succeeded).Should().BeTrue();

        state.Finish(Run("e1", "succeeded"));
        state.Running.Should().BeNull();
        state.MessageIsError.Should().BeFalse();
        state.Message.Should().Be("“Daily campaigns” ran: merged 12 rows.");
    }

    [Fact]
    public void A_run_is_described_with_its_retries()
    {
        SchedulesState.Describe(Run("e1", "failed", attempts: 3)).Should().Be("failed after 3 attempts");
        SchedulesState.Describe(Run("e1", "failed")).Should().Be("failed");
        SchedulesState.Describe(Run("e1", "pending", attempts: 2, next: At.AddMinutes(5))).Should().Be("retrying: attempt 3 due 2026-03-15 12:05 UTC");
        SchedulesState.Describe(Run("e1", "sent")).Should().Be("sent");
    }
}
