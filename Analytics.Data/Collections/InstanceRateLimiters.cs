using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// One token bucket per instance (source), shared by every collection that runs on it: a segment takes a token before it
/// is submitted. Refills <see cref="CollectionOptions.SubmissionsPerMinute"/> per minute up to <see cref="CollectionOptions.Burst"/>.
/// </summary>
public sealed class InstanceRateLimiters(IOptions<CollectionOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new();

    public async Task AcquireAsync(string sourceId, CancellationToken ct)
    {
        var limiter = _limiters.GetOrAdd(sourceId, _ => Create(options.Value));
        using var lease = await limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired) throw new InvalidOperationException($"The rate limiter of instance {sourceId} refused a token.");
    }

    private static TokenBucketRateLimiter Create(CollectionOptions o)
    {
        // Refill one token at a time, as often as the rate says, so submissions spread evenly instead of in bursts per period.
        var period = TimeSpan.FromMinutes(1 / o.SubmissionsPerMinute);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : period,
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }
}
