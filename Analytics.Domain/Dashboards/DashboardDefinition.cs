using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// A dashboard as clients send and receive it (CONTRACT.md, "Dashboards"): <c>{ name, description, refreshSeconds,
/// filters, settings, folderId, widgets: [{ id, type, position: { x, y, w, h }, config: { query | series, title, options } }] }</c>.
/// <see cref="Validate"/> checks it whole and names every field at fault.
/// </summary>
public sealed record DashboardDefinition
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public int? RefreshSeconds { get; init; }
    public IReadOnlyList<DashboardFilter>? Filters { get; init; }
    public DashboardSettings? Settings { get; init; }
    public string? FolderId { get; init; }
    public IReadOnlyList<WidgetDefinition>? Widgets { get; init; }
    /// <summary>On update: the version the editor started from; a newer stored version means someone else saved in between.</summary>
    public int? Version { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly int[] RefreshChoices = [0, 10, 30, 60, 300, 900, 1800, 3600];

    /// <summary>Validates; returns the widgets with ids (new ones get fresh ids) and positions clamped to nothing: bad positions are errors.</summary>
    public void Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name)) errors["name"] = ["Required: a name for the dashboard."];
        else if (Name.Trim().Length > 200) errors["name"] = ["At most 200 characters."];
        if ((Description ?? "").Length > 2000) errors["description"] = ["At most 2,000 characters."];
        if (RefreshSeconds is { } r && !RefreshChoices.Contains(r))
            errors["refreshSeconds"] = [$"One of {string.Join(", ", RefreshChoices)} (0 = off)."];
        var filters = Filters ?? [];
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i].Problem() is { } problem) errors[$"filters[{i}]"] = [problem];
        }
        var widgets = Widgets ?? [];
        if (widgets.Count > Dashboard.MaxWidgets) errors["widgets"] = [$"At most {Dashboard.MaxWidgets} widgets on one dashboard."];
        var ids = new HashSet<string>();
        for (var i = 0; i < widgets.Count; i++)
        {
            var w = widgets[i];
            if (w.Id is { } id && !ids.Add(id)) errors[$"widgets[{i}].id"] = [$"Widget id '{id}' appears twice."];
            foreach (var (field, message) in w.Problems()) errors[$"widgets[{i}].{field}"] = [message];
        }
        for (var i = 0; i < widgets.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (widgets[i].Position is { } a && widgets[j].Position is { } b && a.Overlaps(b) && !errors.ContainsKey($"widgets[{i}].position"))
                    errors[$"widgets[{i}].position"] = [$"Overlaps widgets[{j}] ({b}); move it to free cells."];
            }
        }
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

public sealed record WidgetPosition(int X, int Y, int W, int H)
{
    public bool Overlaps(WidgetPosition o) => X < o.X + o.W && o.X < X + W && Y < o.Y + o.H && o.Y < Y + H;

    public override string ToString() => $"x {X}, y {Y}, w {W}, h {H}";
}

public sealed record WidgetDefinition
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public WidgetPosition? Position { get; init; }
    public WidgetConfig? Config { get; init; }

    public const int MaxHeight = 40;

    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (Id is { } id && (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            yield return ("id", "Letters, digits, '-' and '_', at most 64.");
        var kind = WidgetKinds.Find(Type);
        if (kind is null)
        {
            yield return ("type", $"Required: one of {string.Join(", ", WidgetKinds.All.Select(k => k.Name))}.");
            yield break;
        }
        if (Position is not { } p) yield return ("position", "Required: { x, y, w, h } on the 12-column grid.");
        else if (p.X < 0 || p.Y < 0 || p.W < kind.MinW || p.H < kind.MinH || p.X + p.W > Dashboard.GridColumns || p.H > MaxHeight || p.Y > 10_000)
            yield return ("position", $"Must fit the 12-column grid: x ≥ 0, y ≥ 0, x + w ≤ 12, w ≥ {kind.MinW}, {kind.MinH} ≤ h ≤ {MaxHeight} for a {kind.Label.ToLowerInvariant()} (got {p}).");
        var config = Config ?? new WidgetConfig();
        if ((config.Title ?? "").Length > 200) yield return ("config.title", "At most 200 characters.");
        if (kind.Data == WidgetData.Alerts)
        {
            var ids = config.Options?[WidgetKinds.AlertRuleIds];
            if (ids is not null && (ids is not JsonArray list || list.Any(i => i is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
                yield return ($"config.options.{WidgetKinds.AlertRuleIds}", "A list of alert rule ids (empty: every rule the viewer can see).");
            else if (ids is JsonArray { Count: > WidgetKinds.MaxAlertRules })
                yield return ($"config.options.{WidgetKinds.AlertRuleIds}", $"At most {WidgetKinds.MaxAlertRules} rules.");
            yield break;
        }
        if (kind.Data == WidgetData.Text)
        {
            var markdown = config.Options?["markdown"];
            if (markdown is not null && markdown.GetValueKind() != JsonValueKind.String) yield return ("config.options.markdown", "Markdown text, as a string.");
            else if ((markdown?.GetValue<string>() ?? "").Length > 20_000) yield return ("config.options.markdown", "At most 20,000 characters.");
            yield break;
        }
        foreach (var problem in WidgetOptions.Problems(kind, config.Options)) yield return problem;
        if (config.Query is null && config.Series is null)
        {
            yield return ("config.query", "Required: what the widget shows, as a /query body (or an operational metric as config.series).");
            yield break;
        }
        if (config.Query is not null && config.Series is not null)
        {
            yield return ("config", "Give either query (facts) or series (operational metrics), not both.");
            yield break;
        }
        if (config.Series is { } s)
        {
            if (!kind.AcceptsSeries) yield return ("config.series", $"A {kind.Label.ToLowerInvariant()} cannot show an operational metric; use a line, area, bar, KPI, gauge or table.");
            if (string.IsNullOrWhiteSpace(s.MetricName)) yield return ("config.series.metricName", "Required: the operational metric's name.");
            yield break;
        }
        string? shapeError = null;
        var valueFilterErrors = new List<(string, string)>();
        try
        {
            NormalizedQuery.From(config.Query! with { TimeRange = config.Query!.TimeRange ?? new QueryTimeRange(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)) }, "UTC");
        }
        catch (ValidationException v)
        {
            // Value filters have fields of their own in the builder: their errors keep their keys (config.query.having[0].value).
            valueFilterErrors.AddRange(v.Errors.Where(e => e.Key.StartsWith("having", StringComparison.Ordinal)).Select(e => ($"config.query.{e.Key}", string.Join(" ", e.Value))));
            var rest = v.Errors.Where(e => !e.Key.StartsWith("having", StringComparison.Ordinal)).ToList();
            if (rest.Count > 0) shapeError = string.Join(" ", rest.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        }
        foreach (var problem in valueFilterErrors) yield return problem;
        if (shapeError is not null) yield return ("config.query", shapeError);
        else if (valueFilterErrors.Count > 0) yield break;
        else if (kind.Check(WidgetKinds.ShapeOf(config.Query!)) is { } problem) yield return ("config.query", problem);
    }
}

/// <summary>A widget's settings: <c>query</c> (a /query body) or <c>series</c> (an operational metric), a title, and kind-specific options.</summary>
public sealed record WidgetConfig
{
    public SemanticQuery? Query { get; init; }
    public WidgetSeries? Series { get; init; }
    public string? Title { get; init; }
    /// <summary>Kind-specific: stacked, horizontal, markdown, min/max/thresholds, conditional formats, pageSize, …</summary>
    public JsonObject? Options { get; init; }

    public static WidgetConfig Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<WidgetConfig>(json, DashboardDefinition.Json) ?? new WidgetConfig();
        }
        catch (JsonException)
        {
            return new WidgetConfig();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, DashboardDefinition.Json);

    public bool Option(string name, bool fallback = false) =>
        Options?[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    /// <summary>The option that draws a forecast and its band after the last actual point (line and area widgets).</summary>
    public const string ShowForecastOption = "showForecast";

    /// <summary>The option that sets how many buckets ahead the forecast goes (default: see <see cref="ForecastHorizon"/>).</summary>
    public const string ForecastHorizonOption = "forecastHorizon";

    public bool ShowsForecast => Option(ShowForecastOption);

    /// <summary>Buckets ahead for a widget's forecast: the option, else 14 days or 8 weeks.</summary>
    public int ForecastHorizon(Analytics.Domain.Query.Granularity granularity)
    {
        var max = granularity == Analytics.Domain.Query.Granularity.Week ? Forecasting.ForecastRequest.MaxWeekHorizon : Forecasting.ForecastRequest.MaxDayHorizon;
        var fallback = granularity == Analytics.Domain.Query.Granularity.Week ? 8 : 14;
        return Options?[ForecastHorizonOption] is JsonValue v && v.TryGetValue<int>(out var h) ? Math.Clamp(h, 1, max) : fallback;
    }
}

/// <summary>An operational metric for a widget: <c>POST /metrics/query</c> without the time range (the dashboard's applies).</summary>
public sealed record WidgetSeries(string? MetricName, string? Aggregation = null, string? Interval = null,
    IReadOnlyList<string>? GroupBy = null, IReadOnlyDictionary<string, string>? Filters = null);

/// <summary>Per-dashboard behaviour: lazy loading, how filters apply, compare to the previous period.</summary>
public sealed record DashboardSettings
{
    /// <summary>Widgets load as they scroll into view; off for printing and searching the page.</summary>
    public bool LazyLoad { get; init; } = true;
    /// <summary>Filter changes wait for an Apply button instead of running at once (slow dashboards).</summary>
    public bool ApplyFiltersWithButton { get; init; }
    /// <summary>Charts and tables also get the previous period of the same length; KPI cards always compare.</summary>
    public bool CompareToPrevious { get; init; }

    public static DashboardSettings Parse(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? new DashboardSettings() : JsonSerializer.Deserialize<DashboardSettings>(json, DashboardDefinition.Json) ?? new DashboardSettings();
        }
        catch (JsonException)
        {
            return new DashboardSettings();
        }
    }
}
