namespace Analytics.Data.Amc;

/// <summary>Where and as whom the connector talks to one AMC instance (CONTRACT.md, the `amc` source settings).</summary>
public sealed record AmcSettings(string BaseUrl, string InstanceId, string AdvertiserId, string MarketplaceId, string ClientId, string AccessToken)
{
    /// <summary>Never prints the token (records would otherwise put it in logs and exception messages).</summary>
    public override string ToString() => $"AmcSettings {{ BaseUrl = {BaseUrl}, InstanceId = {InstanceId}, AdvertiserId = {AdvertiserId}, MarketplaceId = {MarketplaceId}, ClientId = {ClientId} }}";
}

/// <summary>
/// How every HTTP call is retried: 429 waits for <c>Retry-After</c> (capped by <see cref="MaxRetryAfter"/>) or backs off;
/// 5xx, timeouts and network errors back off exponentially with full jitter. Other 4xx are never retried.
/// Nothing here encodes AMC's own rate limits.
/// </summary>
public sealed record AmcRetryOptions
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);
    /// <summary>
    /// How much earlier than the recorded "submitting since" time the listing for a lost submission starts, in case AMC's
    /// clock runs behind ours (a run it dates before our mark would otherwise be missed and submitted again).
    /// </summary>
    public TimeSpan ListingClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

public enum AmcExecutionStatus { Pending, Running, Succeeded, Failed, Cancelled, Rejected }

public sealed record AmcTimeWindow(DateTimeOffset Start, DateTimeOffset End);

public sealed record AmcExecution(string WorkflowExecutionId, AmcExecutionStatus Status, string? StatusReason,
    string? TimeWindowStart = null, string? TimeWindowEnd = null, string? SqlQuery = null)
{
    public bool IsTerminal => Status is AmcExecutionStatus.Succeeded or AmcExecutionStatus.Failed or AmcExecutionStatus.Cancelled or AmcExecutionStatus.Rejected;
}

/// <summary>A result as AMC's CSV has it: the header, then rows; an empty cell is null (AMC's NULL, e.g. a suppressed dimension).</summary>
public sealed record AmcResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

public sealed record AmcRunResult(string WorkflowExecutionId, bool Reused, AmcResult Result);

public class AmcException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>AMC answered a status that is not retried (a 4xx other than 429); <see cref="Body"/> is what it said.</summary>
public sealed class AmcHttpException(int statusCode, string method, string path, string body)
    : AmcException($"AMC answered {statusCode} to {method} {path}: {body}")
{
    public int StatusCode { get; } = statusCode;
    public string Body { get; } = body;
}

/// <summary>Every attempt failed with a retryable answer (429, 5xx, timeout, network error).</summary>
public sealed class AmcRetriesExhaustedException(string method, string path, int attempts, string lastFailure, Exception? inner = null)
    : AmcException($"AMC {method} {path} still failing after {attempts} attempts; last: {lastFailure}", inner)
{
    public int Attempts { get; } = attempts;
}

/// <summary>The execution ran and FAILED. Such failures may be transient, so the caller may run the window again.</summary>
public sealed class AmcExecutionFailedException(string executionId, string? reason)
    : AmcException($"AMC execution {executionId} failed: {reason ?? "no reason given"}")
{
    public string ExecutionId { get; } = executionId;
    public string? Reason { get; } = reason;
    public bool IsRetryable => true;
}

/// <summary>AMC REJECTED the execution (privacy: aggregation thresholds, overlapping runs). Final for that window: never resubmitted.</summary>
public sealed class AmcRejectedException(string executionId, string? reason)
    : AmcException($"AMC rejected execution {executionId} (privacy/aggregation rejection, final for this time window; not retried): {reason ?? "no reason given"}")
{
    public string ExecutionId { get; } = executionId;
    public string? Reason { get; } = reason;
    public bool IsRetryable => false;
}

/// <summary>The execution was CANCELLED on AMC's side (by someone else, or by us).</summary>
public sealed class AmcCancelledException(string executionId, string? reason)
    : OperationCanceledException($"AMC execution {executionId} was cancelled: {reason ?? "no reason given"}")
{
    public string ExecutionId { get; } = executionId;
}
