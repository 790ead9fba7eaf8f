using Analytics.Domain.Text;

namespace Analytics.Tests.Domain;

public sealed class CsvParserTests
{
    [Fact]
    public void Records_carry_the_line_they_start_on_when_quoted_fields_span_lines()
    {
        var table = CsvParser.Parse("\uFEFF day , campaign,clicks\r\n2025-01-01,\"Brand, \"\"Premium\"\"\r\nsecond line\",3\r\n\r\n2025-01-02,,\"\"\n");

        table.Columns.Should().Equal("day", "campaign", "clicks");
        table.Rows.Select(r => r.Line).Should().Equal(2, 5);
        table.Rows[0].Fields.Should().Equal("2025-01-01", "Brand, \"Premium\"\r\nsecond line", "3");
        table.Rows[1].Fields.Should().Equal("2025-01-02", null, "");
    }

    [Fact]
    public void Rows_keep_however_many_fields_they_have()
    {
        var table = CsvParser.Parse("a,b,c\n1,2\n1,2,3,4");
        table.Rows.Select(r => r.Fields.Count).Should().Equal(2, 4);
    }

    [Fact]
    public void Malformed_text_names_the_line()
    {
        var unclosed = () => CsvParser.Parse("a,b\n1,2\n3,\"four\n5,6\n");
        unclosed.Should().Throw<CsvFormatException>().Which.Line.Should().Be(3);
        var afterQuote = () => CsvParser.Parse("a,b\n\"x\"y,2\n");
        afterQuote.Should().Throw<CsvFormatException>().WithMessage("line 2:*closing quote*");
    }

    [Fact]
    public void Empty_text_has_no_columns() => CsvParser.Parse("").Columns.Should().BeEmpty();
}
