using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Chat;

/// <summary>How a range was named, so a follow-up ("and the month before?") can step it back by one of the same.</summary>
public enum PeriodKind { Days, Week, Month, Quarter, Year, Custom, Half }

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
        PeriodKind.Half => Half(Start.AddMonths(-6)),
        PeriodKind.Week => WeekOf(Start.AddDays(-7)),
        _ => Custom(Start.AddDays(-Days), Start),
    };

    /// <summary>The same days a year earlier.</summary>
    public DateRange YearEarlier() => Kind switch
    {
        PeriodKind.Month => Months(Start.AddYears(-1), End.AddYears(-1)),
        PeriodKind.Quarter => Quarter(Start.AddYears(-1)),
        PeriodKind.Year => Year(Start.Year - 1),
        PeriodKind.Half => Half(Start.AddYears(-1)),
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

    /// <summary>The half year (January–June or July–December) <paramref name="anyDay"/> falls in: "H2 2025".</summary>
    public static DateRange Half(DateOnly anyDay)
    {
        var start = new DateOnly(anyDay.Year, anyDay.Month <= 6 ? 1 : 7, 1);
        return new DateRange(start, start.AddMonths(6), PeriodKind.Half, $"H{(start.Month == 1 ? 1 : 2)} {start.Year} ({start.ToString("MMM", CultureInfo.InvariantCulture)} – {start.AddMonths(5).ToString("MMM yyyy", CultureInfo.InvariantCulture)})");
    }

    /// <summary>The Monday–Sunday week <paramref name="anyDay"/> falls in.</summary>
    public static DateRange WeekOf(DateOnly anyDay)
    {
        var monday = anyDay.AddDays(-(((int)anyDay.DayOfWeek + 6) % 7));
        return new DateRange(monday, monday.AddDays(7), PeriodKind.Week,
            $"the week of {monday.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} ({monday.ToString("MMM d", CultureInfo.InvariantCulture)} – {monday.AddDays(6).ToString("MMM d", CultureInfo.InvariantCulture)})");
    }

    public static DateRange Year(int year) => new(new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1), PeriodKind.Year, year.ToString(CultureInfo.InvariantCulture));

    public static DateRange Custom(DateOnly start, DateOnly end) =>
        new(start, end, PeriodKind.Custom, end.DayNumber - start.DayNumber == 1
            ? start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)
            : $"{start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} – {end.AddDays(-1).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}");

    public override string ToString() => Label;
}

/// <summary>
/// What the time words of a question said: a range, perhaps a second range to compare with, or a step back from the
/// previous turn. <see cref="Readings"/> holds the likely readings when the words fit more than one (a date written
/// "03/04/2025"), with <see cref="Ambiguous"/> the words themselves; <see cref="Range"/> is then the first reading.
/// </summary>
public sealed record TimeMention(DateRange? Range, DateRange? CompareTo, bool StepBack, bool YearOverYear, bool PeriodOverPeriod,
    IReadOnlyList<DateRange>? Readings = null, string? Ambiguous = null);

/// <summary>The first and last day (inclusive) that have data for the asker.</summary>
public sealed record DataCoverage(DateOnly First, DateOnly Last)
{
    public bool Overlaps(DateRange range) => range.Start <= Last && range.End > First;

    public string Label => $"{First.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} – {Last.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// What a date without a year leans on: the conversation's current period (its year is taken first), else the days
/// that have data (the latest such period that has ended and has data), else just the latest that has ended.
/// </summary>
public sealed record DateContext(DateRange? Current = null, DataCoverage? Coverage = null);

/// <summary>
/// Reads time expressions in analyst English relative to "today" (in the user's zone): "last week" (the previous
/// Monday–Sunday week), "last month", "last three months" (the three whole months before this one), "the last 3 full
/// weeks", "last 30 days" (ending yesterday), "this month" / "month to date", "year to date", "yesterday", "last
/// weekend", "last year", "Q3 2025", "H1 2025", "the second half of 2025", "week 10 of 2025", "2025-W10", "the week
/// of June 2, 2025", "June 2025", "in October", "since June", "June 2, 2025", "2 June 2025", "2025-06-02", "Jun 2",
/// "between March 3 and March 9, 2025", "from Jan 15 to Jan 31, 2026" (both inclusive of the last day),
/// "Jan 15–31, 2026", "same period last year", "month over month", "and the month before?". Weeks run Monday to
/// Sunday; week numbers are ISO 8601. A date or period without a year follows <see cref="DateContext"/>; it is never
/// read as a period that has not started. Matched text is blanked out of the question so later readers do not see it.
/// </summary>
public static partial class ChatTime
{
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    private const string MonthPattern = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    private const string Mon = @"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\b";
    private const string Day = @"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b";
    private const string Weekday = @"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:the\s+)?)?";
    /// <summary>One calendar date in any of the written forms (no groups): ISO, "June 2 2025", "2 June 2025", "Jun 2", "6/2/2025".</summary>
    private const string DatePattern = @"(?:\d{4}-\d{2}-\d{2}\b|" + Weekday + "(?:" + Mon + @"\s+" + Day + @"(?:\s+\d{4}\b)?|" + Day + @"\s+(?:of\s+)?" + Mon + @"(?:\s+\d{4}\b)?)|\d{1,2}/\d{1,2}/\d{4}\b)";
    private const string NumberPattern = @"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty|sixty|ninety|a couple of|a few)";
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    public static TimeMention Parse(ref string text, DateOnly today, DateContext? context = null)
    {
        var reader = new Reader(today, context ?? new DateContext());
        DateRange? range = null, compare = null;
        bool stepBack = false, yoy = false, pop = false;

        if (Take(ref text, @"\b(same (period|time|days|month|week|quarter) (last|a|the previous|previous) year|year[- ]over[- ]year|\byoy\b|vs\.? last year|compared (to|with) last year|than last year)\b") is not null) yoy = true;
        if (Take(ref text, @"\b(month[- ]over[- ]month|\bmom\b)\b") is not null) { pop = true; range ??= LastMonth(today); }
        if (Take(ref text, @"\b(week[- ]over[- ]week|\bwow\b)\b") is not null) { pop = true; range ??= LastWeek(today); }
        if (Take(ref text, @"\b(the|a)? ?(month|week|quarter|year|period|days?) (before|prior|earlier)( that)?\b|\b(the )?(previous|prior|preceding) (one|period)\b") is not null) stepBack = true;
        if (Take(ref text, @"\b(vs\.?|versus|compared (to|with)|against) (the )?(previous|prior|preceding) (period|month|week|quarter|year)\b|\bvs\.? (the )?(month|week|quarter) before\b") is not null) pop = true;

        // Spans with two ends first ("between A and B", "from A to B", "Jan 15–31"): their "and" is not a comparison.
        var between = reader.Span(ref text);
        // Two explicit ranges: "X vs Y".
        var parts = Regex.Split(text, @"\b(?:vs\.?|versus|compared (?:to|with)|against|and)\b");
        var found = new List<DateRange>();
        var rest = new List<string>();
        foreach (var part in parts)
        {
            var p = part;
            var r = reader.One(ref p);
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
        return new TimeMention(range, compare, stepBack, yoy, pop, reader.Readings, reader.Ambiguous);
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

    /// <summary>ISO 8601 week <paramref name="week"/> of <paramref name="year"/> (week 1 holds January 4), or null when the year has no such week.</summary>
    public static DateRange? IsoWeek(int year, int week)
    {
        if (week < 1 || week > System.Globalization.ISOWeek.GetWeeksInYear(year)) return null;
        var monday = DateOnly.FromDateTime(System.Globalization.ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return DateRange.WeekOf(monday) with { Label = $"week {week} of {year} ({monday.ToString("MMM d", CultureInfo.InvariantCulture)} – {monday.AddDays(6).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)})" };
    }

    /// <summary>One parse: today, the context for dates without a year, and the readings of an ambiguous date.</summary>
    private sealed class Reader(DateOnly today, DateContext context)
    {
        public IReadOnlyList<DateRange>? Readings { get; private set; }
        public string? Ambiguous { get; private set; }

        /// <summary>
        /// A period without a year: the conversation's year when that period has started, else the latest year whose
        /// period has ended (or, with <paramref name="begun"/>, started) and has data; else the latest such year.
        /// </summary>
        private DateRange Resolve(Func<int, DateRange?> of, bool begun = false)
        {
            if (context.Current is { } current && of(current.Start.Year) is { } inYear && inYear.Start < today) return inYear;
            DateRange? fallback = null;
            for (var year = today.Year; year >= today.Year - 20; year--)
            {
                if (of(year) is not { } r || (begun ? r.Start >= today : r.End > today)) continue;
                fallback ??= r;
                if (context.Coverage is null || context.Coverage.Overlaps(r)) return r;
            }
            return fallback ?? of(today.Year - 1) ?? DateRange.Year(today.Year - 1);
        }

        /// <summary>"between A and B", "from A to B" (dates or months, B inclusive), "Jan 15–31, 2026".</summary>
        public DateRange? Span(ref string text)
        {
            Match m;
            if ((m = Match(ref text, $@"\b(?:from|between)\s+(?:the\s+)?({DatePattern})\s+(?:to|until|till|through|thru|and|-|–)\s+(?:the\s+)?({DatePattern}|{Day}(?:\s+\d{{4}}\b)?)")).Success)
                return Days(m.Groups[1].Value, m.Groups[2].Value);
            if ((m = Match(ref text, $@"\b({DatePattern})\s+(?:to|until|till|through|thru|-|–)\s+(?:the\s+)?({DatePattern})")).Success)
                return Days(m.Groups[1].Value, m.Groups[2].Value);
            if ((m = Match(ref text, $@"\b(?:from\s+|between\s+)?({Mon})\s+({Day})\s*(?:-|–|to|through|until)\s*({Day})(?:\s+(\d{{4}})\b)?")).Success)
                return Days($"{m.Groups[1].Value} {m.Groups[2].Value}", $"{m.Groups[1].Value} {m.Groups[3].Value} {m.Groups[4].Value}".Trim());
            if ((m = Match(ref text, $@"\b(?:from|between)\s+{MonthPattern}\.?(?:\s+(\d{{4}}))?\s+(?:to|until|till|through|thru|and|-|–)\s+{MonthPattern}\.?(?:\s+(\d{{4}}))?\b")).Success)
            {
                int a = MonthNumber(m.Groups[1].Value), b = MonthNumber(m.Groups[3].Value);
                int? ya = Year(m.Groups[2]), yb = Year(m.Groups[4]) ?? ya;
                ya ??= yb is { } y ? (a <= b ? y : y - 1) : null;
                DateRange? Of(int y1, int y2) => new DateOnly(y1, a, 1) is var s && new DateOnly(y2, b, 1).AddMonths(1) is var e && e > s ? DateRange.Months(s, e) : null;
                if (ya is not null && yb is not null) return Of(ya.Value, yb.Value);
                return Resolve(y => a <= b ? Of(y, y) : Of(y - 1, y));
            }
            return null;
        }

        /// <summary>From one date to another, both inclusive; a missing year is the other end's, else resolved.</summary>
        private DateRange? Days(string from, string to)
        {
            var b = ReadDate(to, null);
            if (b is null)
            {
                // "between June 1 and 15": the day of the first date's month.
                var first = ReadDate(from, null);
                if (first is null || !int.TryParse(Regex.Match(to, @"\d+").Value, CultureInfo.InvariantCulture, out var dayNumber)) return null;
                var yearOfTo = Regex.Match(to, @"\b\d{4}\b");
                b = (first.Value.Month, dayNumber, yearOfTo.Success ? int.Parse(yearOfTo.Value, CultureInfo.InvariantCulture) : first.Value.Year);
            }
            var a = ReadDate(from, null);
            if (a is null) return null;
            var (am, ad, ay) = a.Value;
            var (bm, bd, by) = b.Value;
            var wrap = (am, ad).CompareTo((bm, bd)) > 0;
            DateRange? Of(int yearOfEnd)
            {
                var end = Safe(yearOfEnd, bm, bd);
                var start = Safe(ay ?? (wrap ? yearOfEnd - 1 : yearOfEnd), am, ad);
                return start is { } s && end is { } e && e >= s ? DateRange.Custom(s, e.AddDays(1)) : null;
            }
            if (by is { } y) return Of(y);
            if (ay is { } y2) return Of(wrap ? y2 + 1 : y2);
            return Resolve(Of);
        }

        public DateRange? One(ref string text)
        {
            Match m;
            if ((m = Match(ref text, @"\bsince\s+(\d{4}-\d{2}-\d{2})\b")).Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", out var since) && since < today)
                return DateRange.Custom(since, today);

            if (Take(ref text, @"\b(the )?day before yesterday\b") is not null) return new DateRange(today.AddDays(-2), today.AddDays(-1), PeriodKind.Days, "the day before yesterday");
            if (Take(ref text, @"\byesterday\b") is not null) return new DateRange(today.AddDays(-1), today, PeriodKind.Days, "yesterday");
            if (Take(ref text, @"\btoday\b") is not null) return new DateRange(today, today.AddDays(1), PeriodKind.Days, "today");
            if (Take(ref text, @"\b(?:the\s+)?(?:last|past|previous)\s+weekend\b|\bover\s+the\s+weekend\b") is not null)
            {
                // The latest Saturday–Sunday that has ended (on a Sunday, the one before).
                var sunday = today.AddDays(-((int)today.DayOfWeek == 0 ? 7 : (int)today.DayOfWeek));
                return DateRange.Custom(sunday.AddDays(-1), sunday.AddDays(1)) with { Label = $"last weekend ({sunday.AddDays(-1).ToString("MMM d", CultureInfo.InvariantCulture)} – {sunday.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)})" };
            }

            // Weeks: "the week of June 2, 2025", "week 10 of 2025", "2025-W10".
            if ((m = Match(ref text, $@"\b(?:in\s+|during\s+|for\s+)?(?:the\s+)?week\s+(?:of|starting|beginning|commencing|from)\s+(?:on\s+)?(?:the\s+)?({DatePattern})")).Success
                && ReadDate(m.Groups[1].Value, null) is { } weekOf)
            {
                var (wm, wd, wy) = weekOf;
                return wy is { } y ? Safe(y, wm, wd) is { } d ? DateRange.WeekOf(d) : null : Resolve(y2 => Safe(y2, wm, wd) is { } d2 ? DateRange.WeekOf(d2) : null);
            }
            if ((m = Match(ref text, @"\b(\d{4})-?w(\d{1,2})\b")).Success)
                return IsoWeek(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            if ((m = Match(ref text, @"\b(?:in\s+|during\s+|for\s+)?(?:the\s+)?(?:iso\s+|calendar\s+)?(?:week|wk|cw)\s*#?(\d{1,2})(?:\s+(?:of\s+|in\s+)?(\d{4}))?\b")).Success)
            {
                var week = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                return Year(m.Groups[2]) is { } y ? IsoWeek(y, week) : Resolve(y2 => IsoWeek(y2, week));
            }

            if ((m = Match(ref text, $@"\b(?:in |over |during |for )?(?:the )?(?:last|past|previous|trailing)\s+{NumberPattern}\s+(?:full\s+|complete\s+|whole\s+|calendar\s+)?(days?|weeks?|months?|quarters?|years?)\b")).Success)
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
            if (Take(ref text, @"\b(year to date|year-to-date|ytd)\b") is not null) return new DateRange(new DateOnly(today.Year, 1, 1), ToDate(new DateOnly(today.Year, 1, 1), today), PeriodKind.Custom, $"{today.Year} to date");
            if (Take(ref text, @"\b(quarter to date|quarter-to-date|qtd)\b") is not null)
            {
                var q = DateRange.Quarter(today);
                return q with { End = ToDate(q.Start, today), Kind = PeriodKind.Custom, Label = $"this quarter ({q.Label}) to date" };
            }
            if (Take(ref text, @"\b(month to date|month-to-date|mtd)\b") is not null) return new DateRange(new DateOnly(today.Year, today.Month, 1), ToDate(new DateOnly(today.Year, today.Month, 1), today), PeriodKind.Custom, "this month");

            // Halves: "H1 2025", "2025 H2", "the second half of 2025".
            if ((m = Match(ref text, @"\b()()(\d{4})\s*-?\s*h([12])\b")).Success
                || (m = Match(ref text, @"\b(?:in |during |for |over )?(?:the )?(?:(first|second|1st|2nd|last) half(?: of)?(?: the year)?|h([12]))(?:\s*(?:of\s+)?-?\s*(\d{4}))?\b")).Success)
            {
                var half = m.Groups[2].Success && m.Groups[2].Length > 0 ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
                    : m.Groups[1].Length > 0 ? (m.Groups[1].Value is "first" or "1st" ? 1 : 2)
                    : int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                DateRange Of(int y) => DateRange.Half(new DateOnly(y, half == 1 ? 1 : 7, 1));
                return Year(m.Groups[3]) is { } year ? Of(year) : Resolve(Of);
            }

            // Quarters: "Q3 2025", "2025-Q3", "Q3", "the third quarter of 2025".
            if ((m = Match(ref text, @"\b()()(\d{4})\s*-?\s*q([1-4])\b")).Success
                || (m = Match(ref text, @"\b(?:in |during |for )?(?:the )?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)(?:\s*-?\s*(?:of\s+)?(\d{4}))?\b")).Success)
            {
                var q = m.Groups[1].Length > 0 ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                    : m.Groups[2].Length > 0 ? m.Groups[2].Value switch { "first" or "1st" => 1, "second" or "2nd" => 2, "third" or "3rd" => 3, _ => 4 }
                    : int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                DateRange Of(int y) => DateRange.Quarter(new DateOnly(y, q * 3 - 2, 1));
                return Year(m.Groups[3]) is { } year ? Of(year) : Resolve(Of);
            }

            // "since June", "since June 2025", "since 2025"
            if ((m = Match(ref text, $@"\bsince\s+{MonthPattern}\.?(?:\s+(\d{{4}}))?\b")).Success)
            {
                var month = MonthNumber(m.Groups[1].Value);
                var start = Year(m.Groups[2]) is { } y ? new DateOnly(y, month, 1) : Resolve(y2 => DateRange.Months(new DateOnly(y2, month, 1), new DateOnly(y2, month, 1).AddMonths(1)), begun: true).Start;
                if (start < today) return DateRange.Custom(start, today) with { Label = $"since {start.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)}" };
            }
            if ((m = Match(ref text, @"\bsince\s+(\d{4})\b")).Success)
            {
                var start = new DateOnly(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 1, 1);
                if (start < today) return DateRange.Custom(start, today) with { Label = $"since {start.Year}" };
            }

            // A date written with slashes: unambiguous when one part is over 12; else both readings (month first, then day first).
            if ((m = Match(ref text, @"\b(?:on\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")).Success)
            {
                int x = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), z = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                var year = Year(m.Groups[3]);
                DateRange? DayOf(int month, int day) => year is { } y ? Safe(y, month, day) is { } d ? DateRange.Custom(d, d.AddDays(1)) : null
                    : Safe(today.Year, month, day) is null && Safe(today.Year - 1, month, day) is null ? null : Resolve(y2 => Safe(y2, month, day) is { } d2 ? DateRange.Custom(d2, d2.AddDays(1)) : null);
                var readings = new[] { DayOf(x, z), DayOf(z, x) }.OfType<DateRange>().DistinctBy(r => r.Start).ToList();
                if (readings.Count > 1)
                {
                    Readings = readings;
                    Ambiguous = m.Value.Trim().StartsWith("on ", StringComparison.Ordinal) ? m.Value.Trim()[3..] : m.Value.Trim();
                }
                if (readings.Count > 0) return readings[0];
            }

            // One day: "June 2, 2025", "2 June 2025", "2025-06-02", "on Jun 2".
            if ((m = Match(ref text, $@"\b(?:on\s+|for\s+)?(?:the\s+)?({DatePattern})")).Success && ReadDate(m.Groups[1].Value, null) is { } one)
            {
                var (om, od, oy) = one;
                DateRange? Of(int y) => Safe(y, om, od) is { } d ? DateRange.Custom(d, d.AddDays(1)) : null;
                return oy is { } y ? Of(y) : Resolve(Of);
            }

            // "in June", "June 2025", "for March"
            if ((m = Match(ref text, $@"\b(?:in |during |for |of )?{MonthPattern}\.?(?:\s+(\d{{4}}))?\b")).Success && (m.Groups[2].Success || Regex.IsMatch(m.Value, @"^(in|during|for|of) ") || m.Groups[1].Value.Length > 3 && m.Groups[1].Value != "may"))
            {
                var month = MonthNumber(m.Groups[1].Value);
                DateRange Of(int y) => DateRange.Months(new DateOnly(y, month, 1), new DateOnly(y, month, 1).AddMonths(1));
                return Year(m.Groups[2]) is { } y ? Of(y) : Resolve(Of);
            }
            // "in 2025", "2025"
            if ((m = Match(ref text, @"\b(?:in |during |for )?(20\d{2})\b")).Success)
                return DateRange.Year(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            return null;
        }

        /// <summary>A ISO date: "2025-06-02" → (6, 2, 2025); "June 2nd" → (6, 2, null); "2 June 2025", "6/2/2025" (month first).</summary>
        private static (int Month, int Day, int? Year)? ReadDate(string text, int? year)
        {
            text = text.Trim();
            Match m;
            if ((m = Regex.Match(text, @"^(\d{4})-(\d{2})-(\d{2})$")).Success)
                return (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            if ((m = Regex.Match(text, @"^(\d{1,2})/(\d{1,2})/(\d{4})$")).Success)
                return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            text = Regex.Replace(text, @"^(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:the\s+)?", "", Options);
            if ((m = Regex.Match(text, $@"^{MonthPattern}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(\d{{4}}))?$", Options)).Success
                || (m = Regex.Match(text, $@"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MonthPattern}\.?(?:\s+(\d{{4}}))?$", Options)).Success)
            {
                var monthFirst = char.IsLetter(m.Groups[1].Value[0]);
                var month = MonthNumber(monthFirst ? m.Groups[1].Value : m.Groups[2].Value);
                var day = int.Parse(monthFirst ? m.Groups[2].Value : m.Groups[1].Value, CultureInfo.InvariantCulture);
                return (month, day, Year(m.Groups[3]) ?? year);
            }
            return null;
        }
    }

    private static DateOnly? Safe(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;

    private static int? Year(Group group) => group.Success && group.Length == 4 ? int.Parse(group.Value, CultureInfo.InvariantCulture) : null;

    private static int MonthNumber(string name) => Array.FindIndex(MonthNames, n => n.StartsWith(name.ToLowerInvariant()[..3], StringComparison.Ordinal)) + 1;

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
        var m = Regex.Match(text, pattern, Options);
        if (m.Success) text = text[..m.Index] + new string(' ', m.Length) + text[(m.Index + m.Length)..];
        return m;
    }

    private static string? Take(ref string text, string pattern)
    {
        var m = Match(ref text, pattern);
        return m.Success ? m.Value : null;
    }
}
