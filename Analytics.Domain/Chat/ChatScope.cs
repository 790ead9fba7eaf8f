using System.Globalization;
using Analytics.Domain.Dashboards;

namespace Analytics.Domain.Chat;

/// <summary>
/// The filters a question is asked under: those of the dashboard the chat side panel is open on (its date range,
/// instances and dimension values). They apply unless the question says otherwise — a question that names its own
/// period, instance or value of a dimension wins for that part; "all campaigns" or "everything" drops them.
/// </summary>
public sealed record ChatScope
{
    public const int MaxValues = 100;

    public string? DashboardId { get; init; }
    public string? DashboardName { get; init; }
    public DateRange? Range { get; init; }
    public IReadOnlyList<string> SourceIds { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public bool IsEmpty => Range is null && SourceIds.Count == 0 && Filters.Count == 0;

    /// <summary>The scope of a dashboard as shown: its resolved filters (in the viewer's zone), without empty or null values.</summary>
    public static ChatScope FromDashboard(string dashboardId, string dashboardName, ResolvedFilters filters, TimeZoneInfo zone, DateOnly today)
    {
        var start = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(filters.Start, zone).DateTime);
        var end = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(filters.End, zone).DateTime);
        if (end <= start) end = start.AddDays(1);
        return new ChatScope
        {
            DashboardId = dashboardId,
            DashboardName = dashboardName,
            Range = RangeOf(start, end, filters.Preset, today),
            SourceIds = filters.SourceIds ?? [],
            Filters = filters.Dimensions
                .Select(d => (d.Key, Values: (IReadOnlyList<string>)d.Value.OfType<string>().Distinct().ToList()))
                .Where(d => d.Values.Count > 0)
                .ToDictionary(d => d.Key, d => d.Values, StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// A date range named as the planner names its own, so follow-ups step it back by one of the same ("and the month
    /// before?" after a dashboard on last month): whole months, quarters and years by their calendar name, presets of
    /// N days as "the last N days", anything else as custom dates.
    /// </summary>
    public static DateRange RangeOf(DateOnly start, DateOnly end, string? preset, DateOnly today)
    {
        var months = (end.Year - start.Year) * 12 + end.Month - start.Month;
        if (start.Day == 1 && end.Day == 1 && months > 0)
        {
            if (months == 12 && start.Month == 1) return DateRange.Year(start.Year);
            if (months == 3 && start.Month % 3 == 1) return DateRange.Quarter(start);
            return DateRange.Months(start, end);
        }
        if (preset is "lastWeek" or "thisWeek" && end.DayNumber - start.DayNumber == 7)
            return new DateRange(start, end, PeriodKind.Week, $"the week of {start.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}");
        if (preset is not null && preset.StartsWith("last", StringComparison.Ordinal) && preset.EndsWith("days", StringComparison.Ordinal) && end == today)
            return new DateRange(start, end, PeriodKind.Days, $"the last {end.DayNumber - start.DayNumber} days");
        return DateRange.Custom(start, end);
    }

    /// <summary>For people: "February 2026 · demo-contoso · campaign: A, B".</summary>
    public string Describe(Func<string, string>? instanceName = null)
    {
        var parts = new List<string>();
        if (Range is not null) parts.Add(Range.Label);
        if (SourceIds.Count > 0) parts.Add(string.Join(", ", SourceIds.Select(id => instanceName?.Invoke(id) ?? id)));
        foreach (var (dimension, values) in Filters)
            parts.Add($"{dimension.Replace('_', ' ')}: {(values.Count <= 3 ? string.Join(", ", values) : $"{values.Count} values")}");
        return string.Join(" · ", parts);
    }

    /// <summary>Checks what a client sent: at most <see cref="MaxValues"/> values per filter, no empty names; throws naming the field.</summary>
    public ChatScope Validated(string prefix = "context")
    {
        var errors = new Dictionary<string, string[]>();
        if (SourceIds.Count > MaxValues || SourceIds.Any(string.IsNullOrWhiteSpace)) errors[$"{prefix}.sourceIds"] = [$"At most {MaxValues} instance ids, none empty."];
        foreach (var (dimension, values) in Filters)
        {
            if (string.IsNullOrWhiteSpace(dimension) || dimension.Length > 100) errors[$"{prefix}.filters"] = ["A filter names a dimension (at most 100 characters)."];
            else if (values.Count is 0 or > MaxValues || values.Any(v => v is null)) errors[$"{prefix}.filters.{dimension}"] = [$"A filter has 1 to {MaxValues} values (strings)."];
        }
        if (Range is { } r && (r.End <= r.Start || r.Days > 366 * 5)) errors[$"{prefix}.end"] = ["end must be after start (exclusive), at most five years later."];
        if (errors.Count > 0) throw new ValidationException(errors);
        return this;
    }
}
