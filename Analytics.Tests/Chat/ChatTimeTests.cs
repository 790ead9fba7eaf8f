using Analytics.Domain.Chat;

namespace Analytics.Tests.Chat;

/// <summary>The shared date parser, form by form, against Sunday 2026-03-15: each phrase with its exact [start, end).</summary>
public sealed class ChatTimeTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);

    private static DateRange? Read(string words, DateContext? context = null)
    {
        var text = " " + words.ToLowerInvariant().Replace(",", " ", StringComparison.Ordinal) + " ";
        return ChatTime.Parse(ref text, Today, context).Range;
    }

    [Theory]
    [InlineData("the week of June 2, 2025", "2025-06-02", "2025-06-09")]
    [InlineData("the week of September 8, 2025", "2025-09-08", "2025-09-15")]
    [InlineData("the week of Wednesday June 4 2025", "2025-06-02", "2025-06-09")]
    [InlineData("week of 2025-06-04", "2025-06-02", "2025-06-09")]
    [InlineData("week 10 of 2025", "2025-03-03", "2025-03-10")]
    [InlineData("week 1 2026", "2025-12-29", "2026-01-05")]
    [InlineData("2025-W10", "2025-03-03", "2025-03-10")]
    [InlineData("2020-W53", "2020-12-28", "2021-01-04")]
    [InlineData("Q3 2025", "2025-07-01", "2025-10-01")]
    [InlineData("2025-Q4", "2025-10-01", "2026-01-01")]
    [InlineData("the first half of 2025", "2025-01-01", "2025-07-01")]
    [InlineData("the second half of 2025", "2025-07-01", "2026-01-01")]
    [InlineData("H1 2025", "2025-01-01", "2025-07-01")]
    [InlineData("2024 H2", "2024-07-01", "2025-01-01")]
    [InlineData("June 2025", "2025-06-01", "2025-07-01")]
    [InlineData("in October", "2025-10-01", "2025-11-01")]
    [InlineData("in March", "2025-03-01", "2025-04-01")]
    [InlineData("between March 3 and March 9, 2025", "2025-03-03", "2025-03-10")]
    [InlineData("between 2025-06-01 and 2025-06-30", "2025-06-01", "2025-07-01")]
    [InlineData("from Jan 15 to Jan 31, 2026", "2026-01-15", "2026-02-01")]
    [InlineData("from 1 May 2025 to 10 May 2025", "2025-05-01", "2025-05-11")]
    [InlineData("from December 20, 2025 to January 5, 2026", "2025-12-20", "2026-01-06")]
    [InlineData("between June 1 and 15 2025", "2025-06-01", "2025-06-16")]
    [InlineData("from March to May 2025", "2025-03-01", "2025-06-01")]
    [InlineData("Jan 15–31, 2026", "2026-01-15", "2026-02-01")]
    [InlineData("Jan 15-31 2026", "2026-01-15", "2026-02-01")]
    [InlineData("last year", "2025-01-01", "2026-01-01")]
    [InlineData("last weekend", "2026-03-07", "2026-03-09")]
    [InlineData("year to date", "2026-01-01", "2026-03-15")]
    [InlineData("month to date", "2026-03-01", "2026-03-15")]
    [InlineData("yesterday", "2026-03-14", "2026-03-15")]
    [InlineData("the last 3 full weeks", "2026-02-16", "2026-03-09")]
    [InlineData("June 2, 2025", "2025-06-02", "2025-06-03")]
    [InlineData("2 June 2025", "2025-06-02", "2025-06-03")]
    [InlineData("on the 2nd of June 2025", "2025-06-02", "2025-06-03")]
    [InlineData("2025-06-02", "2025-06-02", "2025-06-03")]
    [InlineData("on Jun 2", "2025-06-02", "2025-06-03")]
    [InlineData("on 25/12/2025", "2025-12-25", "2025-12-26")]
    [InlineData("last month", "2026-02-01", "2026-03-01")]
    [InlineData("last week", "2026-03-02", "2026-03-09")]
    public void Each_form_reads_as_its_exact_days(string words, string start, string end)
    {
        var range = Read(words) ?? throw new Xunit.Sdk.XunitException($"No date read in \"{words}\"");
        (range.Start, range.End).Should().Be((DateOnly.Parse(start), DateOnly.Parse(end)), words);
    }

    [Theory]
    [InlineData("week 54 of 2025")]
    [InlineData("from June 9 2025 to June 2 2025")]
    [InlineData("between February 30 and March 2 2025")]
    public void Impossible_dates_are_not_read_as_some_other_period(string words)
    {
        var range = Read(words);
        if (range is null) return;
        range.End.Should().BeAfter(range.Start);
        // Whatever is left over is never a whole year or a month of another year.
        range.Kind.Should().NotBe(PeriodKind.Year, words);
    }

    [Fact]
    public void A_month_without_a_year_takes_the_conversations_year()
    {
        var september2025 = DateRange.Months(new DateOnly(2025, 9, 1), new DateOnly(2025, 10, 1));
        var october = Read("and in october", new DateContext(september2025))!;
        (october.Start, october.End).Should().Be((new DateOnly(2025, 10, 1), new DateOnly(2025, 11, 1)));
        var january2025 = DateRange.Months(new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 1));
        Read("in december", new DateContext(january2025))!.Start.Should().Be(new DateOnly(2025, 12, 1));
    }

    [Fact]
    public void A_month_without_a_year_is_never_a_future_period()
    {
        // The conversation is in 2026, but October 2026 has not begun: the latest October that has ended.
        var february2026 = DateRange.Months(new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1));
        Read("in october", new DateContext(february2026))!.Start.Should().Be(new DateOnly(2025, 10, 1));
        Read("the week of june 2")!.Start.Should().Be(new DateOnly(2025, 6, 2));
        Read("week 12")!.Start.Should().Be(new DateOnly(2025, 3, 17));
    }

    [Fact]
    public void Without_a_conversation_a_month_takes_the_latest_such_month_that_has_data()
    {
        var coverage = new DataCoverage(new DateOnly(2023, 1, 1), new DateOnly(2024, 12, 31));
        Read("in october", new DateContext(null, coverage))!.Start.Should().Be(new DateOnly(2024, 10, 1));
        Read("on jun 2", new DateContext(null, coverage))!.Start.Should().Be(new DateOnly(2024, 6, 2));
        Read("q3", new DateContext(null, coverage))!.Start.Should().Be(new DateOnly(2024, 7, 1));
        Read("in october")!.Start.Should().Be(new DateOnly(2025, 10, 1));
    }

    [Fact]
    public void A_date_that_reads_two_ways_gives_both_readings()
    {
        var text = " spend on 03/04/2025 ";
        var mention = ChatTime.Parse(ref text, Today);
        mention.Readings!.Select(r => r.Start).Should().Equal(new DateOnly(2025, 3, 4), new DateOnly(2025, 4, 3));
        mention.Ambiguous.Should().Be("03/04/2025");
        text = " spend on 13/04/2025 ";
        ChatTime.Parse(ref text, Today).Readings.Should().BeNull();
    }

    [Fact]
    public void Stepping_back_keeps_the_kind_of_period()
    {
        DateRange.Half(new DateOnly(2025, 8, 1)).Previous().Should().Match<DateRange>(r => r.Start == new DateOnly(2025, 1, 1) && r.End == new DateOnly(2025, 7, 1));
        DateRange.WeekOf(new DateOnly(2025, 6, 4)).Previous().Start.Should().Be(new DateOnly(2025, 5, 26));
        ChatTime.IsoWeek(2025, 10)!.YearEarlier().Start.Should().Be(new DateOnly(2024, 3, 3));
    }
}
