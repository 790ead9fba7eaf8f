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

    private static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); return true; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException) { zone = TimeZoneInfo.Utc; return false; }
    }
}
