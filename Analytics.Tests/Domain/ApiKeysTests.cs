using Analytics.Domain.Access;

namespace Analytics.Tests.Domain;

public sealed class ApiKeysTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Hash_is_the_lowercase_hex_sha256_of_the_key()
    {
        // FIPS 180-2 test vector for "abc".
        ApiKeys.HashOf("abc").Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Fact]
    public void Hash_is_stable_and_distinguishes_keys()
    {
        var (_, key) = ApiKeys.Create("u1", "ci", Now);

        ApiKeys.HashOf(key).Should().Be(ApiKeys.HashOf(key));
        ApiKeys.HashOf(key).Should().NotBe(ApiKeys.HashOf(key + "x"));
    }

    [Fact]
    public void Created_key_has_the_ak_prefix_and_an_unambiguous_alphabet()
    {
        var (_, key) = ApiKeys.Create("u1", "ci", Now);

        key.Should().StartWith("ak_");
        key.Should().HaveLength(36);
        key[3..].Should().MatchRegex("^[A-Za-z2-9]+$").And.NotContainAny("0", "1", "O", "I", "l");
    }

    [Fact]
    public void Stored_entity_keeps_only_the_hash_and_a_display_prefix()
    {
        var (entity, key) = ApiKeys.Create("u1", "  nightly export  ", Now);

        entity.Hash.Should().Be(ApiKeys.HashOf(key));
        entity.Hash.Should().NotContain(key[3..]);
        entity.Prefix.Should().HaveLength(10);
        key.Should().StartWith(entity.Prefix);
        entity.Name.Should().Be("nightly export");
        entity.UserId.Should().Be("u1");
        entity.CreatedAt.Should().Be(Now);
        entity.IsActive.Should().BeTrue();
    }

    [Fact]
    public void Blank_names_get_a_default()
    {
        ApiKeys.Create("u1", "   ", Now).Entity.Name.Should().Be("API key");
    }

    [Fact]
    public void Every_key_is_different()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeys.Create("u1", "k", Now).PlainKey).ToList();

        keys.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Revoked_key_is_not_active()
    {
        var (entity, _) = ApiKeys.Create("u1", "k", Now);

        entity.RevokedAt = Now.AddHours(1);

        entity.IsActive.Should().BeFalse();
    }
}
