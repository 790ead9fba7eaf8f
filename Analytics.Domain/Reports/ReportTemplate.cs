namespace Analytics.Domain.Reports;

/// <summary>A parameterized query; <c>{{name}}</c> placeholders in <see cref="Sql"/>.</summary>
public sealed class ReportTemplate
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Category { get; set; } = "General";
    public string ReportType { get; set; } = "performance";
    public string? Description { get; set; }
    public required string Sql { get; set; }
    /// <summary>JSON array of the source kinds the SQL is written for (<c>["amc"]</c>); empty means any.</summary>
    public string SourceKindsJson { get; set; } = "[]";
    public string ParametersJson { get; set; } = "[]";
    public string UiSchemaJson { get; set; } = "{}";
    public string ReportConfigJson { get; set; } = "{}";
    public bool BuiltIn { get; set; }
    public required string OwnerId { get; init; }
    /// <summary>
    /// The newest <see cref="ReportTemplateVersion"/>: each edit of the SQL, parameters, reportConfig or source kinds
    /// makes a new one. Reports run the version they pinned until their owner accepts a newer one.
    /// </summary>
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One immutable version of what a template runs: its SQL, parameter definitions, reportConfig and source kinds. A
/// report pins one (<see cref="Report.TemplateVersion"/>), so a later edit of the template — by whoever may edit it —
/// never changes what an existing report sends to its instance until the report's owner (or an admin) accepts it.
/// </summary>
public sealed class ReportTemplateVersion
{
    public required string TemplateId { get; init; }
    public int Version { get; init; }
    public required string Sql { get; init; }
    public string ParametersJson { get; init; } = "[]";
    public string ReportConfigJson { get; init; } = "{}";
    public string SourceKindsJson { get; init; } = "[]";
    /// <summary>Who made this version (<c>system</c> for built-ins refreshed at start).</summary>
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether this version runs the same as these parts (an edit of anything else makes no new version).</summary>
    public bool Runs(string sql, string parametersJson, string reportConfigJson, string sourceKindsJson) =>
        Sql == sql && ParametersJson == parametersJson && ReportConfigJson == reportConfigJson && SourceKindsJson == sourceKindsJson;
}

/// <summary>A template bound to a source with parameter values.</summary>
public sealed class Report
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string TemplateId { get; set; }
    /// <summary>The template version this report runs (<see cref="ReportTemplateVersion"/>): the one it was created or last accepted with.</summary>
    public int TemplateVersion { get; set; } = 1;
    public required string SourceId { get; set; }
    public string ParametersJson { get; set; } = "{}";
    /// <summary>The dataset the report's rows merge into.</summary>
    public int? DatasetId { get; set; }
    /// <summary>How the report recurs, as the execution dialog captured it (JSON); null runs only on demand.</summary>
    public string? ScheduleJson { get; set; }
    public DateTimeOffset? LastRunAt { get; set; }
    public DateTimeOffset? NextRunAt { get; set; }
    public required string OwnerId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ExecutionStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One run of a report over a time window.</summary>
public sealed class Execution
{
    public required string Id { get; init; }
    public required string ReportId { get; init; }
    public ExecutionStatus Status { get; set; } = ExecutionStatus.Pending;
    public DateTimeOffset TimeWindowStart { get; init; }
    public DateTimeOffset TimeWindowEnd { get; init; }
    public int Attempts { get; set; }
    public long RowCount { get; set; }
    public string? Error { get; set; }
    /// <summary>What the run is doing now, or how it ended ("merged 1,204 rows", "unchanged since …").</summary>
    public string? Message { get; set; }
    /// <summary>SHA-256 of the mapped result; an unchanged re-run of the same window is recognised by it and skips the merge.</summary>
    public string? Checksum { get; set; }
    /// <summary>True when the result equalled the last merged one for this window, so nothing was written.</summary>
    public bool Unchanged { get; set; }
    /// <summary>Rows of this run whose values replaced different values already stored (the newest execution wins).</summary>
    public int ConflictCount { get; set; }
    /// <summary>JSON: a sample of the conflicts (key, old and new values).</summary>
    public string? ConflictsJson { get; set; }
    /// <summary>JSON: the rows that failed validation, with reasons (nothing is written when any row fails).</summary>
    public string? ProblemsJson { get; set; }
    /// <summary>Source rows whose dimensions came back NULL, kept in the "(suppressed)" bucket.</summary>
    public int SuppressedRows { get; set; }
    /// <summary>JSON <c>{ columns, rows }</c>: the first rows of the result, for the execution's detail page.</summary>
    public string? PreviewJson { get; set; }
    /// <summary>True when running the window again cannot help (a privacy rejection, rows that fail validation, bad SQL).</summary>
    public bool FinalFailure { get; set; }
    /// <summary>The data collection this execution is a segment of, or null for an ad-hoc or scheduled run.</summary>
    public string? CollectionId { get; set; }
    /// <summary>The template version whose SQL this run sent (the report's pinned version when it ran).</summary>
    public int? TemplateVersion { get; set; }
    /// <summary>Why it ran: <c>manual</c>, <c>schedule</c> or <c>collection</c>.</summary>
    public string Trigger { get; set; } = "manual";
    public long? SourceMs { get; set; }
    public long? MergeMs { get; set; }
    /// <summary>
    /// The remote run (an AMC workflow execution) this execution started or took over, stored the moment the source
    /// answered its id and before any polling: a resumed run polls it instead of submitting again. Cleared when that
    /// remote run ended without result (failed, cancelled), so another attempt submits anew.
    /// </summary>
    public string? RemoteExecutionId { get; set; }
    /// <summary>
    /// Set right before a submission is sent and cleared once its answer (<see cref="RemoteExecutionId"/>) is stored: when a
    /// resumed run finds it set, the process died in between, and the remote run, if any, was created at or after this time.
    /// </summary>
    public DateTimeOffset? SubmittingSince { get; set; }
    /// <summary>JSON list of <see cref="Sources.RemoteCandidate"/>: remote runs that could each be this execution's lost
    /// submission. While set, the execution waits for a person to choose (it never submits blindly).</summary>
    public string? RemoteCandidatesJson { get; set; }
    /// <summary>The app process running it now (<c>NodeIdentity</c>); every write of a running execution is conditional on it.</summary>
    public string? RunnerId { get; set; }
    /// <summary>Written periodically by <see cref="RunnerId"/> while it runs; a stale heartbeat means that process died.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    /// <summary>A pending execution that failed for a retryable reason waits until then (scheduled runs retry with backoff).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public required string RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public static class ExecutionStatuses
{
    public static string ToWire(ExecutionStatus status) => status.ToString().ToLowerInvariant();

    public static bool IsActive(this ExecutionStatus status) => status is ExecutionStatus.Pending or ExecutionStatus.Running;
}
