using System.Globalization;
using Analytics.Data.Collections;

namespace Analytics.Web.Components.Pages.Collections;

/// <summary>One cell of the segment grid: a segment, or a blank that keeps the calendar columns aligned.</summary>
public sealed record SegmentCell(SegmentView? Segment, string Label, string Window, string Status, string CssClass, string Tooltip)
{
    public bool IsBlank => Segment is null;

    public static SegmentCell Blank { get; } = new(null, "", "", "", "seg-blank", "");
}

/// <summary>A row of the grid: the weeks of one month, the days of one ISO week, or the months of one year.</summary>
public sealed record SegmentRow(string Label, IReadOnlyList<SegmentCell> Cells);

/// <summary>How far a collection got: each count and its share of the bar, in percent.</summary>
public sealed record CollectionProgress(int Total, int Succeeded, int Failed, int Running, int Pending, int Cancelled, long Rows)
{
    public int Done => Succeeded + Failed + Cancelled;
    public double SucceededPercent => Percent(Succeeded);
    public double FailedPercent => Percent(Failed);
    public double RunningPercent => Percent(Running);
    public double CancelledPercent => Percent(Cancelled);
    public string Summary => Total == 0 ? "no segments" : $"{Succeeded}/{Total} succeeded" + (Failed > 0 ? $", {Failed} failed" : "") +
                                                         (Running > 0 ? $", {Running} running" : "") + (Cancelled > 0 ? $", {Cancelled} cancelled" : "");

    private double Percent(int n) => Total == 0 ? 0 : Math.Round(100.0 * n / Total, 2);

    public static CollectionProgress Of(CollectionView c)
    {
        var cancelled = c.Segments?.Count(s => s.Status == "cancelled")
                        ?? Math.Max(0, c.TotalSegments - c.SucceededSegments - c.FailedSegments - c.RunningSegments - c.PendingSegments - c.AwaitingChoiceSegments);
        return new(c.TotalSegments, c.SucceededSegments, c.FailedSegments, c.RunningSegments, c.PendingSegments, cancelled, c.RowCount);
    }
}

/// <summary>Which of pause, resume, cancel and retry-failed a collection allows now (the service enforces the same).</summary>
public sealed record CollectionActions(bool CanPause, bool CanResume, bool CanCancel, bool CanRetryFailed)
{
    public static CollectionActions For(CollectionView c, bool canAuthor)
    {
        if (!canAuthor) return new(false, false, false, false);
        var active = c.Status is "pending" or "running";
        var cancelled = c.Segments?.Count(s => s.Status == "cancelled")
                        ?? c.TotalSegments - c.SucceededSegments - c.FailedSegments - c.RunningSegments - c.PendingSegments - c.AwaitingChoiceSegments;
        return new(
            CanPause: active,
            CanResume: c.Status == "paused",
            CanCancel: active || c.Status == "paused",
            CanRetryFailed: !active && (c.FailedSegments > 0 || cancelled > 0));
    }
}

/// <summary>
/// The detail page's segment grid: segments laid out on a calendar (weeks by month, days by ISO week, months by year),
/// one cell each with a status colour and a text that says the window, attempts, rows and error. No Blazor here, so the
/// rules are unit-tested without a browser.
/// </summary>
public sealed class SegmentGridState
{
    public CollectionView? Collection { get; private set; }
    public IReadOnlyList<SegmentRow> Rows { get; private set; } = [];
    public CollectionProgress Progress { get; private set; } = new(0, 0, 0, 0, 0, 0, 0);
    public int ColumnCount { get; private set; }
    /// <summary>How each status (and "retrying": pending after a failed attempt) occurs, for the legend.</summary>
    public IReadOnlyList<(string Status, int Count)> Legend { get; private set; } = [];

    public static readonly string[] Statuses = ["succeeded", "running", "retrying", "pending", "awaiting-choice", "failed", "cancelled"];

    public void Load(CollectionView collection)
    {
        Collection = collection;
        var segments = collection.Segments ?? [];
        Progress = CollectionProgress.Of(collection);
        (Rows, ColumnCount) = collection.Granularity switch
        {
            "day" => (ByIsoWeek(segments), 7),
            "month" => (ByYear(segments), 12),
            _ => (ByMonth(segments), 5),
        };
        var statuses = segments.Select(DisplayStatus).ToList();
        Legend = Statuses.Select(s => (s, statuses.Count(x => x == s))).Where(x => x.Item2 > 0).ToList();
    }

    /// <summary>The status a cell shows: a pending segment that already failed once and waits for its next attempt is "retrying".</summary>
    public static string DisplayStatus(SegmentView s) => s is { Status: "pending", Attempts: > 0 } ? "retrying" : s.Status;

    public static SegmentCell Cell(SegmentView s, string granularity)
    {
        var status = DisplayStatus(s);
        var label = granularity switch
        {
            "day" => s.Start.ToString("%d", CultureInfo.InvariantCulture),
            "month" => s.Start.ToString("MMM", CultureInfo.InvariantCulture),
            _ => "W" + ISOWeek.GetWeekOfYear(s.Start.UtcDateTime).ToString("00", CultureInfo.InvariantCulture),
        };
        var window = Window(s);
        var parts = new List<string> { window, status, Plural(s.Attempts, "attempt"), Plural(s.RowCount, "row") };
        if (s is { Status: "pending", NextAttemptAt: { } next }) parts.Add($"next attempt {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        if (!string.IsNullOrEmpty(s.Error)) parts.Add("error: " + s.Error);
        return new SegmentCell(s, label, window, status, "seg-" + status, string.Join(" · ", parts));
    }

    /// <summary>The window as dates, the end inclusive when the segment ends at midnight ("2025-01-06 – 2025-01-12").</summary>
    public static string Window(SegmentView s)
    {
        var start = s.Start.UtcDateTime;
        var end = s.End.UtcDateTime;
        if (start.TimeOfDay != TimeSpan.Zero || end.TimeOfDay != TimeSpan.Zero)
            return $"{start:yyyy-MM-dd HH:mm} – {end:yyyy-MM-dd HH:mm} UTC";
        var last = end.AddDays(-1);
        return last.Date == start.Date ? $"{start:yyyy-MM-dd}" : $"{start:yyyy-MM-dd} – {last:yyyy-MM-dd}";
    }

    public static string Plural(long n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>Weeks: one row per month (the month the week starts in), cells left to right in time.</summary>
    private static List<SegmentRow> ByMonth(IReadOnlyList<SegmentView> segments) =>
        segments.GroupBy(s => (s.Start.UtcDateTime.Year, s.Start.UtcDateTime.Month))
            .Select(g => new SegmentRow(new DateTime(g.Key.Year, g.Key.Month, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture),
                g.Select(s => Cell(s, "week")).ToList()))
            .ToList();

    /// <summary>Days: one row per ISO week, a column per weekday (Monday first), blanks where the period does not reach.</summary>
    private static List<SegmentRow> ByIsoWeek(IReadOnlyList<SegmentView> segments) =>
        segments.GroupBy(s => (ISOWeek.GetYear(s.Start.UtcDateTime), ISOWeek.GetWeekOfYear(s.Start.UtcDateTime)))
            .Select(g => new SegmentRow($"{g.Key.Item1}-W{g.Key.Item2:00}", Place(g, s => ((int)s.Start.UtcDateTime.DayOfWeek + 6) % 7, 7, "day")))
            .ToList();

    /// <summary>Months: one row per year, a column per calendar month.</summary>
    private static List<SegmentRow> ByYear(IReadOnlyList<SegmentView> segments) =>
        segments.GroupBy(s => s.Start.UtcDateTime.Year)
            .Select(g => new SegmentRow(g.Key.ToString(CultureInfo.InvariantCulture), Place(g, s => s.Start.UtcDateTime.Month - 1, 12, "month")))
            .ToList();

    private static List<SegmentCell> Place(IEnumerable<SegmentView> segments, Func<SegmentView, int> column, int columns, string granularity)
    {
        var cells = Enumerable.Repeat(SegmentCell.Blank, columns).ToArray();
        foreach (var s in segments) cells[column(s)] = Cell(s, granularity);
        var last = Array.FindLastIndex(cells, c => !c.IsBlank);
        return cells.Take(last + 1).ToList();
    }
}

/// <summary>How collection times read on the pages (UTC, dates when on midnight).</summary>
public static class CollectionText
{
    public static string Period(CollectionView c) =>
        SegmentGridState.Window(new SegmentView(0, c.Start, c.End, c.Status, 0, 0, null, null, null, null, null));

    public static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "—";
}
