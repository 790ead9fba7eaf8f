namespace Analytics.Domain.Reports;

/// <summary>A parameterized query; <c>{{name}}</c> placeholders in <see cref="Sql"/>.</summary>
public sealed class ReportTemplate
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Category { get; set; } = "General";
    public string ReportType { get; set; } = "performance";
    public required string Sql { get; set; }
    public string ParametersJson { get; set; } = "[]";
    public string UiSchemaJson { get; set; } = "{}";
    public string ReportConfigJson { get; set; } = "{}";
    public bool BuiltIn { get; set; }
    public required string OwnerId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A template bound to a source with parameter values.</summary>
public sealed class Report
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string TemplateId { get; set; }
    public required string SourceId { get; set; }
    public string ParametersJson { get; set; } = "{}";
    /// <summary>The dataset the report's rows merge into.</summary>
    public int? DatasetId { get; set; }
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
    public required string RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
