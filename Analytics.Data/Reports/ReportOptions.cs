using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Reports;

/// <summary>Report executions (<c>Analytics:Reports</c>): how many run at once and the limits per user and instance.</summary>
public sealed class ReportOptions
{
    public const string Section = "Analytics:Reports";

    /// <summary>Executions processed in parallel by this app process.</summary>
    [Range(1, 64)] public int Workers { get; set; } = 4;
    /// <summary>Pending or running executions one user may have at once; more answer 429.</summary>
    [Range(1, 1000)] public int MaxActivePerUser { get; set; } = 5;
    /// <summary>Pending or running executions per instance (AMC allows 10 parallel runs per instance).</summary>
    [Range(1, 1000)] public int MaxActivePerInstance { get; set; } = 10;
    /// <summary>Attempts for a run whose source failed in a way worth retrying (an AMC execution that FAILED).</summary>
    [Range(1, 10)] public int MaxAttempts { get; set; } = 3;
    [Range(0, 3600)] public double RetryDelaySeconds { get; set; } = 5;
    /// <summary>Result rows kept with an execution for its detail page.</summary>
    [Range(0, 10_000)] public int PreviewRows { get; set; } = 100;
    [Range(1, 3660)] public int MaxWindowDays { get; set; } = 366;
    /// <summary>A run still going after this is stopped and failed (retryable), so a stuck source never blocks a schedule. AMC runs take minutes to hours.</summary>
    [Range(0.01, 10_080)] public double ExecutionTimeoutMinutes { get; set; } = 360;
}
