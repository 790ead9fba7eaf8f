using Analytics.Domain.Reports;

namespace Analytics.Domain.Subscriptions;

/// <summary>
/// A dashboard delivered by e-mail on a schedule: rendered as its owner sees it at run time (their instance grants), in
/// <see cref="Format"/>, under the subscription's time range preset and dimension filters, to <see cref="Recipients"/>.
/// The schedule is a <see cref="ReportSchedule"/> (daily, weekly, monthly or cron at a local time in a time zone).
/// </summary>
public sealed class DashboardSubscription
{
    public required string Id { get; init; }
    public required string DashboardId { get; set; }
    public required string OwnerId { get; init; }
    public string Name { get; set; } = "";
    /// <summary>pdf, xlsx or csv (the export formats).</summary>
    public string Format { get; set; } = "pdf";
    public ReportSchedule Schedule { get; set; } = new();
    public List<string> Recipients { get; set; } = [];
    /// <summary>A time range preset (<c>DateRangePresets.Names</c>); null keeps the dashboard's own time filter.</summary>
    public string? Preset { get; set; }
    /// <summary>Dimension → values, on top of the dashboard's saved filters.</summary>
    public Dictionary<string, List<string>> Filters { get; set; } = [];
    public bool Enabled { get; set; } = true;
    public DateTimeOffset? NextRunAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class SubscriptionRunOutcome
{
    public const string Running = "running";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>
/// One delivery of a subscription. Recorded as <c>running</c> before anything is sent and marked <c>sent</c> only when the
/// SMTP server accepted the message; a crash in between leaves it <c>running</c> until the next pass marks it
/// <c>failed</c> (interrupted) — never <c>sent</c>, and never sent twice.
/// </summary>
public sealed class SubscriptionRun
{
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    /// <summary>The schedule slot this run fills (unique per subscription), or the request time of a run-now.</summary>
    public DateTimeOffset ScheduledFor { get; init; }
    /// <summary>Unique per subscription: <c>schedule:&lt;utc ticks&gt;</c> for a schedule slot, <c>manual:&lt;run id&gt;</c> for a run-now.</summary>
    public required string Slot { get; init; }
    /// <summary><c>schedule</c> or <c>manual</c>.</summary>
    public string Trigger { get; init; } = "schedule";
    public string? RequestedBy { get; init; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int Attempts { get; set; }
    public string Outcome { get; set; } = SubscriptionRunOutcome.Running;
    public string? Error { get; set; }
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public long? FileSize { get; set; }
    /// <summary>The delivered file, kept for re-download when it is no larger than the configured cap.</summary>
    public byte[]? FileContent { get; set; }
    /// <summary>Why <see cref="FileContent"/> is missing although a file was made (e.g. over the size cap).</summary>
    public string? FileNote { get; set; }
    public int RecipientCount { get; set; }
}
