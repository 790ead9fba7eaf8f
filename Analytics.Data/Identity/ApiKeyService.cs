using System.Security.Cryptography;
using System.Text;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Identity;

public sealed record ApiKeyView(string Id, string UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

public sealed record CreatedApiKey(string Id, string Key, ApiKeyView View);

/// <summary>API keys: created by each user for themself (or by admins for anyone), stored hashed, shown once.</summary>
public sealed class ApiKeyService(IDbContextFactory<AnalyticsDbContext> factory, IOptions<AuthOptions> auth, TimeProvider clock)
{
    public async Task<CreatedApiKey> CreateAsync(Actor actor, string userId, string? name, CancellationToken ct)
    {
        if (!actor.CanManageKeysOf(userId)) throw new NotFoundException("User", userId);
        if (name is { Length: > 200 }) throw new ValidationException("name", "Key names have at most 200 characters.");
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) throw new NotFoundException("User", userId);
        var (entity, key) = ApiKeys.Create(userId, name ?? "", clock.GetUtcNow());
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(entity.Id, key, View(entity));
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(Actor actor, string userId, CancellationToken ct)
    {
        if (!actor.CanManageKeysOf(userId)) throw new NotFoundException("User", userId);
        await using var db = await factory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).ToListAsync(ct);
        return keys.OrderByDescending(k => k.CreatedAt).Select(View).ToList();
    }

    public async Task RevokeAsync(Actor actor, string keyId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null || !actor.CanManageKeysOf(key.UserId)) throw new NotFoundException("API key", keyId);
        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The user id a presented key belongs to, or null. The bootstrap key maps to the oldest enabled admin.</summary>
    public async Task<string?> AuthenticateAsync(string presented, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var bootstrap = auth.Value.BootstrapApiKey;
        if (!string.IsNullOrEmpty(bootstrap) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(bootstrap)))
        {
            var admins = await db.Users.AsNoTracking().Where(u => u.Role == Role.Admin && !u.Disabled).Select(u => new { u.Id, u.CreatedAt }).ToListAsync(ct);
            return admins.OrderBy(a => a.CreatedAt).Select(a => a.Id).FirstOrDefault();
        }
        if (!presented.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal)) return null;
        var hash = ApiKeys.HashOf(presented);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        if (key is null) return null;
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return key.UserId;
    }

    private static ApiKeyView View(ApiKey k) => new(k.Id, k.UserId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt is not null);
}
