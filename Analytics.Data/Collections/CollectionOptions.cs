using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Collections;

/// <summary>Data collections (<c>Analytics:Collections</c>): concurrency, the per-instance rate limit, retries and recovery.</summary>
public sealed class CollectionOptions
{
    public const string Section = "Analytics:Collections";

    /// <summary>Segments of one collection running at once unless the request says otherwise (AMC allows 10 per instance).</summary>
    [Range(1, 100)] public int DefaultMaxConcurrency { get; set; } = 10;
    /// <summary>Backfill segments running at once on one instance, across all its collections (per app process).</summary>
    [Range(1, 100)] public int MaxSegmentsPerInstance { get; set; } = 10;
    /// <summary>Token bucket per instance: submissions per minute, shared by every run on that instance and every app process.</summary>
    [Range(1, 100_000)] public double SubmissionsPerMinute { get; set; } = 60;
    /// <summary>Runs at the source at once per instance, across every app process on the database (AMC runs 10 executions per instance in parallel).</summary>
    [Range(1, 1000)] public int MaxRunningPerInstance { get; set; } = 10;
    /// <summary>Submissions the bucket allows in a burst.</summary>
    [Range(1, 1000)] public int Burst { get; set; } = 10;
    /// <summary>Attempts per segment before it fails for good.</summary>
    [Range(1, 20)] public int MaxAttempts { get; set; } = 5;
    [Range(0.001, 3600)] public double RetryBaseSeconds { get; set; } = 30;
    [Range(0.001, 86_400)] public double RetryMaxSeconds { get; set; } = 1800;
    /// <summary>How often the running process records that it is alive.</summary>
    [Range(0.1, 600)] public double HeartbeatSeconds { get; set; } = 10;
    /// <summary>A running collection whose heartbeat is older than this is taken over (its process died).</summary>
    [Range(0.5, 3600)] public double StaleAfterSeconds { get; set; } = 60;
}
