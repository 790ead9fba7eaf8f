using Analytics.Data.Collections;
using Analytics.Domain;
using Analytics.Domain.Collections;

namespace Analytics.Web.Components.Pages.Collections;

/// <summary>A ready-made period for a backfill, computed from "now" so it ends at the last closed day, week or month.</summary>
public sealed record BackfillPreset(string Key, string Label, string Granularity, Func<DateTimeOffset, (DateTime Start, DateTime End)> Period)
{
    public static IReadOnlyList<BackfillPreset> All { get; } =
    [
        new("4w", "Last 4 weeks", "week", now => Weeks(now, 4)),
        new("13w", "Last 13 weeks", "week", now => Weeks(now, 13)),
        new("52w", "Last 52 weeks", "week", now => Weeks(now, 52)),
        new("30d", "Last 30 days", "day", now => (Today(now).AddDays(-30), Today(now))),
        new("12m", "Last 12 months", "month", now => (MonthStart(now).AddMonths(-12), MonthStart(now))),
    ];

    private static DateTime Today(DateTimeOffset now) => now.UtcDateTime.Date;

    /// <summary>The start of the current ISO week (Monday, UTC): the end of the last closed week.</summary>
    public static DateTime WeekStart(DateTimeOffset now) => Today(now).AddDays(-(((int)now.UtcDateTime.DayOfWeek + 6) % 7));

    private static DateTime MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    private static (DateTime, DateTime) Weeks(DateTimeOffset now, int weeks) => (WeekStart(now).AddDays(-7 * weeks), WeekStart(now));
}

/// <summary>
/// The "New backfill" dialog's form: the first and the last day to collect, both inclusive, as UTC calendar days (the
/// service takes an exclusive end: the day after the last), presets, and a preview of the segments it would make. The
/// service validates; this only shapes the input.
/// </summary>
public sealed class BackfillForm
{
    public static readonly string[] Granularities = CollectionRules.Granularities;

    public string? ReportId { get; set; }
    public DateTime? Start { get; set; }
    /// <summary>The last day collected (inclusive).</summary>
    public DateTime? LastDay { get; set; }
    public string Granularity { get; set; } = "week";
    public int? MaxConcurrency { get; set; } = 10;
    public string? Preset { get; private set; }

    public static BackfillForm Default(DateTimeOffset now)
    {
        var form = new BackfillForm();
        form.Apply("52w", now);
        return form;
    }

    public void Apply(string presetKey, DateTimeOffset now)
    {
        var preset = BackfillPreset.All.First(p => p.Key == presetKey);
        var (start, end) = preset.Period(now);
        (Start, LastDay) = (start, end.AddDays(-1));
        Granularity = preset.Granularity;
        Preset = presetKey;
    }

    /// <summary>Editing a date or the granularity by hand leaves the preset.</summary>
    public void Edited() => Preset = null;

    /// <summary>The first day as typed or picked; only a different day leaves the preset (the picker echoes the value it was given).</summary>
    public void SetStart(DateTime? day)
    {
        if (day?.Date == Start?.Date) return;
        Start = day;
        Edited();
    }

    /// <summary>The last day as typed or picked; only a different day leaves the preset.</summary>
    public void SetLastDay(DateTime? day)
    {
        if (day?.Date == LastDay?.Date) return;
        LastDay = day;
        Edited();
    }

    /// <summary>The granularity as chosen; only a different one leaves the preset.</summary>
    public void SetGranularity(string granularity)
    {
        if (granularity == Granularity) return;
        Granularity = granularity;
        Edited();
    }

    /// <summary>The instant after the period: midnight after the last day.</summary>
    public DateTimeOffset? End => Utc(LastDay?.AddDays(1));

    public CollectionInput ToInput() => new(ReportId, Utc(Start), End, Granularity, MaxConcurrency);

    /// <summary>"52 week segments, 10 at once" — or why the period cannot be split (the service says the same on create).</summary>
    public string Preview()
    {
        if (Start is null || LastDay is null) return "Choose the first and the last day.";
        try
        {
            var n = CollectionRules.Split(Utc(Start)!.Value, End!.Value, Granularity).Count;
            return $"{n} {Granularity} segment{(n == 1 ? "" : "s")}, at most {MaxConcurrency ?? 10} at once.";
        }
        catch (ValidationException e)
        {
            return string.Join(" ", e.Errors.Values.SelectMany(m => m));
        }
    }

    private static DateTimeOffset? Utc(DateTime? day) =>
        day is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Unspecified), TimeSpan.Zero) : null;
}
