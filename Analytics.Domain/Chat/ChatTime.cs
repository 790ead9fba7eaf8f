using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Chat;

/// <summary>How a range was named, so a follow-up ("and the month before?") can step it back by one of the same.</summary>
public enum PeriodKind { Days, Week, Month, Quarter, Year, Custom }

/// <summary>A range of whole days: <see cref="Start"/> inclusive, <see cref="End"/> exclusive, in the user's time zone.</summary>
public sealed record DateRange(DateOnly Start, DateOnly End, PeriodKind Kind, string Label)
{
    public int Days => End.DayNumber - Start.DayNumber;

    /// <summary>The period of the same kind just before this one (the month before a month, the 30 days before 30 days).</summary>
    public DateRange Previous() => Kind switch
    {
        PeriodKind.Month => Months(Start.AddMonths(-1), End.AddMonths(-1)),
        PeriodKind.Quarter => Quarter(Start.AddMonths(-3)),
        PeriodKind.Year => Year(Start.Year - 1),
        PeriodKind.Week => new DateRange(Start.AddDays(-7), End.AddDays(-7), PeriodKind.Week, $"the week of {Start.AddDays(-7):MMM d, yyyy}"),
        _ => Custom(Start.AddDays(-Days), Start),
    };

    /// <summary>The same days a year earlier.</summary>
    public DateRange YearEarlier() => Kind switch
    {
        PeriodKind.Month => Months(Start.AddYears(-1), End.AddYears(-1)),
        PeriodKind.Quarter => Quarter(Start.AddYears(-1)),
        PeriodKind.Year => Year(Start.Year - 1),
        _ => Custom(Start.AddYears(-1), End.AddYears(-1)),
    };

    public static DateRange Months(DateOnly start, DateOnly end)
    {
        var months = (end.Year - start.Year) * 12 + end.Month - start.Month;
        var label = months == 1 ? start.ToString("MMMM yyyy", CultureInfo.InvariantCulture)
            : $"{start.ToString("MMM yyyy", CultureInfo.InvariantCulture)} – {end.AddMonths(-1).ToString("MMM yyyy", CultureInfo.InvariantCulture)}";
        return new DateRange(start, end, PeriodKind.Month, label);
    }

    public static DateRange Quarter(DateOnly anyDay)
    {
        var q = (anyDay.Month - 1) / 3;
        var start = new DateOnly(anyDay.Year, q * 3 + 1, 1);
        return new DateRange(start, start.AddMonths(3), PeriodKind.Quarter, $"Q{q + 1} {anyDay.Year}");
    }

    public static DateRange Year(int year) => new(new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1), PeriodKind.Year, year.ToString(CultureInfo.InvariantCulture));

    public static DateRange Custom(DateOnly start, DateOnly end) =>
        new(start, end, PeriodKind.Custom, end.DayNumber - start.DayNumber == 1
            ? start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)
            : $"{start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} – {end.AddDays(-1).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}");

    public override string ToString() => Label;
}

/// <summary>What the time words of a question said: a range, perhaps a second range to compare with, or a step back from the previous turn.</summary>
public sealed record TimeMention(DateRange? Range, DateRange? CompareTo, bool StepBack, bool YearOverYear, bool PeriodOverPeriod);

/// <summary>
/// Reads time expressions in analyst English relative to "today" (in the user's zone): "last week" (the previous
/// Monday–Sunday week), "last month", "last three months" (the three whole months before this one), "last 30 days"
/// (ending yesterday), "this month" (to date), "Q3 2025", "June 2025", "since June", "in 2025", "yesterday",
/// "from 2025-06-01 to 2025-06-30", "same period last year", "month over month", "and the month before?".
/// Matched text is blanked out of the question so later readers do not see it.
/// </summary>
public static partial class ChatTime
{
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    private const string MonthPattern = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    private const string NumberPattern = @"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty|sixty|ninety|a couple of|a few)";

    public static TimeMention Parse(ref string text, DateOnly today)
    {
        DateRange? range = null, compare = null;
        bool stepBack = false, yoy = false, pop = false;

        if (Take(ref text, @"\b(same (period|time|days|month|week|quarter) (last|a|the previous|previous) year|year[- ]over[- ]year|\byoy\b|vs\.? last year|compared (to|with) last year|than last year)\b") is not null) yoy = true;
        if (Take(ref text, @"\b(month[- ]over[- ]month|\bmom\b)\b") is not null) { pop = true; range ??= LastMonth(today); }
        if (Take(ref text, @"\b(week[- ]over[- ]week|\bwow\b)\b") is not null) { pop = true; range ??= LastWeek(today); }
        if (Take(ref text, @"\b(the|a)? ?(month|week|quarter|year|period|days?) (before|prior|earlier)( that)?\b|\b(the )?(previous|prior|preceding) (one|period)\b") is not null) stepBack = true;
        if (Take(ref text, @"\b(vs\.?|versus|compared (to|with)|against) (the )?(previous|prior|preceding) (period|month|week|quarter|year)\b|\bvs\.? (the )?(month|week|quarter) before\b") is not null) pop = true;

        // An explicit "between A and B" first: its "and" is not a comparison.
        var between = ParseBetween(ref text);
        // Two explicit ranges: "X vs Y".
        var parts = Regex.Split(text, @"\b(?:vs\.?|versus|compared (?:to|with)|against|and)\b");
        var found = new List<DateRange>();
        var rest = new List<string>();
        foreach (var part in parts)
        {
            var p = part;
            var r = ParseOne(ref p, today);
            if (r is not null) found.Add(r);
            rest.Add(p);
        }
        if (between is not null) found.Insert(0, between);
        if (found.Count > 0)
        {
            text = string.Join(" ", rest);
            range = found[0];
            if (found.Count > 1) compare = found[1];
        }
        if (pop && range is not null && compare is null) compare = range.Previous();
        if (yoy && range is not null && compare is null) compare = range.YearEarlier();
        return new TimeMention(range, compare, stepBack, yoy, pop);
    }

    /// <summary>The default range when a question names none: the last 30 days, ending yesterday.</summary>
    public static DateRange Default(DateOnly today) => LastDays(today, 30);

    public static DateRange LastDays(DateOnly today, int n) => new(today.AddDays(-n), today, PeriodKind.Days, $"the last {n} days");

    public static DateRange LastMonth(DateOnly today)
    {
        var first = new DateOnly(today.Year, today.Month, 1);
        return DateRange.Months(first.AddMonths(-1), first);
    }

    public static DateRange LastWeek(DateOnly today)
    {
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return new DateRange(monday.AddDays(-7), monday, PeriodKind.Week, $"last week ({monday.AddDays(-7).ToString("MMM d", CultureInfo.InvariantCulture)} – {monday.AddDays(-1).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)})");
    }

    private static DateRange? ParseBetween(ref string text)
    {
        var m = Match(ref text, @"\b(?:from|between)\s+(\d{4}-\d{2}-\d{2})\s+(?:to|until|till|through|and|-)\s+(\d{4}-\d{2}-\d{2})\b");
        if (m.Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", out var a) && DateOnly.TryParseExact(m.Groups[2].Value, "yyyy-MM-dd", out var b) && b >= a)
            return DateRange.Custom(a, b.AddDays(1));
        return null;
    }

    private static DateRange? ParseOne(ref string text, DateOnly today)
    {
        Match m;
        // ISO dates: "from 2025-06-01 to 2025-06-30", "between ... and ...", "on 2025-06-01", "since 2025-06-01".
        if ((m = Match(ref text, @"\b(?:from|between)\s+(\d{4}-\d{2}-\d{2})\s+(?:to|until|till|through|and|-)\s+(\d{4}-\d{2}-\d{2})\b")).Success
            && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", out var a) && DateOnly.TryParseExact(m.Groups[2].Value, "yyyy-MM-dd", out var b) && b >= a)
            return DateRange.Custom(a, b.AddDays(1));
        if ((m = Match(ref text, @"\bsince\s+(\d{4}-\d{2}-\d{2})\b")).Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", out var since) && since < today)
            return DateRange.Custom(since, today);
        if ((m = Match(ref text, @"\b(?:on\s+)?(\d{4}-\d{2}-\d{2})\b")).Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", out var on))
            return DateRange.Custom(on, on.AddDays(1));

        if (Take(ref text, @"\byesterday\b") is not null) return new DateRange(today.AddDays(-1), today, PeriodKind.Days, "yesterday");
        if (Take(ref text, @"\btoday\b") is not null) return new DateRange(today, today.AddDays(1), PeriodKind.Days, "today");

        if ((m = Match(ref text, $@"\b(?:in |over |during |for )?(?:the )?(?:last|past|previous|trailing)\s+{NumberPattern}\s+(days?|weeks?|months?|quarters?|years?)\b")).Success)
        {
            var n = Number(m.Groups[1].Value);
            var unit = m.Groups[2].Value.TrimEnd('s');
            if (n is >= 1 and <= 3650)
            {
                switch (unit)
                {
                    case "day": return LastDays(today, n);
                    case "week":
                        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
                        return new DateRange(monday.AddDays(-7 * n), monday, PeriodKind.Custom, $"the last {n} weeks ({monday.AddDays(-7 * n).ToString("MMM d", CultureInfo.InvariantCulture)} – {monday.AddDays(-1).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)})");
                    case "month":
                        var first = new DateOnly(today.Year, today.Month, 1);
                        return DateRange.Months(first.AddMonths(-n), first) with { Kind = n == 1 ? PeriodKind.Month : PeriodKind.Custom };
                    case "quarter":
                        var q = DateRange.Quarter(today).Start;
                        return DateRange.Months(q.AddMonths(-3 * n), q) with { Kind = PeriodKind.Custom };
                    case "year":
                        return DateRange.Custom(today.AddYears(-n), today);
                }
            }
        }
        if ((m = Match(ref text, @"\b(?:the )?(last|previous|past|this|current)\s+(week|month|quarter|year)\b")).Success)
        {
            var current = m.Groups[1].Value is "this" or "current";
            switch (m.Groups[2].Value)
            {
                case "week":
                    if (!current) return LastWeek(today);
                    var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
                    return new DateRange(monday, ToDate(monday, today), PeriodKind.Custom, "this week");
                case "month":
                    if (!current) return LastMonth(today);
                    var first = new DateOnly(today.Year, today.Month, 1);
                    return new DateRange(first, ToDate(first, today), PeriodKind.Custom, "this month");
                case "quarter":
                    var q = DateRange.Quarter(today);
                    return current ? q with { End = ToDate(q.Start, today), Kind = PeriodKind.Custom, Label = $"this quarter ({q.Label}) to date" } : DateRange.Quarter(q.Start.AddMonths(-3));
                case "year":
                    return current ? new DateRange(new DateOnly(today.Year, 1, 1), ToDate(new DateOnly(today.Year, 1, 1), today), PeriodKind.Custom, $"{today.Year} to date") : DateRange.Year(today.Year - 1);
            }
        }
        if (Take(ref text, @"\b(year to date|ytd)\b") is not null) return new DateRange(new DateOnly(today.Year, 1, 1), ToDate(new DateOnly(today.Year, 1, 1), today), PeriodKind.Custom, $"{today.Year} to date");
        if (Take(ref text, @"\b(month to date|mtd)\b") is not null) return new DateRange(new DateOnly(today.Year, today.Month, 1), ToDate(new DateOnly(today.Year, today.Month, 1), today), PeriodKind.Custom, "this month");

        // Quarters: "Q3 2025", "Q3", "the third quarter of 2025".
        if ((m = Match(ref text, @"\b(?:in |during |for )?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)(?:\s+(?:of\s+)?(\d{4}))?\b")).Success)
        {
            var q = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : m.Groups[2].Value switch { "first" or "1st" => 1, "second" or "2nd" => 2, "third" or "3rd" => 3, _ => 4 };
            int year;
            if (m.Groups[3].Success) year = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            else year = new DateOnly(today.Year, q * 3 - 2, 1) <= today ? today.Year : today.Year - 1;
            return DateRange.Quarter(new DateOnly(year, q * 3 - 2, 1));
        }

        // "since June", "since June 2025"
        if ((m = Match(ref text, $@"\bsince\s+{MonthPattern}(?:\s+(\d{{4}}))?\b")).Success)
        {
            var start = MonthStart(m.Groups[1].Value, m.Groups[2], today, allowCurrent: true);
            return DateRange.Custom(start, today) with { Label = $"since {start.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)}" };
        }
        if ((m = Match(ref text, @"\bsince\s+(\d{4})\b")).Success)
        {
            var start = new DateOnly(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 1, 1);
            if (start < today) return DateRange.Custom(start, today) with { Label = $"since {start.Year}" };
        }
        // "in June", "June 2025", "for March"
        if ((m = Match(ref text, $@"\b(?:in |during |for |of )?{MonthPattern}(?:\s+(\d{{4}}))?\b")).Success && (m.Groups[2].Success || Regex.IsMatch(m.Value, @"^(in|during|for|of) ") || m.Groups[1].Value.Length > 3 && m.Groups[1].Value != "may"))
        {
            var start = MonthStart(m.Groups[1].Value, m.Groups[2], today, allowCurrent: false);
            return DateRange.Months(start, start.AddMonths(1));
        }
        // "in 2025", "2025"
        if ((m = Match(ref text, @"\b(?:in |during |for )?(20\d{2})\b")).Success)
            return DateRange.Year(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return null;
    }

    private static DateOnly MonthStart(string name, Group year, DateOnly today, bool allowCurrent)
    {
        var month = Array.FindIndex(MonthNames, n => n.StartsWith(name[..3], StringComparison.Ordinal)) + 1;
        if (year.Success) return new DateOnly(int.Parse(year.Value, CultureInfo.InvariantCulture), month, 1);
        var candidate = new DateOnly(today.Year, month, 1);
        // The most recent such month that has begun (and, for "in June", ended).
        var latest = allowCurrent ? candidate <= today : candidate.AddMonths(1) <= today;
        return latest ? candidate : candidate.AddYears(-1);
    }

    /// <summary>A period "to date" ends before today (today's data is not in yet), unless today is its first day.</summary>
    private static DateOnly ToDate(DateOnly start, DateOnly today) => today > start ? today : today.AddDays(1);

    private static int Number(string word) => word switch
    {
        "one" => 1, "two" or "a couple of" => 2, "three" or "a few" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7,
        "eight" => 8, "nine" => 9, "ten" => 10, "eleven" => 11, "twelve" => 12, "fourteen" => 14, "thirty" => 30, "sixty" => 60, "ninety" => 90,
        _ => int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0,
    };

    private static Match Match(ref string text, string pattern)
    {
        var m = Regex.Match(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (m.Success) text = text[..m.Index] + new string(' ', m.Length) + text[(m.Index + m.Length)..];
        return m;
    }

    private static string? Take(ref string text, string pattern)
    {
        var m = Match(ref text, pattern);
        return m.Success ? m.Value : null;
    }
}
