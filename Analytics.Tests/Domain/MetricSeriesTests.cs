using Analytics.Domain.Operational;

namespace Analytics.Tests.Domain;

public sealed class MetricSeriesTests
{
    [Fact]
    public void Tags_with_commas_equals_and_backslashes_round_trip()
    {
        var tags = new Dictionary<string, string>
        {
            ["route"] = "/api/v1/query?a=1,b=2",
            ["k=ey"] = "v,al\\ue",
            ["trailing\\"] = "\\",
            ["empty"] = "",
            ["\\,="] = "=,\\=",
        };

        var key = MetricSeries.KeyOf(tags);

        MetricSeries.TagsOf(key).Should().BeEquivalentTo(tags);
    }

    [Fact]
    public void Random_tag_sets_over_the_special_characters_round_trip()
    {
        var rng = new Random(12345);
        const string alphabet = "ab,=\\ ";
        string Next() => new(Enumerable.Range(0, rng.Next(0, 7)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());

        for (var i = 0; i < 2000; i++)
        {
            var tags = new Dictionary<string, string>();
            for (var t = rng.Next(1, 4); t > 0; t--) tags[Next()] = Next();

            var key = MetricSeries.KeyOf(tags);

            MetricSeries.TagsOf(key).Should().BeEquivalentTo(tags, $"key {key} should decode to its tags");
        }
    }

    [Fact]
    public void Key_is_canonical_whatever_the_insertion_order()
    {
        var a = new Dictionary<string, string> { ["zone"] = "eu", ["app"] = "web" };
        var b = new Dictionary<string, string> { ["app"] = "web", ["zone"] = "eu" };

        MetricSeries.KeyOf(a).Should().Be(MetricSeries.KeyOf(b));
        MetricSeries.KeyOf(a).Should().Be("app=web,zone=eu");
    }

    [Fact]
    public void No_tags_is_the_empty_key()
    {
        MetricSeries.KeyOf(null).Should().BeEmpty();
        MetricSeries.KeyOf(new Dictionary<string, string>()).Should().BeEmpty();
        MetricSeries.TagsOf("").Should().BeEmpty();
    }

    [Fact]
    public void Different_tag_sets_never_share_a_key()
    {
        var a = new Dictionary<string, string> { ["a"] = "1,b=2" };
        var b = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };

        MetricSeries.KeyOf(a).Should().NotBe(MetricSeries.KeyOf(b));
    }
}
