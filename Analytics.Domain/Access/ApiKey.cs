using System.Security.Cryptography;
using System.Text;

namespace Analytics.Domain.Access;

/// <summary>An API key. Only its SHA-256 hash is stored; the key itself is shown once, at creation.</summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, shown in lists so a user can tell keys apart.</summary>
    public required string Prefix { get; init; }
    public required string Hash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>After this time the key no longer authenticates; null = it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive => RevokedAt is null;

    /// <summary>Neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public static class ApiKeys
{
    public const string KeyPrefix = "ak_";
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>Makes a new key with 190 bits of entropy; returns the entity to store and the plain key to show once.</summary>
    public static (ApiKey Entity, string PlainKey) Create(string userId, string name, DateTimeOffset now, DateTimeOffset? expiresAt = null)
    {
        var chars = new char[33];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        var key = KeyPrefix + new string(chars);
        var entity = new ApiKey
        {
            Id = Ids.New(),
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(name) ? "API key" : name.Trim(),
            Prefix = key[..10],
            Hash = HashOf(key),
            CreatedAt = now,
            ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        return (entity, key);
    }

    /// <summary>Keys are long random strings, so an unsalted SHA-256 is enough (as GitHub does for tokens).</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
