using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// One global filter of a dashboard. <c>time</c> takes a <see cref="Preset"/> or <see cref="Start"/>/<see cref="End"/>;
/// <c>instance</c> takes source ids; any other dimension takes the values to keep (an empty list keeps everything).
/// </summary>
public sealed record DashboardFilter(string? Dimension, IReadOnlyList<string?>? Values = null, string? Preset = null,
    DateTimeOffset? Start = null, DateTimeOffset? End = null)
{
    public const string Time = "time";
    public const string Instance = "instance";

    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Dimension)) return "Required: dimension (time, instance, or a dimension name such as campaign).";
        if (Dimension == Time)
        {
            if (Preset is not null && !DateRangePresets.Names.Contains(Preset)) return $"Unknown preset '{Preset}'; use one of {string.Join(", ", DateRangePresets.Names)}.";
            if (Preset is null && (Start is null || End is null)) return "A time filter needs a preset or both start and end.";
            if (Preset is null && End <= Start) return "end must be after start.";
            return null;
        }
        if ((Values?.Count ?? 0) > NormalizedQuery.MaxFilterValues) return $"At most {NormalizedQuery.MaxFilterValues} values.";
        return null;
    }
}

/// <summary>Filters in force for one request: the time range (start inclusive, end exclusive), instances and dimension values.</summary>
public sealed record ResolvedFilters(DateTimeOffset Start, DateTimeOffset End, string? Preset, IReadOnlyList<string>? SourceIds,
    IReadOnlyDictionary<string, IReadOnlyList<string?>> Dimensions)
{
    public TimeSpan Length => End - Start;

    /// <summary>
    /// The filters a widget computes under: the same instances and dimension values, over the widget's own time range
    /// (<see cref="WidgetOptions.TimeRange"/>, resolved now in <paramref name="zone"/>) when it keeps one, else these.
    /// </summary>
    public ResolvedFilters ForWidget(JsonObject? options, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (WidgetOptions.OwnTimeRange(options) is not { } preset) return this;
        var (start, end) = DateRangePresets.Resolve(preset, now, zone);
        return this with { Start = start, End = end, Preset = preset };
    }

    /// <summary>The period of the same length just before this one.</summary>
    public ResolvedFilters Previous() => this with { Start = Start - Length, End = Start, Preset = null };

    /// <summary>
    /// The widget's query under these filters: the dashboard's time range, instances and those dimension filters the
    /// widget's data has (<paramref name="hasDimension"/>); a widget's own filters on the same dimension narrow further.
    /// Null when the widget pins only instances outside the dashboard's instance filter: it has nothing to show (an empty
    /// list of instances would read every instance the reader can see).
    /// </summary>
    public SemanticQuery? ApplyTo(SemanticQuery query, Func<string, bool> hasDimension)
    {
        var filters = new Dictionary<string, IReadOnlyList<string?>>(query.Filters ?? new Dictionary<string, IReadOnlyList<string?>>(), StringComparer.OrdinalIgnoreCase);
        foreach (var (dimension, values) in Dimensions)
        {
            if (values.Count == 0 || !hasDimension(dimension)) continue;
            filters[dimension] = filters.TryGetValue(dimension, out var own) ? own.Intersect(values).ToList() : values;
        }
        var sources = query.SourceIds;
        if (SourceIds is { Count: > 0 }) sources = sources is null ? SourceIds : sources.Intersect(SourceIds).ToList();
        if (query.SourceIds is { Count: > 0 } && sources is { Count: 0 }) return null;
        return query with { TimeRange = new QueryTimeRange(Start, End), Filters = filters, SourceIds = sources };
    }
}

public static class DashboardFilters
{
    public const string DefaultPreset = "last30days";

    public static IReadOnlyList<DashboardFilter> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
                return JsonSerializer.Deserialize<List<DashboardFilter>>(json, DashboardDefinition.Json) ?? [];
            // An early shape: { "timeRange": { "preset": … } }.
            if (doc.RootElement.TryGetProperty("timeRange", out var tr) && tr.TryGetProperty("preset", out var p))
                return [new DashboardFilter(DashboardFilter.Time, Preset: p.GetString())];
        }
        catch (JsonException)
        {
        }
        return [];
    }

    public static string ToJson(IReadOnlyList<DashboardFilter> filters) => JsonSerializer.Serialize(filters, DashboardDefinition.Json);

    /// <summary>
    /// The dashboard's filters with a request's overrides on top (<paramref name="overrides"/> replace a dimension's
    /// values; <paramref name="start"/>/<paramref name="end"/> or <paramref name="preset"/> replace the time range).
    /// </summary>
    public static ResolvedFilters Resolve(IReadOnlyList<DashboardFilter> saved, DateTimeOffset now, TimeZoneInfo zone,
        DateTimeOffset? start = null, DateTimeOffset? end = null, string? preset = null,
        IReadOnlyDictionary<string, IReadOnlyList<string?>>? overrides = null)
    {
        var time = saved.FirstOrDefault(f => f.Dimension == DashboardFilter.Time);
        string? usedPreset = null;
        (DateTimeOffset Start, DateTimeOffset End) range;
        if (start is not null || end is not null)
        {
            if (start is null || end is null) throw new ValidationException(start is null ? "start" : "end", "Give both start and end, or neither.");
            if (end <= start) throw new ValidationException("end", "end must be after start.");
            range = (start.Value, end.Value);
        }
        else if (preset is not null)
        {
            range = DateRangePresets.Resolve(preset, now, zone);
            usedPreset = preset;
        }
        else if (time is { Preset: { } p })
        {
            range = DateRangePresets.Resolve(p, now, zone);
            usedPreset = p;
        }
        else if (time is { Start: { } s, End: { } e }) range = (s, e);
        else
        {
            range = DateRangePresets.Resolve(DefaultPreset, now, zone);
            usedPreset = DefaultPreset;
        }

        var dimensions = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string>? sources = null;
        foreach (var f in saved.Where(f => f.Dimension is not null and not DashboardFilter.Time))
        {
            if (f.Dimension == DashboardFilter.Instance) sources = (f.Values ?? []).OfType<string>().ToList();
            else dimensions[f.Dimension!] = f.Values ?? [];
        }
        foreach (var (dimension, values) in overrides ?? new Dictionary<string, IReadOnlyList<string?>>())
        {
            if (dimension == DashboardFilter.Instance) sources = values.OfType<string>().ToList();
            else dimensions[dimension] = values;
        }
        return new ResolvedFilters(range.Start, range.End, usedPreset, sources is { Count: > 0 } ? sources : null, dimensions);
    }
}

/// <summary>
/// Relative date ranges as analysts say them, in the user's time zone; whole days, start inclusive, end exclusive.
/// "Last N days" are the N complete days before today (daily data for today is incomplete), as Metabase's "previous N days".
/// </summary>
public static class DateRangePresets
{
    public static readonly IReadOnlyList<string> Names =
        ["today", "yesterday", "last7days", "last14days", "last30days", "last90days", "thisWeek", "lastWeek", "thisMonth", "lastMonth",
         "thisQuarter", "lastQuarter", "thisYear", "lastYear", "last12months"];

    public static string Label(string preset) => preset switch
    {
        "today" => "Today", "yesterday" => "Yesterday", "last7days" => "Last 7 days", "last14days" => "Last 14 days",
        "last30days" => "Last 30 days", "last90days" => "Last 90 days", "thisWeek" => "This week", "lastWeek" => "Last week",
        "thisMonth" => "This month", "lastMonth" => "Last month", "thisQuarter" => "This quarter", "lastQuarter" => "Last quarter",
        "thisYear" => "This year", "lastYear" => "Last year", "last12months" => "Last 12 months", _ => preset,
    };

    public static (DateTimeOffset Start, DateTimeOffset End) Resolve(string preset, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var month = new DateOnly(today.Year, today.Month, 1);
        var quarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var year = new DateOnly(today.Year, 1, 1);
        var (from, to) = preset switch
        {
            "today" => (today, today.AddDays(1)),
            "yesterday" => (today.AddDays(-1), today),
            "last7days" => (today.AddDays(-7), today),
            "last14days" => (today.AddDays(-14), today),
            "last30days" => (today.AddDays(-30), today),
            "last90days" => (today.AddDays(-90), today),
            "thisWeek" => (monday, monday.AddDays(7)),
            "lastWeek" => (monday.AddDays(-7), monday),
            "thisMonth" => (month, month.AddMonths(1)),
            "lastMonth" => (month.AddMonths(-1), month),
            "thisQuarter" => (quarter, quarter.AddMonths(3)),
            "lastQuarter" => (quarter.AddMonths(-3), quarter),
            "thisYear" => (year, year.AddYears(1)),
            "lastYear" => (year.AddYears(-1), year),
            "last12months" => (month.AddMonths(-12), month),
            _ => throw new ValidationException("preset", $"Unknown preset '{preset}'; use one of {string.Join(", ", Names)}."),
        };
        return (Midnight(from, zone), Midnight(to, zone));
    }

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a DST change starts the day at the first valid instant after it.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
