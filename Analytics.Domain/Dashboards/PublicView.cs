using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// What a visitor of a public link asks for: a preset or an explicit range, dimension values to narrow to, and which
/// widgets. Values are kept as sent (an empty value is a request to clear a filter, and is refused, not dropped).
/// </summary>
public sealed record PublicViewRequest(string? Preset = null, DateTimeOffset? Start = null, DateTimeOffset? End = null,
    IReadOnlyDictionary<string, IReadOnlyList<string?>>? Filters = null, IReadOnlyList<string>? WidgetIds = null);

/// <summary>
/// The rule of a public link: it computes only what its published dashboard shows. The saved instances and dimension
/// filters are pinned; a visitor may choose a time preset, an explicit range inside the one the saved time filter
/// resolves to now, narrow a dimension filter to a subset of its saved values (or, for a dimension saved as "all", to
/// any values), and ask for some of the dashboard's widgets. Anything else — any instance filter (the instances are
/// fixed: a public answer names no instance ids to choose from), an empty value, a value outside the saved ones, a
/// dimension that is not a filter of the dashboard, a range outside the saved one, a widget of another dashboard, an
/// unknown parameter (checked where the request is parsed) — is refused with a <see cref="ValidationException"/>
/// naming the request parameter (<c>filter.instance</c>, <c>start</c>, <c>widgets</c>, …). The API and the public
/// page both resolve through here.
/// </summary>
public static class PublicView
{
    /// <summary>The query parameters a public link reads (besides <c>filter.&lt;dimension&gt;</c>).</summary>
    public static readonly IReadOnlyList<string> Parameters = ["preset", "start", "end", "widgets"];

    public const string FilterPrefix = "filter.";

    /// <summary>Checks the request against the published filters and widgets and resolves the filters in force.</summary>
    public static ResolvedFilters Resolve(IReadOnlyList<DashboardFilter> saved, IReadOnlyCollection<string> widgetIds, DateTimeOffset now,
        TimeZoneInfo zone, PublicViewRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var savedView = DashboardFilters.Resolve(saved, now, zone);
        CheckTime(request, savedView, errors);
        var overrides = CheckFilters(saved, request.Filters, errors);
        if (request.WidgetIds is { } wanted)
        {
            var unknown = wanted.Where(w => !widgetIds.Contains(w)).Distinct().ToList();
            if (wanted.Count == 0) errors["widgets"] = ["Name at least one widget of this dashboard, or leave widgets out for all of them."];
            else if (unknown.Count > 0) errors["widgets"] = [$"This dashboard has no widget {string.Join(", ", unknown.Select(u => $"'{u}'"))}."];
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return DashboardFilters.Resolve(saved, now, zone, request.Start, request.End, request.Preset, overrides);
    }

    /// <summary>Whether a visitor may narrow this saved filter at all (the public page offers a control only for these).</summary>
    public static bool CanNarrow(DashboardFilter filter) =>
        filter.Dimension is { } d && d != DashboardFilter.Time && d != DashboardFilter.Instance;

    private static void CheckTime(PublicViewRequest request, ResolvedFilters savedView, Dictionary<string, string[]> errors)
    {
        if (request.Preset is { } preset && !DateRangePresets.Names.Contains(preset))
            errors["preset"] = [$"Unknown preset '{preset}'; use one of {string.Join(", ", DateRangePresets.Names)}."];
        if (request.Start is null && request.End is null) return;
        if (request.Preset is not null)
        {
            errors["preset"] = ["Give a preset or start and end, not both."];
            return;
        }
        if (request.Start is null || request.End is null)
        {
            errors[request.Start is null ? "start" : "end"] = ["Give both start and end, or neither."];
            return;
        }
        var range = $"{savedView.Start:O} to {savedView.End:O}";
        if (request.End <= request.Start) errors["end"] = ["end must be after start."];
        if (request.Start < savedView.Start) errors["start"] = [$"A public link shows {range} at most; start must not be before {savedView.Start:O}."];
        if (request.End > savedView.End) errors["end"] = [$"A public link shows {range} at most; end must not be after {savedView.End:O}."];
    }

    private static Dictionary<string, IReadOnlyList<string?>> CheckFilters(IReadOnlyList<DashboardFilter> saved,
        IReadOnlyDictionary<string, IReadOnlyList<string?>>? requested, Dictionary<string, string[]> errors)
    {
        var overrides = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (dimension, values) in requested ?? new Dictionary<string, IReadOnlyList<string?>>())
        {
            var field = FilterPrefix + dimension;
            var filter = saved.FirstOrDefault(f => string.Equals(f.Dimension, dimension, StringComparison.OrdinalIgnoreCase));
            if (dimension.Equals(DashboardFilter.Time, StringComparison.OrdinalIgnoreCase))
            {
                errors[field] = ["The time range is chosen with preset, or start and end."];
                continue;
            }
            if (dimension.Equals(DashboardFilter.Instance, StringComparison.OrdinalIgnoreCase))
            {
                errors[field] = ["The instances of a public link are fixed by the dashboard."];
                continue;
            }
            if (filter is null)
            {
                errors[field] = [$"'{dimension}' is not a filter of this dashboard; a public link narrows only the dashboard's own filters."];
                continue;
            }
            if (values.Count == 0 || values.Any(string.IsNullOrEmpty))
            {
                errors[field] = ["An empty value would clear the dashboard's filter; a public link can only narrow it to some of its values."];
                continue;
            }
            if (values.Count > NormalizedQuery.MaxFilterValues)
            {
                errors[field] = [$"At most {NormalizedQuery.MaxFilterValues} values."];
                continue;
            }
            var allowed = (filter.Values ?? []).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (allowed.Count > 0 && values.Any(v => !allowed.Contains(v!)))
            {
                errors[field] = ["A public link narrows the dashboard's filter to some of its saved values, never to others."];
                continue;
            }
            overrides[filter.Dimension!] = values.Distinct().ToList();
        }
        return overrides;
    }
}
