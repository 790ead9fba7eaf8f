namespace Analytics.Domain.Collections;

public enum CollectionStatus { Pending, Running, Paused, Succeeded, Failed, Cancelled }

/// <summary><see cref="AwaitingChoice"/>: the segment's execution found several remote runs that could be its lost submission and waits for a person to pick one.</summary>
public enum SegmentStatus { Pending, Running, Succeeded, Failed, Cancelled, AwaitingChoice }

public static class SegmentStatuses
{
    /// <summary>The status as the API and the pages spell it: lower case, <c>awaiting-choice</c>.</summary>
    public static string ToWire(SegmentStatus status) => status == SegmentStatus.AwaitingChoice ? "awaiting-choice" : status.ToString().ToLowerInvariant();
}

/// <summary>
/// A historical backfill of one report (CONTRACT.md: data collections): the period split into day, week or month
/// segments, run at most <see cref="MaxConcurrency"/> at once under the instance's rate limit, each retried with backoff,
/// progress persisted per segment so a crash resumes where it stopped.
/// </summary>
public sealed class DataCollection
{
    public required string Id { get; init; }
    public required string ReportId { get; init; }
    public required string SourceId { get; init; }
    public DateTimeOffset Start { get; init; }
    public DateTimeOffset End { get; init; }
    public string Granularity { get; init; } = "week";
    public int MaxConcurrency { get; set; } = 10;
    public CollectionStatus Status { get; set; } = CollectionStatus.Pending;
    public string? Error { get; set; }
    public required string OwnerId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Written every few seconds by the process running it; a stale heartbeat on a running collection means its process died.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    /// <summary>The app process that owns the run (<c>NodeIdentity</c>); claimed and beaten by compare-and-set on it and the heartbeat, so two processes never both own it.</summary>
    public string? RunnerId { get; set; }
    public List<CollectionSegment> Segments { get; set; } = [];
}

/// <summary>One window of a collection. Runs as an execution of the report over [<see cref="Start"/>, <see cref="End"/>).</summary>
public sealed class CollectionSegment
{
    public long Id { get; init; }
    public required string CollectionId { get; init; }
    public int Index { get; init; }
    public DateTimeOffset Start { get; init; }
    public DateTimeOffset End { get; init; }
    public SegmentStatus Status { get; set; } = SegmentStatus.Pending;
    public int Attempts { get; set; }
    public long RowCount { get; set; }
    public string? Error { get; set; }
    public string? ExecutionId { get; set; }
    /// <summary>A failed segment waits until then before its next attempt (exponential backoff with jitter).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public static class CollectionRules
{
    public const int MaxSegments = 1000;
    public static readonly string[] Granularities = ["day", "week", "month"];

    /// <summary>
    /// Splits [start, end) into UTC day, ISO week (Monday) or month windows. The first and last segments are clipped to the
    /// period, so a period that does not start on a boundary is still covered exactly once.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Split(DateTimeOffset start, DateTimeOffset end, string granularity)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Granularities.Contains(granularity)) errors["granularity"] = [$"'{granularity}' is not a granularity; use day, week or month."];
        if (end <= start) errors["end"] = ["The period must end after it starts."];
        if (errors.Count > 0) throw new ValidationException(errors);
        start = start.ToUniversalTime();
        end = end.ToUniversalTime();
        var segments = new List<(DateTimeOffset, DateTimeOffset)>();
        var cursor = start;
        while (cursor < end)
        {
            var next = NextBoundary(cursor, granularity);
            segments.Add((cursor, next < end ? next : end));
            cursor = next;
            if (segments.Count > MaxSegments)
                throw new ValidationException("end", $"That is more than {MaxSegments} {granularity} segments; choose a coarser granularity or a shorter period.");
        }
        return segments;
    }

    private static DateTimeOffset NextBoundary(DateTimeOffset t, string granularity)
    {
        var day = new DateTimeOffset(t.UtcDateTime.Date, TimeSpan.Zero);
        return granularity switch
        {
            "day" => day.AddDays(1),
            "week" => day.AddDays(7 - ((int)day.DayOfWeek + 6) % 7),
            _ => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1),
        };
    }
}
