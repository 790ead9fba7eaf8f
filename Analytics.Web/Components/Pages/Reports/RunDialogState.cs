using Analytics.Domain;
using Analytics.Domain.Collections;
using Analytics.Domain.Reports;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>
/// The execution dialog's state: a one-off run's time window (presets or custom dates), a recurring schedule, or a
/// backfill period. Windows are whole UTC days, start inclusive, end exclusive, as executions take them.
/// </summary>
public sealed class RunDialogState(DateOnly today)
{
    public const string Last7Days = "last7";
    public const string LastWeek = "lastWeek";
    public const string LastMonth = "lastMonth";
    public const string Custom = "custom";

    public static readonly (string Value, string Text)[] Presets =
        [(Last7Days, "Last 7 days"), (LastWeek, "Last week (Mon–Sun)"), (LastMonth, "Last month"), (Custom, "Custom")];

    public DateOnly Today { get; } = today;

    // Run once
    public string Preset { get; set; } = LastWeek;
    /// <summary>Custom window: first and last day, both inclusive (as people say "from the 1st to the 7th").</summary>
    public DateTime? CustomFrom { get; set; }
    public DateTime? CustomTo { get; set; }

    /// <summary>The window of a one-off run, or errors keyed <c>window.from</c>/<c>window.to</c>.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Window()
    {
        switch (Preset)
        {
            case Last7Days:
                return (Utc(Today.AddDays(-7)), Utc(Today));
            case LastWeek:
                var monday = Today.AddDays(-(((int)Today.DayOfWeek + 6) % 7));
                return (Utc(monday.AddDays(-7)), Utc(monday));
            case LastMonth:
                var first = new DateOnly(Today.Year, Today.Month, 1);
                return (Utc(first.AddMonths(-1)), Utc(first));
        }
        var errors = new Dictionary<string, string[]>();
        if (CustomFrom is null) errors["window.from"] = ["Pick the first day of the window."];
        if (CustomTo is null) errors["window.to"] = ["Pick the last day of the window (it is included)."];
        if (errors.Count == 0 && CustomTo < CustomFrom) errors["window.to"] = ["The last day is before the first; swap them."];
        if (errors.Count == 0 && DateOnly.FromDateTime(CustomFrom!.Value) > Today) errors["window.from"] = ["The window starts in the future; there is no data yet."];
        if (errors.Count > 0) throw new ValidationException(errors);
        return (Utc(DateOnly.FromDateTime(CustomFrom!.Value)), Utc(DateOnly.FromDateTime(CustomTo!.Value).AddDays(1)));
    }

    /// <summary>"2025-01-06 → 2025-01-12 (7 days)", or the reason the window is not valid yet.</summary>
    public string DescribeWindow()
    {
        try
        {
            var (start, end) = Window();
            var days = (int)(end - start).TotalDays;
            return $"{start:yyyy-MM-dd} → {end.AddDays(-1):yyyy-MM-dd} ({days} day{(days == 1 ? "" : "s")}, UTC)";
        }
        catch (ValidationException e)
        {
            return e.Errors.Values.First()[0];
        }
    }

    // Recurring
    public string Kind { get; set; } = "weekly";
    public string Time { get; set; } = "06:00";
    public IEnumerable<string> Days { get; set; } = ["mon"];

    /// <summary>Ticks or unticks one weekday; the days stay in week order (Monday first).</summary>
    public void SetDay(string day, bool on) =>
        Days = ReportSchedule.DayNames.Where(d => d == day ? on : Days.Contains(d)).ToList();
    public int DayOfMonth { get; set; } = 1;
    public string Cron { get; set; } = "0 0 6 ? * MON-FRI";
    public string TimeZone { get; set; } = "UTC";
    public int WindowDays { get; set; } = 1;
    public bool Paused { get; set; }

    public void LoadSchedule(ReportSchedule? schedule)
    {
        if (schedule is null) return;
        Kind = schedule.Kind;
        Time = schedule.Time;
        Days = schedule.Days.ToList();
        DayOfMonth = schedule.DayOfMonth ?? 1;
        Cron = schedule.Cron ?? Cron;
        TimeZone = schedule.TimeZone;
        WindowDays = schedule.WindowDays;
        Paused = schedule.Paused;
    }

    /// <summary>The schedule as the report stores it; validated by the domain's rules (errors keyed <c>schedule.*</c>).</summary>
    public ReportSchedule Schedule()
    {
        var schedule = new ReportSchedule
        {
            Kind = Kind, Time = Time?.Trim() ?? "", TimeZone = TimeZone?.Trim() ?? "", WindowDays = WindowDays, Paused = Paused,
            Days = Kind == "weekly" ? ReportSchedule.DayNames.Where(Days.Contains).ToList() : [],
            DayOfMonth = Kind == "monthly" ? DayOfMonth : null,
            Cron = Kind == "cron" ? Cron?.Trim() : null,
        };
        schedule.Validate();
        return schedule;
    }

    /// <summary>When it would run next (null for cron, which the jobs layer's engine computes), or why it is not valid.</summary>
    public string DescribeSchedule(DateTimeOffset now)
    {
        try
        {
            var schedule = Schedule();
            var next = schedule.NextOccurrence(now);
            var window = next is { } n ? schedule.WindowFor(n, TimeSpan.Zero) : default;
            return next is null
                ? $"{schedule.Describe()}. The scheduler computes cron runs."
                : $"{schedule.Describe()}. First run {next:yyyy-MM-dd HH:mm} UTC, collecting {window.Start:yyyy-MM-dd} → {window.End.AddDays(-1):yyyy-MM-dd}.";
        }
        catch (ValidationException e)
        {
            return e.Errors.Values.First()[0];
        }
    }

    // Backfill
    public DateTime? BackfillFrom { get; set; }
    public DateTime? BackfillTo { get; set; }
    public string Granularity { get; set; } = "week";

    /// <summary>The backfill's segments, split by the same rule data collections use; errors keyed <c>backfill.*</c>.</summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> BackfillSegments()
    {
        var errors = new Dictionary<string, string[]>();
        if (BackfillFrom is null) errors["backfill.from"] = ["Pick the first day to collect."];
        if (BackfillTo is null) errors["backfill.to"] = ["Pick the last day to collect (it is included)."];
        if (errors.Count > 0) throw new ValidationException(errors);
        var end = DateOnly.FromDateTime(BackfillTo!.Value).AddDays(1);
        if (end > Today) errors["backfill.to"] = [$"A backfill collects the past; end it by {Today.AddDays(-1):yyyy-MM-dd}."];
        if (BackfillTo < BackfillFrom) errors["backfill.to"] = ["The last day is before the first; swap them."];
        if (errors.Count > 0) throw new ValidationException(errors);
        try
        {
            return CollectionRules.Split(Utc(DateOnly.FromDateTime(BackfillFrom!.Value)), Utc(end), Granularity);
        }
        catch (ValidationException e)
        {
            throw new ValidationException(e.Errors.ToDictionary(kv => "backfill." + kv.Key, kv => kv.Value));
        }
    }

    /// <summary>The collection to start: the validated period, as [first day, day after the last) in UTC.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) BackfillPeriod()
    {
        var segments = BackfillSegments();
        return (segments[0].Start, segments[^1].End);
    }

    public int MaxConcurrency { get; set; } = 10;

    public string DescribeBackfill()
    {
        try
        {
            var segments = BackfillSegments();
            return $"{segments.Count} {Granularity} segment{(segments.Count == 1 ? "" : "s")}: {segments[0].Start:yyyy-MM-dd} → {segments[^1].End.AddDays(-1):yyyy-MM-dd}.";
        }
        catch (ValidationException e)
        {
            return e.Errors.Values.First()[0];
        }
    }

    private static DateTimeOffset Utc(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
