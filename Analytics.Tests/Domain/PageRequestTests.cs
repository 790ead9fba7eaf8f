using Analytics.Domain;

namespace Analytics.Tests.Domain;

public sealed class PageRequestTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxLimit + 1)]
    public void Limit_out_of_range_is_a_limit_error(int limit)
    {
        var act = () => PageRequest.Parse(limit, null);

        act.Should().Throw<ValidationException>().Which.Errors.Keys.Should().Equal("limit");
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("abc")]
    public void Cursor_that_is_not_ours_is_a_cursor_error(string cursor)
    {
        var act = () => PageRequest.Parse(10, cursor);

        act.Should().Throw<ValidationException>().Which.Errors.Keys.Should().Equal("cursor");
    }

    [Fact]
    public void Defaults_apply_without_limit_or_cursor()
    {
        var page = PageRequest.Parse(null, null);

        page.Limit.Should().Be(PageRequest.DefaultLimit);
        page.After.Should().BeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(PageRequest.MaxLimit)]
    public void Limits_at_the_bounds_are_accepted(int limit) => PageRequest.Parse(limit, null).Limit.Should().Be(limit);

    [Fact]
    public void Encoded_cursor_decodes_to_the_last_id()
    {
        var lastId = "0199a0b1c2d3e4f5a6b7c8d9e0f1a2b3/é";

        var page = PageRequest.Parse(25, PageRequest.EncodeCursor(lastId));

        page.After.Should().Be(lastId);
        page.Limit.Should().Be(25);
    }
}
