using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Data.RateLimiting;

/// <summary>
/// <c>Analytics:RateLimits</c>: how many requests each kind of caller may make per window. Every limit is a fixed
/// window of <see cref="RateLimitRule.WindowSeconds"/> holding <see cref="RateLimitRule.PermitLimit"/> requests
/// (0 = no limit); past it the answer is 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Analytics:RateLimits";

    /// <summary>Sign-in form posts from one client address.</summary>
    public RateLimitRule SignInPerIp { get; set; } = new() { PermitLimit = 30, WindowSeconds = 300 };

    /// <summary>Sign-in attempts for one e-mail address as typed (normalized), whether or not the account exists.</summary>
    public RateLimitRule SignInPerAccount { get; set; } = new() { PermitLimit = 10, WindowSeconds = 300 };

    /// <summary><c>/api/v1</c> requests per API key (per client address for requests without a valid key).</summary>
    public RateLimitRule Api { get; set; } = new() { PermitLimit = 1200, WindowSeconds = 60 };

    /// <summary>Public dashboard links (<c>/api/v1/public/*</c> and the <c>/public/d/{token}</c> page) per client address.</summary>
    public RateLimitRule Public { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };

    /// <summary>"Run now" of subscriptions per user (each renders a dashboard and sends e-mail).</summary>
    public RateLimitRule SubscriptionRunNow { get; set; } = new() { PermitLimit = 5, WindowSeconds = 300 };

    internal IEnumerable<(string Name, RateLimitRule Rule)> Rules =>
    [
        (nameof(SignInPerIp), SignInPerIp), (nameof(SignInPerAccount), SignInPerAccount), (nameof(Api), Api),
        (nameof(Public), Public), (nameof(SubscriptionRunNow), SubscriptionRunNow),
    ];
}

/// <summary>One limit: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>; a limit of 0 turns it off.</summary>
public sealed class RateLimitRule
{
    public const int MaxPermits = 1_000_000;
    public const int MaxWindowSeconds = 86_400;

    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;

    public bool Unlimited => PermitLimit == 0;

    /// <summary>The fixed window this rule describes, for one partition (no queueing: a request past the limit is refused at once).</summary>
    public FixedWindowRateLimiterOptions ToFixedWindow() => new()
    {
        PermitLimit = PermitLimit,
        Window = TimeSpan.FromSeconds(WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>Stops the app at start with a message naming the setting that is out of range.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        foreach (var (rule, value) in options.Rules)
        {
            if (value is null) { failures.Add($"{RateLimitOptions.Section}:{rule} is missing."); continue; }
            if (value.PermitLimit is < 0 or > RateLimitRule.MaxPermits)
                failures.Add($"{RateLimitOptions.Section}:{rule}:PermitLimit must be between 0 (no limit) and {RateLimitRule.MaxPermits}, not {value.PermitLimit}.");
            if (value.WindowSeconds is < 1 or > RateLimitRule.MaxWindowSeconds)
                failures.Add($"{RateLimitOptions.Section}:{rule}:WindowSeconds must be between 1 and {RateLimitRule.MaxWindowSeconds}, not {value.WindowSeconds}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// A <see cref="RateLimitRule"/> applied per key (a user id, a normalized e-mail) inside a service, for limits that
/// the UI and the API share or that need the request body (the rate limiting middleware partitions before the
/// body is read). Built on the same System.Threading.RateLimiting fixed windows as the middleware's policies.
/// </summary>
public sealed class KeyedRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public KeyedRateLimiter(RateLimitRule rule)
    {
        if (rule.Unlimited) return;
        var window = rule.ToFixedWindow();
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => window));
    }

    /// <summary>Takes one permit for <paramref name="key"/>; false (with when to retry) when its window is used up.</summary>
    public bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null) return true;
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return true;
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
