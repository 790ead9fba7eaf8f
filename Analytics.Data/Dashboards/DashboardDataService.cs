using System.Diagnostics;
using System.Globalization;
using Analytics.Data.Forecasting;
using Analytics.Data.Operational;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Forecasting;
using Analytics.Domain.Operational;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>A request's filter overrides on top of the dashboard's saved filters (<c>?start=&amp;end=&amp;preset=&amp;filter.&lt;dim&gt;=</c>).</summary>
public sealed record DashboardDataRequest(DateTimeOffset? Start = null, DateTimeOffset? End = null, string? Preset = null,
    IReadOnlyDictionary<string, IReadOnlyList<string?>>? Filters = null, IReadOnlyList<string>? WidgetIds = null);

/// <summary>A KPI card's numbers: the value, the previous period's, the change, and whether the change is good for this metric.</summary>
/// <param name="Anomaly">Set when the card's latest complete day is unusual by the insights' detector (<see cref="KpiAnomalies"/>): what is unusual.</param>
public sealed record KpiValue(string Metric, string Label, string Format, double? Value, double? Previous, double? ChangePercent, bool HigherIsBetter, bool? Good,
    string? Anomaly = null);

/// <param name="Status"><c>ok</c>, <c>error</c>, <c>unavailable</c> (the database is briefly unavailable: computing it again
/// later will work; <see cref="TransientDatabase"/>) or <c>text</c> (nothing to compute).</param>
public sealed record WidgetResult(string WidgetId, string Type, string Status, QueryResult? Result, QueryResult? Previous,
    QueryResult? Sparkline, KpiValue? Kpi, string? Error, double Ms)
{
    /// <summary>A line or area widget's forecast per metric, when its options ask for one (<see cref="WidgetConfig.ShowsForecast"/>).</summary>
    public IReadOnlyList<ForecastResult>? Forecasts { get; init; }

    /// <summary>Set when the widget keeps its own time range (<see cref="WidgetOptions.TimeRange"/>): the range it was computed over.</summary>
    public WidgetTimeRange? OwnTimeRange { get; init; }
}

/// <summary>A widget's own time range as computed: the preset, how it reads ("Last 7 days") and the instants (end exclusive).</summary>
public sealed record WidgetTimeRange(string Preset, string Label, DateTimeOffset Start, DateTimeOffset End);

public sealed record DashboardData(string DashboardId, DateTimeOffset Start, DateTimeOffset End, string? Preset, string TimeZone,
    IReadOnlyList<WidgetResult> Widgets, double Ms);

/// <summary>The context one page view computes widgets in: who, in which zone, under which filters, over which catalog.</summary>
public sealed record WidgetContext(Actor Actor, ResolvedFilters Filters, TimeZoneInfo Zone, Catalog Catalog, bool CompareToPrevious);

/// <summary>
/// Computes dashboard widgets' data through the one semantic layer (<see cref="FactQueryService"/>) or the operational
/// store (<see cref="MetricQueryService"/>), as the person looking (their instance grants filter every row). The
/// dashboard's filters apply to each widget whose data has the filtered dimension; KPI cards also get the previous
/// period and a sparkline. One widget's failure is that widget's error, never the page's.
/// </summary>
public sealed class DashboardDataService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    FactQueryService facts,
    MetricQueryService metrics,
    CatalogService catalog,
    ForecastService forecasts,
    Analytics.Data.Alerts.AlertService alerts,
    TimeProvider clock)
{
    /// <summary>Metrics of one widget that get a forecast (each is its own fit).</summary>
    private const int MaxForecastMetrics = 3;

    private const int Parallelism = 4;

    public async Task<DashboardData> GetAsync(Actor actor, string dashboardId, DashboardDataRequest request, CancellationToken ct)
    {
        var view = await dashboards.GetAsync(actor, dashboardId, ct);
        return await ComputeAsync(actor, view, request, ct);
    }

    public async Task<Actor> OwnerActorAsync(string ownerId, CancellationToken ct)
    {
        if (ownerId == DashboardAccess.WorkspaceOwner) return Actor.System;
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == ownerId && !u.Disabled, ct)
            ?? throw new NotFoundException("Public dashboard", "link");
        var grants = await db.InstanceGrants.AsNoTracking().Where(g => g.UserId == ownerId).Select(g => g.SourceId).ToListAsync(ct);
        return new Actor(user.Id, user.DisplayName, user.Role, grants.ToHashSet());
    }

    public async Task<DashboardData> ComputeAsync(Actor actor, DashboardView view, DashboardDataRequest request, CancellationToken ct)
    {
        var context = await ContextAsync(actor, view, request, ct);
        return await ComputeAsync(context, view, request.WidgetIds, ComputeWidgetAsync, ct);
    }

    /// <summary>The widgets (all, or those named) computed side by side in one context by <paramref name="compute"/>.</summary>
    public async Task<DashboardData> ComputeAsync(WidgetContext context, DashboardView view, IReadOnlyList<string>? widgetIds,
        Func<WidgetContext, WidgetView, CancellationToken, Task<WidgetResult>> compute, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var widgets = view.Widgets.Where(w => widgetIds is null || widgetIds.Contains(w.Id)).ToList();
        var results = new WidgetResult[widgets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, widgets.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) => results[i] = await compute(context, widgets[i], token));
        return new DashboardData(view.Id, context.Filters.Start, context.Filters.End, context.Filters.Preset, context.Zone.Id, results, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Resolves the filters in the viewer's time zone and loads the catalog once for a page view.</summary>
    public async Task<WidgetContext> ContextAsync(Actor actor, DashboardView view, DashboardDataRequest request, CancellationToken ct)
    {
        var zone = await ZoneOfAsync(actor, ct);
        var filters = DashboardFilters.Resolve(view.Filters, clock.GetUtcNow(), zone, request.Start, request.End, request.Preset, request.Filters);
        return await ContextAsync(actor, view, filters, zone, ct);
    }

    /// <summary>A context for filters already resolved (a public link resolves its own, by <see cref="PublicView"/>).</summary>
    public async Task<WidgetContext> ContextAsync(Actor actor, DashboardView view, ResolvedFilters filters, TimeZoneInfo zone, CancellationToken ct)
    {
        foreach (var id in filters.SourceIds ?? []) actor.EnsureCanReadInstance(id);
        return new WidgetContext(actor, filters, zone, await catalog.GetAsync(actor, ct), view.Settings.CompareToPrevious);
    }

    /// <summary>
    /// One widget's data in the page's context; a widget that keeps its own time range (<see cref="WidgetOptions.TimeRange"/>)
    /// is computed over that range, resolved now in the viewer's zone, with the page's other filters (so on screen, in a
    /// public link and in an export alike).
    /// </summary>
    public async Task<WidgetResult> ComputeWidgetAsync(WidgetContext context, WidgetView widget, CancellationToken ct)
    {
        var filters = context.Filters.ForWidget(widget.Config.Options, clock.GetUtcNow(), context.Zone);
        if (ReferenceEquals(filters, context.Filters)) return await ComputeInContextAsync(context, widget, ct);
        var result = await ComputeInContextAsync(context with { Filters = filters }, widget, ct);
        return result with { OwnTimeRange = new WidgetTimeRange(filters.Preset!, DateRangePresets.Label(filters.Preset!), filters.Start, filters.End) };
    }

    private async Task<WidgetResult> ComputeInContextAsync(WidgetContext context, WidgetView widget, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        double Ms() => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var kind = WidgetKinds.Find(widget.Type);
        if (kind is null) return new WidgetResult(widget.Id, widget.Type, "error", null, null, null, null, $"Unknown widget type '{widget.Type}'.", 0);
        if (kind.Data == WidgetData.Text) return new WidgetResult(widget.Id, widget.Type, "text", null, null, null, null, null, 0);
        if (kind.Data == WidgetData.Alerts) return new WidgetResult(widget.Id, widget.Type, "ok", await AlertBoardAsync(context, widget, ct), null, null, null, null, Ms());
        try
        {
            if (widget.Config.Series is { } series) return await SeriesWidgetAsync(context, widget, series, Ms, ct);
            if (widget.Config.Query is not { } query) return new WidgetResult(widget.Id, widget.Type, "error", null, null, null, null, "The widget has no query yet: pick a metric in its settings.", Ms());
            // Pinned only to instances outside the dashboard's instance filter: nothing to show.
            if (Filtered(context, context.Filters, query) is not { } current)
                return new WidgetResult(widget.Id, widget.Type, "ok", new QueryResult([], [], Meta(context, "none")), null, null, null, null, Ms());
            var result = await facts.ExecuteAsync(context.Actor, current, ct);
            QueryResult? previous = null, sparkline = null;
            KpiValue? kpi = null;
            if (kind.Presentation == WidgetPresentation.Card)
            {
                previous = await facts.ExecuteAsync(context.Actor, Filtered(context, context.Filters.Previous(), query)!, ct);
                sparkline = await facts.ExecuteAsync(context.Actor, current with { Granularity = context.Filters.Length.TotalDays > 120 ? "week" : "day", Sort = null, Limit = null, FillEmpty = true }, ct);
                kpi = Kpi(context, query.Metrics![0], result, previous);
                kpi = kpi with { Anomaly = await KpiAnomalies.CheckAsync(facts, context, current, kpi.Label, clock, ct) };
            }
            else if (context.CompareToPrevious && current.Granularity is { } g && g != "none")
            {
                previous = await facts.ExecuteAsync(context.Actor, Filtered(context, context.Filters.Previous(), query)!, ct);
            }
            var forecast = kind.CanForecast && widget.Config.ShowsForecast ? await ForecastsAsync(context, widget, current, ct) : null;
            return new WidgetResult(widget.Id, widget.Type, "ok", result, previous, sparkline, kpi, null, Ms()) { Forecasts = forecast };
        }
        catch (DomainException e) when (e is ValidationException or NotFoundException)
        {
            return new WidgetResult(widget.Id, widget.Type, "error", null, null, null, null, e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message, Ms());
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            return new WidgetResult(widget.Id, widget.Type, Unavailable, null, null, null, null, TransientDatabase.Message, Ms());
        }
    }

    /// <summary>A widget's status while the database is briefly unavailable.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>
    /// A forecast per metric (the first <see cref="MaxForecastMetrics"/>) of a daily or weekly widget without group-by,
    /// learned from the two years before the end of the widget's range (<see cref="ForecastRequest.DefaultHistoryDays"/>), as the viewer. A metric whose
    /// history is too short gets none; the widget still shows its data.
    /// </summary>
    private async Task<IReadOnlyList<ForecastResult>?> ForecastsAsync(WidgetContext context, WidgetView widget, SemanticQuery query, CancellationToken ct)
    {
        if ((query.GroupBy?.Count ?? 0) > 0 || query.TimeRange?.End is not { } end) return null;
        Granularity granularity;
        try { granularity = TimeBuckets.Parse(query.Granularity); }
        catch (ValidationException) { return null; }
        if (granularity is not (Granularity.Day or Granularity.Week)) return null;
        var list = new List<ForecastResult>();
        foreach (var metric in (query.Metrics ?? []).Take(MaxForecastMetrics))
        {
            try
            {
                list.Add(await forecasts.ForecastAsync(context.Actor, new ForecastRequest
                {
                    Metric = metric, Filters = query.Filters, SourceIds = query.SourceIds, TimeZone = context.Zone.Id,
                    Granularity = granularity.ToWire(), Horizon = widget.Config.ForecastHorizon(granularity),
                    TimeRange = new QueryTimeRange(end.AddDays(-ForecastRequest.DefaultHistoryDays), end),
                }, ct, backtest: false));
            }
            catch (ValidationException)
            {
                // Too little history for this metric: no forecast line for it.
            }
        }
        return list;
    }

    /// <summary>The values of a dimension the actor can see in the range, most important first (for filter pickers).</summary>
    public async Task<IReadOnlyList<string>> DimensionValuesAsync(WidgetContext context, string dimension, CancellationToken ct, int limit = 500)
    {
        var dataset = context.Catalog.Datasets.FirstOrDefault(d => d.Dimensions.Any(x => x.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase)) && d.Measures.Count > 0);
        if (dataset is null) return [];
        var measure = dataset.Measures.FirstOrDefault(m => m.Additive)?.Name ?? dataset.Measures[0].Name;
        var query = new SemanticQuery
        {
            Metrics = [measure], GroupBy = [dimension], Limit = limit, Sort = [new QuerySort(measure, Desc: true)],
            TimeRange = new QueryTimeRange(context.Filters.Start, context.Filters.End), SourceIds = context.Filters.SourceIds,
        };
        var result = await facts.ExecuteAsync(context.Actor, query, ct);
        return result.Rows.Select(r => r[0] as string).OfType<string>().ToList();
    }

    /// <summary>The dimensions dashboard filters can use: every dimension of a dataset the actor sees.</summary>
    public static IReadOnlyList<(string Name, string Label)> FilterableDimensions(Catalog catalog) =>
        catalog.Datasets.SelectMany(d => d.Dimensions).GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, g.First().Label)).OrderBy(d => d.Label, StringComparer.OrdinalIgnoreCase).ToList();

    private static SemanticQuery? Filtered(WidgetContext context, ResolvedFilters filters, SemanticQuery query)
    {
        var answering = AnsweringDatasets(context, query);
        return filters.ApplyTo(query, dimension => answering.Any(d => d.Dimensions.Any(x => x.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>
    /// The visible datasets a widget's query reads: its dataset and instances if it names them, having its metrics and
    /// group-by dimensions, one per source as the planner picks them (<see cref="QueryPlanner.OnePerSource"/>).
    /// </summary>
    public static IReadOnlyList<CatalogDataset> AnsweringDatasets(WidgetContext context, SemanticQuery query)
    {
        var metricNames = (query.Metrics ?? []).Select(m => m.Trim().ToLowerInvariant()).ToList();
        var matching = context.Catalog.Datasets
            .Where(d => query.Dataset is null || d.Key.Equals(query.Dataset, StringComparison.OrdinalIgnoreCase) || d.Id == query.Dataset)
            .Where(d => query.SourceIds is null || query.SourceIds.Contains(d.SourceId))
            .Where(d => metricNames.All(m => context.Catalog.Metrics.FirstOrDefault(x => x.Name == m) is not { } metric || metric.Datasets.Contains(d.Id)))
            .Where(d => (query.GroupBy ?? []).All(g => d.Dimensions.Any(x => x.Name.Equals(g, StringComparison.OrdinalIgnoreCase))));
        return QueryPlanner.OnePerSource(matching, d => d.SourceId, d => d.Grain, d => int.Parse(d.Id, CultureInfo.InvariantCulture)).ToList();
    }

    private static KpiValue Kpi(WidgetContext context, string metricName, QueryResult current, QueryResult previous)
    {
        var name = metricName.Trim().ToLowerInvariant();
        var metric = context.Catalog.Metrics.FirstOrDefault(m => m.Name == name);
        double? value = Single(current, name), before = Single(previous, name);
        double? change = value is { } v && before is { } b && b != 0 ? (v - b) / Math.Abs(b) * 100 : null;
        var higherIsBetter = metric?.HigherIsBetter ?? true;
        bool? good = change is { } c && Math.Abs(c) > 0.05 ? (c > 0) == higherIsBetter : null;
        return new KpiValue(name, metric?.Label ?? name, metric?.Format ?? "number", value, before, change, higherIsBetter, good);
    }

    private static double? Single(QueryResult result, string column)
    {
        var index = result.Columns.ToList().FindIndex(c => c.Name == column);
        return index < 0 || result.Rows.Count == 0 ? null : result.Rows[0][index] switch { double d => d, long l => l, int i => i, decimal m => (double)m, _ => null };
    }

    private async Task<WidgetResult> SeriesWidgetAsync(WidgetContext context, WidgetView widget, WidgetSeries series, Func<double> ms, CancellationToken ct)
    {
        var range = new MetricTimeRange(context.Filters.Start, context.Filters.End);
        var aggregation = series.Aggregation ?? "avg";
        if (WidgetKinds.Get(widget.Type).IsSingleValue)
        {
            var agg = Enum.TryParse<MetricAggregation>(aggregation, ignoreCase: true, out var a) ? a : throw new ValidationException("config.series.aggregation", "One of avg, sum, count, min, max, p95, p99.");
            var filters = series.Filters ?? new Dictionary<string, string>();
            var value = await metrics.WindowAggregateAsync(series.MetricName!, filters, agg, context.Filters.Start.ToUnixTimeMilliseconds(), context.Filters.End.ToUnixTimeMilliseconds(), ct);
            var prev = context.Filters.Previous();
            var before = await metrics.WindowAggregateAsync(series.MetricName!, filters, agg, prev.Start.ToUnixTimeMilliseconds(), prev.End.ToUnixTimeMilliseconds(), ct);
            var column = new QueryColumn("value", "number", "metric", widget.Config.Title ?? series.MetricName, "number");
            // No point in the range: no rows (the tile says there is no data), not a row holding nothing.
            var result = new QueryResult([column], value is null ? [] : [[value]], Meta(context, "none"));
            double? change = value is { } v && before is { } b && b != 0 ? (v - b) / Math.Abs(b) * 100 : null;
            var higherIsBetter = !series.MetricName!.Contains("error") && !series.MetricName.Contains("duration") && !series.MetricName.Contains("pending");
            var kpi = new KpiValue("value", widget.Config.Title ?? series.MetricName, "number", value, before, change, higherIsBetter,
                change is { } c && Math.Abs(c) > 0.05 ? (c > 0) == higherIsBetter : null);
            return new WidgetResult(widget.Id, widget.Type, "ok", result, null, null, kpi, null, ms());
        }
        var answer = await metrics.QueryAsync(new MetricQueryRequest
        {
            MetricName = series.MetricName, TimeRange = range, Aggregation = aggregation, Interval = series.Interval,
            GroupBy = series.GroupBy, Filters = series.Filters,
        }, ct);
        return new WidgetResult(widget.Id, widget.Type, "ok", ToQueryResult(context, series, answer, widget.Config.Title), null, null, null, null, ms());
    }

    /// <summary>Operational points as a semantic-layer result: a time column, one column per tag grouped by, and the value.</summary>
    private static QueryResult ToQueryResult(WidgetContext context, WidgetSeries series, MetricQueryResult answer, string? title)
    {
        var groupBy = series.GroupBy ?? [];
        List<QueryColumn> columns = [new(NormalizedQuery.TimeColumn, "time", "time", "Time")];
        columns.AddRange(groupBy.Select(g => new QueryColumn(g, "string", "dimension", g)));
        columns.Add(new QueryColumn(series.MetricName!, "number", "metric", title ?? series.MetricName, "number"));
        var rows = answer.Data.Select(p =>
        {
            var row = new object?[columns.Count];
            row[0] = new DateTimeOffset(DateTime.SpecifyKind(p.Timestamp, DateTimeKind.Utc));
            for (var i = 0; i < groupBy.Count; i++) row[i + 1] = p.Tags.GetValueOrDefault(groupBy[i]);
            row[^1] = p.Value;
            return row;
        }).ToList();
        return new QueryResult(columns, rows, Meta(context, answer.Meta.Interval) with { Rollup = answer.Meta.Resolution, TotalRows = rows.Count });
    }

    /// <summary>An alert widget's rules as a table (so the tile, the PDF, the XLSX and the CSV all show the same rows).</summary>
    private async Task<QueryResult> AlertBoardAsync(WidgetContext context, WidgetView widget, CancellationToken ct)
    {
        var ids = widget.Config.Options?[WidgetKinds.AlertRuleIds] is System.Text.Json.Nodes.JsonArray list
            ? list.Select(i => i?.GetValue<string>()).OfType<string>().ToList()
            : [];
        var rows = await alerts.BoardAsync(context.Actor, ids, ct);
        QueryColumn[] columns =
        [
            new("rule", "string", "dimension", "Rule"), new("state", "string", "dimension", "State"), new("since", "time", "time", "Since"),
            new("last_value", "number", "metric", "Last value", "number"), new("condition", "string", "dimension", "Condition"),
            new("checked", "time", "time", "Checked"),
        ];
        var data = rows.Select(r => new object?[]
        {
            r.Name, r.Enabled ? r.State : "paused", r.Since?.UtcDateTime, r.LastValue, r.Condition, r.LastEvaluatedAt?.UtcDateTime,
        }).ToList();
        return new QueryResult(columns, data, Meta(context, "none") with { TotalRows = data.Count });
    }

    private static QueryMeta Meta(WidgetContext context, string granularity) =>
        new([], "none", "miss", context.Zone.Id, granularity, 1, false, []);

    /// <summary>The time zone <paramref name="actor"/> chose (UTC when none).</summary>
    public async Task<TimeZoneInfo> ZoneOfAsync(Actor actor, CancellationToken ct)
    {
        if (actor.UserId == Actor.System.UserId) return TimeZoneInfo.Utc;
        await using var db = await factory.CreateDbContextAsync(ct);
        var id = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(ct);
        return id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }
}
