using Analytics.Domain.Facts;

namespace Analytics.Tests.Domain;

public sealed class DimensionKeyTests
{
    [Fact]
    public void Hash_is_deterministic()
    {
        string?[] values = ["Northwind - Tents - Brand", "B0ABCDEFGH", "Sponsored Products"];

        DimensionKey.Hash(values).Should().Be(DimensionKey.Hash(values.ToArray()));
        new FactRow(0, values, []).DimHash.Should().Be(DimensionKey.Hash(values));
    }

    [Fact]
    public void Null_empty_and_swapped_values_hash_differently()
    {
        string?[][] variants =
        [
            ["a", null],
            [null, "a"],
            ["a", ""],
            ["", "a"],
            ["a"],
            [null],
            [""],
            [],
            [null, null],
            ["", ""],
            ["ab", "c"],
            ["a", "bc"],
            ["abc"],
        ];

        var hashes = variants.Select(v => DimensionKey.Hash(v)).ToList();

        hashes.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Characters_outside_latin1_are_not_confused()
    {
        // Both bytes of each UTF-16 unit are hashed, so characters that share a low byte still differ.
        DimensionKey.Hash(["\u0141"]).Should().NotBe(DimensionKey.Hash(["\u0041"]));
        DimensionKey.Hash(["Köln"]).Should().NotBe(DimensionKey.Hash(["Koln"]));
    }

    [Fact]
    public void Hash_does_not_collide_across_many_realistic_keys()
    {
        var keys = from c in Enumerable.Range(0, 60)
                   from a in Enumerable.Range(0, 40)
                   from t in new[] { "Sponsored Products", "Sponsored Brands", null }
                   select new string?[] { $"Campaign {c}", $"B0{a:D8}", t };

        var hashes = keys.Select(k => DimensionKey.Hash(k)).ToList();

        hashes.Should().OnlyHaveUniqueItems();
    }
}
