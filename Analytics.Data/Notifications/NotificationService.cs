using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Notifications;

public sealed record NotificationView(string Id, string Title, string Body, string? Link, string Category, DateTimeOffset CreatedAt, bool Read);

/// <summary>
/// Tells open pages that a user's notifications changed. Singleton; subscribers get an <see cref="IDisposable"/> and are
/// called on the publisher's thread (components marshal with InvokeAsync).
/// </summary>
public sealed class NotificationNotifier
{
    private readonly Lock _gate = new();
    private readonly List<(string UserId, Action Callback)> _subscribers = [];

    public IDisposable Subscribe(string userId, Action callback)
    {
        var entry = (userId, callback);
        lock (_gate) _subscribers.Add(entry);
        return new Subscription(() => { lock (_gate) _subscribers.Remove(entry); });
    }

    public void Publish(string userId)
    {
        Action[] targets;
        lock (_gate) targets = _subscribers.Where(s => s.UserId == userId).Select(s => s.Callback).ToArray();
        foreach (var callback in targets) callback();
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;
        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>In-app notifications: the bell's list and unread count, per user.</summary>
public sealed class NotificationService(IDbContextFactory<AnalyticsDbContext> factory, NotificationNotifier notifier, TimeProvider clock)
{
    public async Task NotifyAsync(string userId, string category, string title, string body, string? link, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Notifications.Add(new Notification
        {
            Id = Ids.New(), UserId = userId, Category = category, Title = title, Body = body, Link = link, CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        notifier.Publish(userId);
    }

    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(Actor actor, int limit, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Notifications.AsNoTracking().Where(n => n.UserId == actor.UserId).ToListAsync(ct);
        return rows.OrderByDescending(n => n.CreatedAt).Take(Math.Clamp(limit, 1, 200))
            .Select(n => new NotificationView(n.Id, n.Title, n.Body, n.Link, n.Category, n.CreatedAt, n.ReadAt is not null)).ToList();
    }

    public async Task MarkAllReadAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var unread = await db.Notifications.Where(n => n.UserId == actor.UserId && n.ReadAt == null).ToListAsync(ct);
        foreach (var n in unread) n.ReadAt = now;
        await db.SaveChangesAsync(ct);
        notifier.Publish(actor.UserId);
    }
}
