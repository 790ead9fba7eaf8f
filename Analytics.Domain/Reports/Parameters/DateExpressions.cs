using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Reports.Parameters;

/// <summary>
/// Relative dates, computed against the execution's time window (never the wall clock, so a backfill of week 12 means
/// week 12): <c>window start</c>, <c>window end</c>, <c>last N days|weeks|months</c> (the N units before the window
/// end), <c>previous week|month</c> (the whole calendar unit before the window start; weeks start on Monday),
/// <c>this month</c>, or an ISO date.
/// </summary>
public static partial class DateExpressions
{
    [GeneratedRegex(@"^last\s+(\d{1,3})\s+(day|week|month)s?$", RegexOptions.IgnoreCase)]
    private static partial Regex LastN();

    public static bool TryParseDate(string text, DateSpan window, out DateOnly date)
    {
        var t = Normalize(text);
        switch (t)
        {
            case "window start": date = window.Start; return true;
            case "window end": date = window.End; return true;
        }
        return DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    public static bool TryParseRange(string text, DateSpan window, out DateSpan range)
    {
        var t = Normalize(text);
        var match = LastN().Match(t);
        if (match.Success)
        {
            var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            range = match.Groups[2].Value.ToLowerInvariant() switch
            {
                "day" => new DateSpan(window.End.AddDays(-n), window.End),
                "week" => new DateSpan(window.End.AddDays(-7 * n), window.End),
                _ => new DateSpan(window.End.AddMonths(-n), window.End),
            };
            return n > 0;
        }
        switch (t)
        {
            case "window":
                range = window;
                return true;
            case "previous week":
                var monday = window.Start.AddDays(-(((int)window.Start.DayOfWeek + 6) % 7));
                range = new DateSpan(monday.AddDays(-7), monday);
                return true;
            case "previous month":
                var first = new DateOnly(window.Start.Year, window.Start.Month, 1);
                range = new DateSpan(first.AddMonths(-1), first);
                return true;
            case "this month":
                var start = new DateOnly(window.Start.Year, window.Start.Month, 1);
                range = new DateSpan(start, start.AddMonths(1));
                return true;
        }
        var parts = t.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && TryParseDate(parts[0], window, out var a) && TryParseDate(parts[1], window, out var b) && a < b)
        {
            range = new DateSpan(a, b);
            return true;
        }
        range = default;
        return false;
    }

    private static string Normalize(string text) => Regex.Replace(text.Trim().ToLowerInvariant(), @"\s+", " ");
}
