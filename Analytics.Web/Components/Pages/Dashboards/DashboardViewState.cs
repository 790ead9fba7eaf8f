using Analytics.Data.Dashboards;
using Analytics.Data.Facts;
using Analytics.Data.Query;
using Analytics.Domain.Dashboards;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>One step of a drill-down: the filter a click added, and the label shown in the breadcrumb.</summary>
public sealed record DrillStep(string Dimension, string Value)
{
    public string Label => $"{Dimension}: {Value}";
}

/// <summary>
/// A dashboard page's filters without a browser: the time range (preset or custom, in the viewer's zone), instances and
/// dimension values, both as edited (pending) and as applied; the drill-down breadcrumb. Filters apply at once, or
/// wait for Apply when the dashboard says so, so changing three filters runs the widgets once.
/// </summary>
public sealed class DashboardViewState
{
    public DashboardViewState(DashboardView dashboard)
    {
        Dashboard = dashboard;
        var time = dashboard.Filters.FirstOrDefault(f => f.Dimension == DashboardFilter.Time);
        _pending = new Selection(time?.Preset ?? (time?.Start is null ? DashboardFilters.DefaultPreset : null), time?.Start, time?.End,
            dashboard.Filters.Where(f => f.Dimension is not null and not DashboardFilter.Time)
                .ToDictionary(f => f.Dimension!, f => (IReadOnlyList<string?>)(f.Values ?? []), StringComparer.OrdinalIgnoreCase));
        Applied = _pending;
    }

    public sealed record Selection(string? Preset, DateTimeOffset? Start, DateTimeOffset? End, IReadOnlyDictionary<string, IReadOnlyList<string?>> Dimensions);

    private Selection _pending;
    private readonly List<DrillStep> _drill = [];

    public DashboardView Dashboard { get; private set; }
    public Selection Applied { get; private set; }
    public Selection Pending => _pending;
    public IReadOnlyList<DrillStep> Drill => _drill;
    public bool ApplyWithButton => Dashboard.Settings.ApplyFiltersWithButton;
    /// <summary>True when edits wait for Apply.</summary>
    public bool HasPendingChanges => !SameSelection(_pending, Applied);

    /// <summary>The saved dashboard changed (another user's save): keep the viewer's own filter choices.</summary>
    public void Replace(DashboardView dashboard) => Dashboard = dashboard;

    /// <summary>Sets a preset; returns true when the widgets should run now.</summary>
    public bool SetPreset(string preset)
    {
        if (!DateRangePresets.Names.Contains(preset)) throw new ArgumentException($"Unknown preset '{preset}'.", nameof(preset));
        return Edit(_pending with { Preset = preset, Start = null, End = null });
    }

    /// <summary>A custom range (whole days in the viewer's zone are the caller's business); end after start.</summary>
    public bool SetRange(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start) throw new ArgumentException("The end of the range must be after its start.", nameof(end));
        return Edit(_pending with { Preset = null, Start = start, End = end });
    }

    /// <summary>Keeps only these values of a dimension (<c>instance</c> for instances); empty clears the filter.</summary>
    public bool SetDimension(string dimension, IReadOnlyList<string?> values)
    {
        var dims = new Dictionary<string, IReadOnlyList<string?>>(_pending.Dimensions, StringComparer.OrdinalIgnoreCase);
        if (values.Count == 0) dims.Remove(dimension);
        else dims[dimension] = values.Distinct().ToList();
        return Edit(_pending with { Dimensions = dims });
    }

    /// <summary>Applies pending edits (the Apply button).</summary>
    public bool Apply()
    {
        if (!HasPendingChanges) return false;
        Applied = _pending;
        return true;
    }

    /// <summary>Drops pending edits.</summary>
    public void Revert() => _pending = Applied;

    /// <summary>A click on a bar or slice: filter the whole dashboard to it, at once (a drill-down is never pending).</summary>
    public bool DrillDown(string dimension, string value)
    {
        if (_drill.Count > 0 && _drill[^1] == new DrillStep(dimension, value)) return false;
        _drill.Add(new DrillStep(dimension, value));
        var dims = new Dictionary<string, IReadOnlyList<string?>>(Applied.Dimensions, StringComparer.OrdinalIgnoreCase) { [dimension] = [value] };
        Applied = Applied with { Dimensions = dims };
        _pending = _pending with { Dimensions = new Dictionary<string, IReadOnlyList<string?>>(_pending.Dimensions, StringComparer.OrdinalIgnoreCase) { [dimension] = [value] } };
        return true;
    }

    /// <summary>The breadcrumb: back to before step <paramref name="keep"/> (0 = the dashboard as it was before any drill).</summary>
    public bool DrillBack(int keep)
    {
        if (keep < 0 || keep >= _drill.Count) return false;
        var removed = _drill.Skip(keep).ToList();
        _drill.RemoveRange(keep, _drill.Count - keep);
        Applied = Applied with { Dimensions = Restore(Applied.Dimensions, removed) };
        _pending = _pending with { Dimensions = Restore(_pending.Dimensions, removed) };
        return true;
    }

    /// <summary>What the widgets run with.</summary>
    public DashboardDataRequest ToRequest() => new(
        Applied.Start, Applied.End, Applied.Start is null ? Applied.Preset : null,
        // Every dimension the dashboard saved is stated, so one removed by the viewer (empty list) clears it instead of falling back to the saved values.
        Dashboard.Filters.Where(f => f.Dimension is not null and not DashboardFilter.Time).Select(f => f.Dimension!)
            .Concat(Applied.Dimensions.Keys).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(d => d, d => Applied.Dimensions.TryGetValue(d, out var v) ? v : (IReadOnlyList<string?>)[], StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The chat side panel's scope: the filters the widgets run with (<paramref name="applied"/>, resolved in the viewer's
    /// <paramref name="zone"/>), so a question asked beside the dashboard answers for what it shows.
    /// </summary>
    public Analytics.Domain.Chat.ChatScope ChatScope(ResolvedFilters applied, TimeZoneInfo zone, DateTimeOffset now) =>
        Analytics.Domain.Chat.ChatScope.FromDashboard(Dashboard.Id, Dashboard.Name, applied, zone, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime));

    /// <summary>The time filter as the dashboard saves it (when an editor saves the view's current range as the default).</summary>
    public IReadOnlyList<DashboardFilter> ToSavedFilters() =>
        [new DashboardFilter(DashboardFilter.Time, null, Applied.Start is null ? Applied.Preset : null, Applied.Start, Applied.End),
         .. Applied.Dimensions.Where(d => d.Value.Count > 0).Select(d => new DashboardFilter(d.Key, d.Value))];

    private IReadOnlyDictionary<string, IReadOnlyList<string?>> Restore(IReadOnlyDictionary<string, IReadOnlyList<string?>> current, List<DrillStep> removed)
    {
        var dims = new Dictionary<string, IReadOnlyList<string?>>(current, StringComparer.OrdinalIgnoreCase);
        foreach (var step in removed)
        {
            // Back to the value before the drill: an earlier step on the same dimension, else the saved filter, else none.
            var earlier = _drill.LastOrDefault(s => s.Dimension.Equals(step.Dimension, StringComparison.OrdinalIgnoreCase));
            var saved = Dashboard.Filters.FirstOrDefault(f => string.Equals(f.Dimension, step.Dimension, StringComparison.OrdinalIgnoreCase));
            if (earlier is not null) dims[step.Dimension] = [earlier.Value];
            else if (saved?.Values is { Count: > 0 } values) dims[step.Dimension] = values;
            else dims.Remove(step.Dimension);
        }
        return dims;
    }

    private bool Edit(Selection next)
    {
        _pending = next;
        if (ApplyWithButton) return false;
        return Apply();
    }

    private static bool SameSelection(Selection a, Selection b) =>
        a.Preset == b.Preset && a.Start == b.Start && a.End == b.End && a.Dimensions.Count == b.Dimensions.Count
        && a.Dimensions.All(d => b.Dimensions.TryGetValue(d.Key, out var v) && v.SequenceEqual(d.Value));
}

/// <summary>
/// Which widgets a data change touches: a fact write refreshes the query widgets whose metrics that dataset answers
/// (and whose instance filter includes its source); an operational write refreshes the widgets of those metric names.
/// </summary>
public static class LiveRefresh
{
    public static IReadOnlyList<string> Affected(IEnumerable<WidgetView> widgets, DataChange change, Catalog catalog, IReadOnlyList<string>? dashboardSources)
    {
        if (dashboardSources is { Count: > 0 } && !dashboardSources.Contains(change.SourceId)) return [];
        var datasetId = change.DatasetId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return widgets.Where(w => w.Config.Query is { } q
                && (q.SourceIds is null || q.SourceIds.Contains(change.SourceId))
                && (q.Metrics ?? []).Any(m => catalog.Metrics.FirstOrDefault(x => x.Name == m.Trim().ToLowerInvariant()) is { } metric && metric.Datasets.Contains(datasetId)))
            .Select(w => w.Id).ToList();
    }

    public static IReadOnlyList<string> Affected(IEnumerable<WidgetView> widgets, MetricsChange change) =>
        widgets.Where(w => w.Config.Series?.MetricName is { } name && change.Names.Contains(name)).Select(w => w.Id).ToList();
}
