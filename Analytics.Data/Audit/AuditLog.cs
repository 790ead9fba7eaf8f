using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Audit;

/// <summary>Where the current request came from, for the audit trail. The web layer supplies the client address.</summary>
public interface IClientAddress
{
    string? Current { get; }
}

internal sealed class NoClientAddress : IClientAddress
{
    public string? Current => null;
}

public sealed record AuditEventView(string Id, DateTimeOffset At, string? ActorId, string? ActorName, string Action,
    string? TargetType, string? TargetId, string? Detail, string? ClientIp);

/// <summary>Which entries: by action (exact, or a prefix ending in '.', e.g. <c>user.</c>), by actor, by target, since a time.</summary>
public sealed record AuditQuery(string? Action = null, string? ActorId = null, string? TargetId = null, DateTimeOffset? Since = null);

/// <summary>
/// The audit trail: an append-only record of sign-ins, role and account changes, API keys, source changes, shares,
/// public links, backups and restores. Services record what they did; only admins read it (page and API). Writing
/// an entry never fails the action it records: a failure to write is logged loudly instead.
/// </summary>
public sealed class AuditLog(IDbContextFactory<AnalyticsDbContext> factory, IClientAddress client, TimeProvider clock, ILogger<AuditLog> logger)
{
    private readonly Lock _idLock = new();
    private long _lastTicks;

    public Task RecordAsync(Actor? actor, string action, string? targetType = null, string? targetId = null, string? detail = null, CancellationToken ct = default) =>
        RecordAsync(actor?.UserId, actor?.DisplayName, action, targetType, targetId, detail, ct);

    public async Task RecordAsync(string? actorId, string? actorName, string action, string? targetType = null, string? targetId = null,
        string? detail = null, CancellationToken ct = default)
    {
        var entry = new AuditEvent
        {
            Id = NextId(out var at), At = at, ActorId = Clip(actorId, 64), ActorName = Clip(actorName, 256), Action = action,
            TargetType = Clip(targetType, 64), TargetId = Clip(targetId, 256), Detail = Clip(detail, 2000), ClientIp = Clip(client.Current, 64),
        };
        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            db.AuditEvents.Add(entry);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(e, "Audit entry {Action} on {TargetType} {TargetId} by {ActorId} could not be written", action, targetType, targetId, actorId);
        }
    }

    public async Task<Page<AuditEventView>> ListAsync(Actor actor, AuditQuery query, PageRequest page, CancellationToken ct)
    {
        actor.EnsureAdmin("read the audit trail");
        var errors = new Dictionary<string, string[]>();
        if (query.Action is { Length: > 64 }) errors["action"] = ["An action has at most 64 characters, e.g. user.role.changed or user."];
        if (query.ActorId is { Length: > 64 }) errors["actorId"] = ["A user id has at most 64 characters."];
        if (query.TargetId is { Length: > 256 }) errors["targetId"] = ["A target id has at most 256 characters."];
        if (errors.Count > 0) throw new ValidationException(errors);

        await using var db = await factory.CreateDbContextAsync(ct);
        var events = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            events = action.EndsWith('.') ? events.Where(e => e.Action.StartsWith(action)) : events.Where(e => e.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(query.ActorId)) events = events.Where(e => e.ActorId == query.ActorId);
        if (!string.IsNullOrWhiteSpace(query.TargetId)) events = events.Where(e => e.TargetId == query.TargetId);
        if (query.Since is { } since) events = events.Where(e => e.At >= since);
        if (page.After is { } after) events = events.Where(e => string.Compare(e.Id, after) < 0);
        var list = await events.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(ct);
        var more = list.Count > page.Limit;
        if (more) list.RemoveAt(list.Count - 1);
        var items = list.Select(e => new AuditEventView(e.Id, e.At, e.ActorId, e.ActorName, e.Action, e.TargetType, e.TargetId, e.Detail, e.ClientIp)).ToList();
        return new Page<AuditEventView>(items, more ? items[^1].Id : null);
    }

    /// <summary>
    /// Ids that sort in the order this process recorded the entries, even within one clock tick (the time in 16 hex
    /// digits of ticks, made strictly increasing, then 16 random ones), so "newest first" and paging never reorder.
    /// </summary>
    private string NextId(out DateTimeOffset at)
    {
        at = clock.GetUtcNow();
        long ticks;
        lock (_idLock)
        {
            ticks = _lastTicks = Math.Max(at.UtcTicks, _lastTicks + 1);
        }
        return ticks.ToString("x16") + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    }

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
