using System.Globalization;
using Analytics.Domain;
using Analytics.Jobs;

namespace Analytics.Web.Components.Pages.Admin;

/// <summary>One trigger of a job as the console shows it: what to highlight and which actions apply.</summary>
public sealed record JobRow(JobInfo Info, string FullKey, string Highlight, bool Late, int RecentMisfires, bool Paused)
{
    public bool Failed => Highlight == "failed";
    public bool CanPause => !Paused && Info.Trigger is not null;
    public bool CanResume => Paused;
    /// <summary>0–100 when the running job reported progress, else null (an indeterminate indicator).</summary>
    public double? ProgressPercent => Info.Running && Info.Progress is { } p ? Math.Clamp(p, 0, 100) : null;
}

/// <summary>
/// The admin job console's state: the jobs with their highlights (failed last run, late or misfired, paused) and the
/// run history's filter and paging (a stack of cursors, so Previous works on a forward-only cursor). Plain class:
/// unit-tested without a browser; the page only renders it and calls <see cref="JobConsole"/>.
/// </summary>
public sealed class JobConsoleState
{
    public const int HistoryPageSize = 20;
    /// <summary>A trigger whose next fire time passed by more than this, while not paused, is late (a misfire in the making).</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);
    /// <summary>Misfires this recent highlight the job.</summary>
    public static readonly TimeSpan RecentMisfireWindow = TimeSpan.FromHours(24);

    private readonly Stack<string?> _previousCursors = new();

    public IReadOnlyList<JobRow> Jobs { get; private set; } = [];
    public IReadOnlyList<string> JobKeys { get; private set; } = [];
    public IReadOnlyList<MisfireView> Misfires { get; private set; } = [];
    public bool Loaded { get; private set; }
    public DateTimeOffset LoadedAt { get; private set; }

    public IReadOnlyList<JobRunView> History { get; private set; } = [];
    public string? HistoryJob { get; private set; }
    public bool FailuresOnly { get; private set; }
    public string? HistoryCursor { get; private set; }
    public string? NextCursor { get; private set; }
    public int HistoryPageNumber => _previousCursors.Count + 1;
    public bool HasPreviousPage => _previousCursors.Count > 0;
    public bool HasNextPage => NextCursor is not null;
    public PageRequest HistoryRequest => new(HistoryPageSize, HistoryCursor);

    public int RunningCount => Jobs.Count(j => j.Info.Running);
    public int FailingCount => Jobs.Count(j => j.Failed);

    public void SetJobs(IReadOnlyList<JobInfo> jobs, IReadOnlyList<MisfireView> misfires, DateTimeOffset now)
    {
        Misfires = misfires;
        var recent = misfires.Where(m => m.Reason == "missed" && now - m.MisfiredAt <= RecentMisfireWindow)
            .GroupBy(m => m.Job).ToDictionary(g => g.Key, g => g.Count());
        Jobs = jobs.Select(j => Row(j, recent.GetValueOrDefault(FullKey(j)), now)).ToList();
        JobKeys = Jobs.Select(j => j.FullKey).Distinct().Order(StringComparer.Ordinal).ToList();
        Loaded = true;
        LoadedAt = now;
    }

    public static string FullKey(JobInfo j) => $"{j.Group}.{j.Key}";

    public static JobRow Row(JobInfo j, int recentMisfires, DateTimeOffset now)
    {
        var paused = j.State.StartsWith("paused", StringComparison.Ordinal);
        var late = !paused && !j.Running && j.State is "normal" && j.NextFireTime is { } next && now - next > LateAfter;
        var highlight = j.LastOutcome == "failed" || j.ConsecutiveFailures > 0 || j.State == "error" ? "failed"
            : late || recentMisfires > 0 ? "misfired"
            : paused ? "paused"
            : "";
        return new JobRow(j, FullKey(j), highlight, late, recentMisfires, paused);
    }

    public void SetHistory(Page<JobRunView> page)
    {
        History = page.Items;
        NextCursor = page.NextAfter;
    }

    /// <summary>A new filter starts at the first page.</summary>
    public void Filter(string? job, bool failuresOnly)
    {
        HistoryJob = string.IsNullOrEmpty(job) ? null : job;
        FailuresOnly = failuresOnly;
        HistoryCursor = null;
        NextCursor = null;
        _previousCursors.Clear();
    }

    public bool NextPage()
    {
        if (NextCursor is null) return false;
        _previousCursors.Push(HistoryCursor);
        HistoryCursor = NextCursor;
        return true;
    }

    public bool PreviousPage()
    {
        if (_previousCursors.Count == 0) return false;
        HistoryCursor = _previousCursors.Pop();
        return true;
    }

    public static string Duration(TimeSpan? d) => d is { } v ? Duration(v.TotalMilliseconds) : "—";

    public static string Duration(double ms) => ms switch
    {
        < 1 => "<1 ms",
        < 1000 => $"{ms.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{(ms / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s",
        < 3_600_000 => $"{(int)(ms / 60_000)} min {(int)(ms % 60_000 / 1000)} s",
        _ => $"{(int)(ms / 3_600_000)} h {(int)(ms % 3_600_000 / 60_000)} min",
    };

    /// <summary>"in 12 s", "3 min ago": relative to <paramref name="now"/>, for fire times.</summary>
    public static string Relative(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t) return "—";
        var delta = t - now;
        var span = delta.Duration();
        var text = span.TotalSeconds < 1 ? "now"
            : span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return text == "now" ? "now" : delta > TimeSpan.Zero ? $"in {text}" : $"{text} ago";
    }
}
