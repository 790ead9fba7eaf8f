using System.Security.Cryptography;
using System.Text;
using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Identity;

public sealed record ApiKeyView(string Id, string UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked,
    DateTimeOffset? ExpiresAt = null, bool Expired = false);

public sealed record CreatedApiKey(string Id, string Key, ApiKeyView View);

/// <summary>Who a presented key stands for: its user, the key's id (null for the bootstrap key), and whether it was the bootstrap key.</summary>
public sealed record ApiKeyIdentity(string UserId, string? KeyId, bool Bootstrap);

/// <summary>
/// API keys: created by each user for themself (or by admins for anyone), stored hashed, shown once, optionally
/// expiring. A request authenticated by an API key cannot create keys (<see cref="Actor.EnsureCanCreateApiKeys"/>).
/// Creation and revocation are audited.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<AnalyticsDbContext> factory, IOptions<AuthOptions> auth, AuditLog audit, TimeProvider clock)
{
    public Task<CreatedApiKey> CreateAsync(Actor actor, string userId, string? name, CancellationToken ct) =>
        CreateAsync(actor, userId, name, expiresAt: null, ct);

    /// <param name="expiresAt">When the key stops working; null = never. Must lie in the future.</param>
    public async Task<CreatedApiKey> CreateAsync(Actor actor, string userId, string? name, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        if (!actor.CanManageKeysOf(userId)) throw new NotFoundException("User", userId);
        actor.EnsureCanCreateApiKeys();
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (name is { Length: > 200 }) errors["name"] = ["Key names have at most 200 characters."];
        if (expiresAt is { } expiry && expiry <= now)
            errors["expiresAt"] = [$"A key's expiry must lie in the future (now is {now:yyyy-MM-ddTHH:mm:ssZ}), e.g. {now.AddDays(90):yyyy-MM-ddT00:00:00Z}; leave it out for a key that does not expire."];
        if (errors.Count > 0) throw new ValidationException(errors);
        await using var db = await factory.CreateDbContextAsync(ct);
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email }).FirstOrDefaultAsync(ct)
                    ?? throw new NotFoundException("User", userId);
        var (entity, key) = ApiKeys.Create(userId, name ?? "", now, expiresAt);
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);

        var detail = $"key '{entity.Name}' ({entity.Prefix}…){(entity.ExpiresAt is { } e ? $", expires {e:yyyy-MM-dd HH:mm}Z" : ", no expiry")}";
        if (userId != actor.UserId) detail += $"; created by an admin for another user, {owner.Email}";
        if (actor.AuthenticatedBy == AuthenticationMethod.BootstrapKey) detail += "; with the bootstrap key";
        await audit.RecordAsync(actor, AuditActions.ApiKeyCreated, "apikey", entity.Id, detail, ct);
        return new CreatedApiKey(entity.Id, key, View(entity, now));
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(Actor actor, string userId, CancellationToken ct)
    {
        if (!actor.CanManageKeysOf(userId)) throw new NotFoundException("User", userId);
        await using var db = await factory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return keys.OrderByDescending(k => k.CreatedAt).Select(k => View(k, now)).ToList();
    }

    public async Task RevokeAsync(Actor actor, string keyId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null || !actor.CanManageKeysOf(key.UserId)) throw new NotFoundException("API key", keyId);
        if (key.RevokedAt is not null) return;
        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var detail = $"key '{key.Name}' ({key.Prefix}…)" + (key.UserId != actor.UserId ? $" of user {key.UserId}" : "");
        await audit.RecordAsync(actor, AuditActions.ApiKeyRevoked, "apikey", key.Id, detail, ct);
    }

    /// <summary>The user id a presented key belongs to, or null.</summary>
    public async Task<string?> AuthenticateAsync(string presented, CancellationToken ct) =>
        (await AuthenticateKeyAsync(presented, ct))?.UserId;

    /// <summary>
    /// Who a presented key stands for, or null when it is unknown, revoked or expired (the caller answers all three
    /// alike). The bootstrap key maps to the oldest enabled admin.
    /// </summary>
    public async Task<ApiKeyIdentity?> AuthenticateKeyAsync(string presented, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var bootstrap = auth.Value.BootstrapApiKey;
        if (!string.IsNullOrEmpty(bootstrap) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(bootstrap)))
        {
            var admins = await db.Users.AsNoTracking().Where(u => u.Role == Role.Admin && !u.Disabled).Select(u => new { u.Id, u.CreatedAt }).ToListAsync(ct);
            var adminId = admins.OrderBy(a => a.CreatedAt).Select(a => a.Id).FirstOrDefault();
            return adminId is null ? null : new ApiKeyIdentity(adminId, null, Bootstrap: true);
        }
        if (!presented.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal)) return null;
        var hash = ApiKeys.HashOf(presented);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        var now = clock.GetUtcNow();
        if (key is null || !key.IsUsableAt(now)) return null;
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return new ApiKeyIdentity(key.UserId, key.Id, Bootstrap: false);
    }

    private static ApiKeyView View(ApiKey k, DateTimeOffset now) =>
        new(k.Id, k.UserId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt is not null, k.ExpiresAt, k.ExpiresAt is { } e && e <= now);
}
