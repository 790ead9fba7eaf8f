using Analytics.Data.RateLimiting;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Subscriptions;

/// <summary>
/// What keeps subscriptions from becoming a way out: recipients only at allowed domains
/// (<c>Analytics:Subscriptions:AllowedRecipientDomains</c>, else the domains of the app's users' own addresses),
/// checked when a subscription is saved and again at each delivery, and "run now" limited per user
/// (<c>Analytics:RateLimits:SubscriptionRunNow</c>) for the UI and the API alike.
/// </summary>
public sealed class SubscriptionSafeguards(
    IDbContextFactory<AnalyticsDbContext> factory, IOptions<SubscriptionOptions> options, IOptions<RateLimitOptions> limits) : IDisposable
{
    private readonly KeyedRateLimiter _runNow = new(limits.Value.SubscriptionRunNow);

    /// <summary>The domains recipients may be at, now.</summary>
    public async Task<RecipientDomains> RecipientDomainsAsync(CancellationToken ct)
    {
        var configured = options.Value.AllowedRecipientDomains;
        if (configured.Length > 0) return new RecipientDomains(configured, configured: true);
        await using var db = await factory.CreateDbContextAsync(ct);
        var emails = await db.Users.AsNoTracking().Where(u => !u.Disabled && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        return new RecipientDomains(emails.Select(RecipientDomains.DomainOf).OfType<string>(), configured: false);
    }

    /// <summary>Takes one "run now" for the actor, or throws <see cref="RateLimitedException"/> (429 with Retry-After).</summary>
    public void EnsureRunNowAllowed(Actor actor)
    {
        if (_runNow.TryAcquire(actor.UserId, out var retryAfter)) return;
        var rule = limits.Value.SubscriptionRunNow;
        throw new RateLimitedException(
            $"You have run subscriptions {rule.PermitLimit} times in {rule.WindowSeconds} s, the most allowed; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.",
            retryAfter);
    }

    public void Dispose() => _runNow.Dispose();
}
