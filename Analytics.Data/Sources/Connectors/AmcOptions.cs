using System.ComponentModel.DataAnnotations;
using Analytics.Data.Amc;

namespace Analytics.Data.Sources.Connectors;

/// <summary>Settings of the AMC connector (<c>Analytics:Amc</c>): how often a running execution is polled, and the retry policy.</summary>
public sealed class AmcOptions
{
    public const string Section = "Analytics:Amc";

    /// <summary>Real AMC runs take minutes; polling every 15 s is plenty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Attempts of a request that fails for a retryable reason (throttling, a 5xx, a timeout).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;
    /// <summary>Backoff between attempts: exponential from this base, with jitter, up to <see cref="MaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);
    /// <summary>How far the listing for a submission whose answer was lost reaches before its "submitting since" mark (AMC's clock may run behind).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ListingClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public AmcRetryOptions Retry => new()
    {
        MaxAttempts = MaxAttempts, BaseDelay = BaseDelay, MaxDelay = MaxDelay, RequestTimeout = RequestTimeout, ListingClockSkew = ListingClockSkew,
    };
}
