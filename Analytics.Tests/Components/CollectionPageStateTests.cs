using System.Globalization;
using Analytics.Data.Collections;
using Analytics.Domain.Collections;
using Analytics.Web.Components.Pages.Collections;
using AngleSharp.Dom;

namespace Analytics.Tests.Components;

/// <summary>The data collection pages' rules, without a browser: the segment calendar, progress, actions and the backfill form.</summary>
public sealed class CollectionPageStateTests : AppComponentTests
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    private static SegmentView Segment(int index, DateTimeOffset start, DateTimeOffset end, string status = "pending", int attempts = 0, long rows = 0,
        string? error = null, DateTimeOffset? nextAttempt = null) =>
        new(index, start, end, status, attempts, rows, error, null, nextAttempt, null, null);

    private static CollectionView Collection(string granularity, IReadOnlyList<SegmentView> segments, string status = "running") =>
        new("c1", "r1", "Campaigns", "demo-northwind", status, segments[0].Start, segments[^1].End, granularity, 10, segments.Count,
            segments.Count(s => s.Status == "succeeded"), segments.Count(s => s.Status == "failed"), segments.Count(s => s.Status == "running"),
            segments.Count(s => s.Status == "pending"), segments.Sum(s => s.RowCount), null, "u1", Monday, Monday, null, segments,
            segments.Count(s => s.Status == "awaiting-choice"));

    [Fact]
    public void A_segment_awaiting_a_choice_shows_as_such_and_is_never_counted_as_cancelled()
    {
        var segments = Split(Monday, Monday.AddDays(7 * 3), "week", i => i == 1 ? "awaiting-choice" : "succeeded");
        var state = new SegmentGridState();

        state.Load(Collection("week", segments, "paused"));

        state.Legend.Should().Contain(("awaiting-choice", 1));
        state.Rows.SelectMany(r => r.Cells).Single(c => c.Segment!.Index == 1).CssClass.Should().Be("seg-awaiting-choice");
        state.Progress.Cancelled.Should().Be(0);
        CollectionActions.For(Collection("week", segments, "paused") with { Segments = null }, canAuthor: true).CanRetryFailed
            .Should().BeFalse("nothing failed or was cancelled: the segment waits for a choice, not a retry");
    }

    private static List<SegmentView> Split(DateTimeOffset start, DateTimeOffset end, string granularity, Func<int, string>? status = null) =>
        CollectionRules.Split(start, end, granularity).Select((w, i) => Segment(i, w.Start, w.End, status?.Invoke(i) ?? "pending")).ToList();

    [Fact]
    public void Weekly_segments_are_laid_out_one_row_per_month_of_their_start()
    {
        var segments = Split(Monday, Monday.AddDays(7 * 52), "week");
        var state = new SegmentGridState();

        state.Load(Collection("week", segments));

        state.Rows.Sum(r => r.Cells.Count).Should().Be(52, "one cell per segment, no blanks for weeks");
        state.Rows[0].Label.Should().Be("Jan 2025");
        state.Rows[0].Cells.Select(c => c.Label).Should().Equal("W02", "W03", "W04", "W05");
        state.Rows.Should().OnlyContain(r => r.Cells.Count >= 4 && r.Cells.Count <= 5);
        state.Rows.SelectMany(r => r.Cells).Select(c => c.Segment!.Index).Should().BeInAscendingOrder();
        state.ColumnCount.Should().Be(5);
    }

    [Fact]
    public void Daily_segments_sit_under_their_weekday_with_blanks_before_the_first_day()
    {
        var wednesday = Monday.AddDays(2);
        var state = new SegmentGridState();

        state.Load(Collection("day", Split(wednesday, wednesday.AddDays(10), "day")));

        state.ColumnCount.Should().Be(7);
        state.Rows.Select(r => r.Label).Should().Equal("2025-W02", "2025-W03");
        state.Rows[0].Cells.Take(2).Should().OnlyContain(c => c.IsBlank, "Monday and Tuesday are before the period");
        state.Rows[0].Cells[2].Label.Should().Be("8");
        state.Rows[1].Cells.Should().HaveCount(5, "the period ends on Friday the 17th, trailing blanks are dropped");
    }

    [Fact]
    public void Monthly_segments_make_one_row_per_year_with_a_column_per_month()
    {
        var state = new SegmentGridState();

        state.Load(Collection("month", Split(new DateTimeOffset(2024, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), "month")));

        state.Rows.Select(r => r.Label).Should().Equal("2024", "2025");
        state.Rows[0].Cells.Count(c => !c.IsBlank).Should().Be(2);
        state.Rows[0].Cells[10].Label.Should().Be("Nov");
        state.Rows[1].Cells.Select(c => c.Label).Should().Equal("Jan", "Feb");
    }

    [Fact]
    public void A_cell_says_its_window_status_attempts_rows_and_error_and_is_coloured_by_status()
    {
        var failed = SegmentGridState.Cell(Segment(3, Monday, Monday.AddDays(7), "failed", attempts: 5, rows: 0, error: "AMC said 400: bad SQL"), "week");
        failed.Window.Should().Be("2025-01-06 – 2025-01-12", "the end is shown inclusive");
        failed.CssClass.Should().Be("seg-failed");
        failed.Tooltip.Should().Be("2025-01-06 – 2025-01-12 · failed · 5 attempts · 0 rows · error: AMC said 400: bad SQL");

        var done = SegmentGridState.Cell(Segment(0, Monday, Monday.AddDays(7), "succeeded", attempts: 1, rows: 1234), "week");
        done.Tooltip.Should().Be("2025-01-06 – 2025-01-12 · succeeded · 1 attempt · 1,234 rows");
    }

    [Fact]
    public void A_pending_segment_that_already_failed_shows_as_retrying_with_its_next_attempt()
    {
        var next = Monday.AddDays(30).AddSeconds(42);
        var cell = SegmentGridState.Cell(Segment(1, Monday, Monday.AddDays(7), "pending", attempts: 2, error: "429", nextAttempt: next), "week");

        cell.Status.Should().Be("retrying");
        cell.CssClass.Should().Be("seg-retrying");
        cell.Tooltip.Should().Contain("next attempt 2025-02-05 00:00:42 UTC").And.Contain("error: 429");
        SegmentGridState.DisplayStatus(Segment(1, Monday, Monday.AddDays(7), "pending")).Should().Be("pending", "never attempted");
    }

    [Fact]
    public void Progress_and_legend_count_each_status_and_give_shares_of_the_bar()
    {
        var segments = Split(Monday, Monday.AddDays(7 * 8), "week", i => i switch { < 4 => "succeeded", 4 => "failed", 5 => "running", 6 => "cancelled", _ => "pending" });
        var state = new SegmentGridState();

        state.Load(Collection("week", segments));

        state.Progress.Should().BeEquivalentTo(new { Total = 8, Succeeded = 4, Failed = 1, Running = 1, Pending = 1, Cancelled = 1, Done = 6 });
        state.Progress.SucceededPercent.Should().Be(50);
        state.Progress.FailedPercent.Should().Be(12.5);
        state.Progress.Summary.Should().Be("4/8 succeeded, 1 failed, 1 running, 1 cancelled");
        state.Legend.Should().Equal(("succeeded", 4), ("running", 1), ("pending", 1), ("failed", 1), ("cancelled", 1));
    }

    [Fact]
    public void A_collection_list_row_without_segments_still_counts_cancelled_ones()
    {
        var list = Collection("week", Split(Monday, Monday.AddDays(7 * 4), "week")) with
        {
            TotalSegments = 4, SucceededSegments = 1, FailedSegments = 1, RunningSegments = 0, PendingSegments = 0, Segments = null,
        };

        CollectionProgress.Of(list).Cancelled.Should().Be(2);
    }

    [Theory]
    [InlineData("running", true, false, true, false)]
    [InlineData("pending", true, false, true, false)]
    [InlineData("paused", false, true, true, true)]
    [InlineData("succeeded", false, false, false, false)]
    [InlineData("failed", false, false, false, true)]
    public void Controls_follow_the_status(string status, bool pause, bool resume, bool cancel, bool retry)
    {
        var segments = Split(Monday, Monday.AddDays(14), "week", i => i == 0 ? "succeeded" : status is "paused" or "failed" ? "failed" : status == "succeeded" ? "succeeded" : "pending");

        CollectionActions.For(Collection("week", segments, status), canAuthor: true).Should().Be(new CollectionActions(pause, resume, cancel, retry));
        CollectionActions.For(Collection("week", segments, status), canAuthor: false).Should().Be(new CollectionActions(false, false, false, false), "viewers only watch");
    }

    [Fact]
    public void The_last_52_weeks_preset_ends_with_the_last_closed_week_and_makes_52_week_segments()
    {
        var thursday = new DateTimeOffset(2025, 3, 13, 15, 30, 0, TimeSpan.Zero);

        var form = BackfillForm.Default(thursday);
        form.ReportId = "r1";
        var input = form.ToInput();

        form.Preset.Should().Be("52w");
        input.Start.Should().Be(new DateTimeOffset(2024, 3, 11, 0, 0, 0, TimeSpan.Zero));
        form.LastDay.Should().Be(new DateTime(2025, 3, 9), "the Sunday that closes last week, shown inclusive");
        input.End.Should().Be(new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero), "the service takes the instant after the period");
        input.Granularity.Should().Be("week");
        input.MaxConcurrency.Should().Be(10);
        form.Preview().Should().Be("52 week segments, at most 10 at once.");
    }

    [Fact]
    public void Month_and_day_presets_choose_their_granularity_and_hand_edits_leave_the_preset()
    {
        var now = new DateTimeOffset(2025, 3, 13, 15, 30, 0, TimeSpan.Zero);
        var form = new BackfillForm();

        form.Apply("12m", now);
        form.ToInput().Should().BeEquivalentTo(new { Start = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), End = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), Granularity = "month" });
        form.Apply("30d", now);
        form.Preview().Should().StartWith("30 day segments");

        form.Edited();
        form.Preset.Should().BeNull();
    }

    [Fact]
    public void A_picker_echoing_the_presets_own_days_keeps_the_preset_and_a_different_day_or_split_leaves_it()
    {
        var now = new DateTimeOffset(2025, 3, 13, 15, 30, 0, TimeSpan.Zero);
        var form = new BackfillForm();
        form.Apply("4w", now);

        form.SetStart(form.Start);
        form.SetLastDay(form.LastDay);
        form.SetGranularity("week");
        form.Preset.Should().Be("4w");

        form.SetLastDay(form.LastDay!.Value.AddDays(-1));
        form.Preset.Should().BeNull();
        form.ToInput().End.Should().Be(new DateTimeOffset(2025, 3, 9, 0, 0, 0, TimeSpan.Zero));

        form.Apply("4w", now);
        form.SetGranularity("day");
        (form.Preset, form.Granularity).Should().Be(((string?)null, "day"));
    }

    [Fact]
    public void The_preview_says_why_a_period_cannot_be_split()
    {
        var form = new BackfillForm { Start = new DateTime(2025, 3, 10), LastDay = new DateTime(2025, 3, 1) };
        form.Preview().Should().Be("The period must end after it starts.");
        new BackfillForm().Preview().Should().Be("Choose the first and the last day.");
    }

    [Fact]
    public void The_progress_bar_draws_each_share_with_an_invariant_width_and_says_the_counts()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // a decimal comma must not reach CSS
        try
        {
            var progress = new CollectionProgress(Total: 8, Succeeded: 3, Failed: 1, Running: 2, Pending: 2, Cancelled: 0, Rows: 10);

            var document = RenderWith<CollectionProgressBar>(new Dictionary<string, object?> { ["Progress"] = progress });

            var bar = document.QuerySelector("[role=progressbar]")!;
            bar.GetAttribute("aria-valuenow").Should().Be("3");
            bar.GetAttribute("aria-valuetext").Should().Be("3/8 succeeded, 1 failed, 2 running");
            document.QuerySelector(".bar-succeeded")!.GetAttribute("style").Should().Be("width:37.5%");
            document.QuerySelector(".bar-failed")!.GetAttribute("style").Should().Be("width:12.5%");
            document.QuerySelector("[data-testid=collection-progress-text]")!.TextContent.Should().Contain("3/8").And.Contain("1 failed");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
