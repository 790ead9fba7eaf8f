using System.Globalization;
using Analytics.Data.Reports;
using Analytics.Data.Schedules;
using Analytics.Domain;
using Analytics.Domain.Reports;

namespace Analytics.Web.Components.Pages.Schedules;

/// <summary>A run-now in progress on the page: which row, the report execution it follows (null for a subscription, which answers when done) and what it is doing.</summary>
public sealed record RunInProgress(string Key, string Name, string? ExecutionId, string Status);

/// <summary>
/// The schedules page's state: the page of merged schedules with its server-side sort and paging (a stack of cursors,
/// so Previous works on a forward-only cursor), the row whose runs are open, a run-now in progress and how it ended.
/// Plain class: unit-tested without a browser; the page renders it and calls <see cref="ScheduleOverview"/>.
/// </summary>
public sealed class SchedulesState
{
    public const int PageSize = 25;

    public static readonly IReadOnlyList<(string Value, string Text)> SortOptions =
        [("next", "Next run"), ("name", "Name"), ("last", "Last run"), ("kind", "Kind"), ("owner", "Owner")];

    private readonly Stack<string?> _previousCursors = new();

    public IReadOnlyList<ScheduleRow> Rows { get; private set; } = [];
    public bool Loaded { get; private set; }
    public string Sort { get; private set; } = "next";
    public bool Descending { get; private set; }
    public string? Cursor { get; private set; }
    public string? NextCursor { get; private set; }
    public int PageNumber => _previousCursors.Count + 1;
    public bool HasPreviousPage => _previousCursors.Count > 0;
    public bool HasNextPage => NextCursor is not null;

    /// <summary>The row whose runs (attempts, errors, times) are shown below it.</summary>
    public string? ExpandedKey { get; private set; }
    public IReadOnlyList<ScheduleRunView> ExpandedRuns { get; private set; } = [];

    public RunInProgress? Running { get; private set; }
    public string? Message { get; private set; }
    public bool MessageIsError { get; private set; }

    public ScheduleListRequest Request => new(new PageRequest(PageSize, Cursor), Sort, Descending);

    public void SetPage(Page<ScheduleRow> page)
    {
        Rows = page.Items;
        NextCursor = page.NextAfter;
        Loaded = true;
        if (ExpandedKey is not null && Rows.All(r => r.Key != ExpandedKey)) Collapse();
    }

    /// <summary>A new sort starts from the first page.</summary>
    public void SortBy(string sort, bool descending)
    {
        if (SortOptions.All(o => o.Value != sort)) throw new ArgumentException($"Unknown sort '{sort}'.", nameof(sort));
        Sort = sort;
        Descending = descending;
        Cursor = null;
        _previousCursors.Clear();
    }

    public void NextPage()
    {
        if (NextCursor is null) return;
        _previousCursors.Push(Cursor);
        Cursor = NextCursor;
    }

    public void PreviousPage()
    {
        if (_previousCursors.Count > 0) Cursor = _previousCursors.Pop();
    }

    public void Expand(string key, IReadOnlyList<ScheduleRunView> runs)
    {
        ExpandedKey = key;
        ExpandedRuns = runs;
    }

    public void Collapse()
    {
        ExpandedKey = null;
        ExpandedRuns = [];
    }

    public bool IsRunning(ScheduleRow row) => Running?.Key == row.Key;

    public void StartRun(ScheduleRow row)
    {
        Running = new RunInProgress(row.Key, row.Name, null, "Starting");
        Message = null;
    }

    /// <summary>
    /// The run-now answered: a subscription's delivery is done (its outcome is the message); a report's execution goes on
    /// and is followed by its id until <see cref="Finish"/>.
    /// </summary>
    public void Started(ScheduleRunStarted started)
    {
        if (Running is null) return;
        if (started.ExecutionId is { } id && started.Run.Active) Running = Running with { ExecutionId = id, Status = Describe(started.Run) };
        else Finish(started.Run);
    }

    /// <summary>A change of the followed execution; true when it concerns the run in progress.</summary>
    public bool Progress(ExecutionChange change)
    {
        if (Running?.ExecutionId != change.ExecutionId) return false;
        Running = Running with { Status = change.Message ?? ExecutionStatuses.ToWire(change.Status) };
        return true;
    }

    public static bool Ends(ExecutionStatus status) => !status.IsActive();

    public void Finish(ScheduleRunView run)
    {
        var name = Running?.Name ?? "The schedule";
        Running = null;
        Show(run.Outcome switch
        {
            "succeeded" => $"“{name}” ran: {run.Message ?? "succeeded"}.",
            "sent" => $"“{name}” was sent.",
            "cancelled" => $"“{name}” was cancelled.",
            _ => $"“{name}” failed: {run.Error ?? run.Message ?? "no reason recorded"}",
        }, error: run.Outcome is not ("succeeded" or "sent"));
    }

    public void Fail(string message)
    {
        Running = null;
        Show(message, error: true);
    }

    public void Show(string message, bool error)
    {
        Message = message;
        MessageIsError = error;
    }

    public void ClearMessage() => Message = null;

    /// <summary>"sent", "failed after 3 attempts", "pending, attempt 2 due 14:05 UTC", …</summary>
    public static string Describe(ScheduleRunView run) => run switch
    {
        { Outcome: "pending", NextAttemptAt: { } next } => $"retrying: attempt {run.Attempts + 1} due {FormatTime(next)}",
        { Outcome: "failed", Attempts: > 1 } => $"failed after {run.Attempts} attempts",
        _ => run.Outcome,
    };

    public static string KindText(string kind) => kind == ScheduleKinds.Report ? "Report" : "Subscription";

    public static string FormatTime(DateTimeOffset? at) =>
        at is null ? "—" : at.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Window(ScheduleRunView run) => run is { WindowStart: { } start, WindowEnd: { } end }
        ? $"{start.UtcDateTime:yyyy-MM-dd} → {end.UtcDateTime:yyyy-MM-dd}"
        : "—";
}
