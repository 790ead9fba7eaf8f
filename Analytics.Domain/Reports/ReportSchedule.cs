using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Reports;

/// <summary>
/// How a report recurs, as the execution dialog captures it: <c>daily</c>, <c>weekly</c> on chosen days, <c>monthly</c>
/// on a day of the month, or a <c>cron</c> expression; at a local time in a time zone. Each run covers the previous
/// <see cref="WindowDays"/> days up to the run's day. The jobs layer fires it.
/// </summary>
public sealed partial record ReportSchedule
{
    public string Kind { get; init; } = "daily";
    /// <summary>Local time of day, HH:mm.</summary>
    public string Time { get; init; } = "06:00";
    /// <summary>For weekly schedules: mon, tue, wed, thu, fri, sat, sun.</summary>
    public IReadOnlyList<string> Days { get; init; } = [];
    public int? DayOfMonth { get; init; }
    public string? Cron { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public int WindowDays { get; init; } = 1;
    public bool Paused { get; init; }

    public static readonly string[] Kinds = ["daily", "weekly", "monthly", "cron"];
    public static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex TimePattern();

    public void Validate(string prefix = "schedule")
    {
        var errors = new Dictionary<string, string[]>();
        if (!Kinds.Contains(Kind)) errors[$"{prefix}.kind"] = [$"'{Kind}' is not a schedule; use daily, weekly, monthly or cron."];
        if (Kind != "cron" && !TimePattern().IsMatch(Time ?? "")) errors[$"{prefix}.time"] = ["A time of day as HH:mm (24-hour), e.g. 06:00."];
        if (Kind == "weekly")
        {
            if (Days.Count == 0) errors[$"{prefix}.days"] = ["Choose at least one day of the week."];
            else if (Days.FirstOrDefault(d => !DayNames.Contains(d)) is { } bad) errors[$"{prefix}.days"] = [$"'{bad}' is not a day; use mon, tue, wed, thu, fri, sat or sun."];
        }
        if (Kind == "monthly" && DayOfMonth is not (>= 1 and <= 28))
            errors[$"{prefix}.dayOfMonth"] = ["A day of the month from 1 to 28 (every month has it)."];
        if (Kind == "cron" && (string.IsNullOrWhiteSpace(Cron) || Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is < 6 or > 7))
            errors[$"{prefix}.cron"] = ["A Quartz cron expression of 6 or 7 fields, e.g. '0 0 6 ? * MON-FRI'."];
        if (!TryZone(TimeZone, out _)) errors[$"{prefix}.timeZone"] = [$"'{TimeZone}' is not a time zone; use an IANA name such as Europe/Berlin."];
        if (WindowDays is < 1 or > 366) errors[$"{prefix}.windowDays"] = ["Each run covers 1 to 366 days."];
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    /// <summary>A short description for tables: "Daily at 06:00 (Europe/Berlin)".</summary>
    public string Describe() => Kind switch
    {
        "daily" => $"Daily at {Time} ({TimeZone})",
        "weekly" => $"Weekly on {string.Join(", ", Days.Select(d => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(d)))} at {Time} ({TimeZone})",
        "monthly" => $"Monthly on day {DayOfMonth} at {Time} ({TimeZone})",
        _ => $"Cron {Cron} ({TimeZone})",
    } + (Paused ? ", paused" : "");

    /// <summary>
    /// The first run strictly after <paramref name="after"/>. Runs are wall-clock times in <see cref="TimeZone"/>, so a
    /// weekly 08:00 Europe/Berlin run stays at 08:00 local across daylight-saving changes. A local time skipped by a
    /// spring-forward gap runs when the gap ends; one repeated by a fall-back runs at its first occurrence. Cron schedules
    /// are computed by <paramref name="cron"/> (the jobs layer's cron engine).
    /// </summary>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after, Func<string, TimeZoneInfo, DateTimeOffset, DateTimeOffset?>? cron = null)
    {
        if (!TryZone(TimeZone, out var zone)) return null;
        if (Kind == "cron") return cron?.Invoke(Cron!, zone, after);
        var time = TimeOnly.ParseExact(Time, "HH:mm", CultureInfo.InvariantCulture);
        var localDate = DateOnly.FromDateTime(System.TimeZoneInfo.ConvertTime(after, zone).DateTime);
        for (var i = 0; i < 400; i++)
        {
            var date = localDate.AddDays(i);
            var matches = Kind switch
            {
                "daily" => true,
                "weekly" => Days.Contains(DayNames[((int)date.DayOfWeek + 6) % 7]),
                "monthly" => date.Day == DayOfMonth,
                _ => false,
            };
            if (!matches) continue;
            var at = ToUtc(date.ToDateTime(time), zone);
            if (at > after) return at;
        }
        return null;
    }

    /// <summary>Local wall-clock time to an instant: gaps move forward to where the clock resumes, overlaps take the first occurrence.</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// The window a run fired at <paramref name="fireTime"/> collects, in whole UTC days: weekly runs take the newest ISO
    /// week (Monday to Monday), monthly runs the newest calendar month, daily and cron runs the last
    /// <see cref="WindowDays"/> days — each the newest that ended at least <paramref name="lateData"/> before the run
    /// (AMC holds data up to 48 hours late, so its week closes only after that).
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End) WindowFor(DateTimeOffset fireTime, TimeSpan lateData)
    {
        var ready = fireTime.ToUniversalTime() - lateData;
        var day = new DateTimeOffset(ready.UtcDateTime.Date, TimeSpan.Zero);
        switch (Kind)
        {
            case "weekly":
                var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                return (monday.AddDays(-7), monday);
            case "monthly":
                var first = new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero);
                return (first.AddMonths(-1), first);
            default:
                return (day.AddDays(-WindowDays), day);
        }
    }

    private static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); return true; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException) { zone = TimeZoneInfo.Utc; return false; }
    }
}
