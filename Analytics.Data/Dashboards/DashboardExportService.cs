using System.Diagnostics;
using Analytics.Data.Exports;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Exports;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>
/// What to export: the format, the filters (as for widget data), one widget or all, and page options; or, with
/// <paramref name="Underlying"/>, the stored rows the widgets are computed from (csv or xlsx, see <see cref="UnderlyingRows"/>).
/// </summary>
public sealed record DashboardExportRequest(string? Format, DashboardDataRequest Data, string? WidgetId = null,
    ExportPageOptions? Page = null, bool Summary = false, bool Underlying = false);

/// <summary>A rendered dashboard export: the document (for an e-mail's text) and the file; disposing deletes the file.</summary>
public sealed record RenderedExport(ExportDocument Document, ExportFile File, string? RecordId) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => File.DisposeAsync();
}

/// <summary>
/// A dashboard (or one of its widgets) as an export file: its widgets computed as the viewer sees them — their instance
/// grants, the dashboard's filters or the request's — mapped onto <see cref="ExportDocument"/> and rendered by
/// <see cref="ExportService"/>. The same path serves the API, the page's download menu and scheduled deliveries, and
/// every export it makes is written to the export history (<see cref="ExportRecorder"/>) — failed ones too, once the
/// dashboard is known (a bad format or a dashboard the caller cannot open is refused before any work and not recorded).
/// </summary>
public sealed class DashboardExportService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardDataService data,
    UnderlyingRows underlying,
    ExportService exports,
    ExportRecorder recorder,
    TimeProvider clock)
{
    /// <summary>A one-off download (page menu, widget menu, API), recorded with trigger <c>download</c>.</summary>
    public async Task<ExportFile> ExportAsync(Actor actor, string dashboardId, DashboardExportRequest request, CancellationToken ct) =>
        (await RenderAsync(actor, dashboardId, request, ExportOrigin.Download, ct)).File;

    /// <summary>Renders and records the export as <paramref name="origin"/> says it was asked for.</summary>
    public async Task<RenderedExport> RenderAsync(Actor actor, string dashboardId, DashboardExportRequest request, ExportOrigin origin, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (string.IsNullOrWhiteSpace(request.WidgetId)) request = request with { WidgetId = null }; // `widget=` means the whole dashboard
        // A bad format is a 400 before any query runs; underlying rows come only as tables.
        var format = (request.Underlying ? exports.SheetWriter(request.Format) : exports.Writer(request.Format)).Format;
        if (request.Underlying && request.WidgetId is not null) throw new ValidationException("widget", "Underlying rows are the whole dashboard's: leave widget out.");
        var view = await dashboards.GetAsync(actor, dashboardId, ct);
        var record = new ExportRecord
        {
            Id = Ids.New(), UserId = actor.UserId, DashboardId = view.Id, DashboardName = view.Name, WidgetId = request.WidgetId,
            WidgetTitle = request.WidgetId is { } w ? view.Widgets.FirstOrDefault(x => x.Id == w) is { } widget ? TitleOf(widget) : null : null,
            Format = format, Trigger = origin.Trigger, SubscriptionId = origin.SubscriptionId, SubscriptionName = origin.SubscriptionName,
            SubscriptionRunId = origin.SubscriptionRunId, RedownloadOf = origin.RedownloadOf, CreatedAt = clock.GetUtcNow(),
            Parameters = Parameters(format, view, request, null),
        };
        ExportFile? file = null;
        try
        {
            ExportDocument document;
            if (request.Underlying)
            {
                var context = await data.ContextAsync(actor, view, request.Data, ct);
                record.Parameters = Parameters(format, view, request, (context.Filters.Start, context.Filters.End, context.Filters.Preset));
                var sheets = await underlying.SheetsAsync(context, view, ct);
                // Stored facts are UTC buckets (a day is a UTC day): their times are written in UTC, as they are stored,
                // so a day reads as its own date whatever the viewer's zone.
                document = Describe(view, request, context.Filters.Start, context.Filters.End, context.Filters.Preset, TimeZoneInfo.Utc, []);
                file = await exports.RenderAsync(format, document, sheets, "underlying rows", ct);
            }
            else
            {
                (document, var computed) = await BuildAsync(actor, view, request, ct);
                record.Parameters = Parameters(format, view, request, (computed.Start, computed.End, computed.Preset));
                file = await exports.RenderAsync(format, document, ct);
            }
            record.Parameters.Recipients = origin.Recipients?.ToList();
            // The file is rendered to a temporary file (never to memory), so its length is the exact byte count sent.
            record.FileName = file.FileName;
            record.ContentType = file.ContentType;
            record.SizeBytes = file.Length;
            record.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            record.Outcome = ExportOutcomes.Ok;
            var recordId = await recorder.RecordAsync(record);
            return new RenderedExport(document, file, recordId);
        }
        catch (Exception e)
        {
            if (file is not null) await file.DisposeAsync();
            record.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            record.Outcome = ExportOutcomes.Failed;
            record.Error = ExportRecorder.Describe(e, ct);
            await recorder.RecordAsync(record);
            throw;
        }
    }

    /// <summary>
    /// What a re-download needs to make the same export: the resolved absolute range (not the preset, which moves with
    /// the clock), and the dimension/instance filters in force — the dashboard's saved ones with the request's on top.
    /// </summary>
    private static ExportParameters Parameters(string format, DashboardView view, DashboardExportRequest request,
        (DateTimeOffset Start, DateTimeOffset End, string? Preset)? computed)
    {
        var page = request.Page ?? new ExportPageOptions();
        var filters = new Dictionary<string, List<string?>>(StringComparer.OrdinalIgnoreCase);
        if (computed is not null)
        {
            var (start, end, _) = computed.Value;
            var resolved = DashboardFilters.Resolve(view.Filters, start, TimeZoneInfo.Utc, start, end, null, request.Data.Filters);
            // Empty lists are kept: they clear a filter the dashboard saved, and must go on clearing it when made again.
            foreach (var (dimension, values) in resolved.Dimensions) filters[dimension] = values.ToList();
            if (resolved.SourceIds is { Count: > 0 } sources) filters[DashboardFilter.Instance] = sources.Cast<string?>().ToList();
            else if (view.Filters.Any(f => f.Dimension == DashboardFilter.Instance)) filters[DashboardFilter.Instance] = [];
        }
        else
        {
            foreach (var (dimension, values) in request.Data.Filters ?? new Dictionary<string, IReadOnlyList<string?>>())
                filters[dimension] = values.ToList();
        }
        return new ExportParameters
        {
            Format = format, WidgetId = request.WidgetId,
            Start = computed?.Start ?? request.Data.Start, End = computed?.End ?? request.Data.End,
            Preset = computed is { } c ? c.Preset : request.Data.Preset, Underlying = request.Underlying,
            Filters = filters, PageSize = page.Size, Orientation = page.Orientation, Layout = page.Layout, Summary = request.Summary,
        };
    }

    private async Task<(ExportDocument Document, DashboardData Computed)> BuildAsync(Actor actor, DashboardView view, DashboardExportRequest request, CancellationToken ct)
    {
        if (request.WidgetId is { } wanted && view.Widgets.All(w => w.Id != wanted)) throw new NotFoundException("Widget", wanted);
        var widgetIds = request.WidgetId is null ? null : new[] { request.WidgetId };
        var computed = await data.ComputeAsync(actor, view, request.Data with { WidgetIds = widgetIds }, ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(computed.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var results = computed.Widgets.ToDictionary(w => w.WidgetId);
        var widgets = view.Widgets.Where(w => results.ContainsKey(w.Id)).Select(w => ToExport(w, results[w.Id])).ToList();
        var document = Describe(view, request, computed.Start, computed.End, computed.Preset, zone, widgets);
        if (!request.Summary) return (document, computed);
        var kpis = widgets.Where(w => w.Kpi is not null).Select(w => w.Kpi!).ToList();
        return (document with { Summary = new ExecutiveSummary(kpis, await LatestInsightsAsync(actor, ct)) }, computed);
    }

    /// <summary>The document around the widgets: title, the filters and time range applied, the stamp and page options.</summary>
    private ExportDocument Describe(DashboardView view, DashboardExportRequest request, DateTimeOffset rangeStart, DateTimeOffset rangeEnd, string? preset,
        TimeZoneInfo zone, IReadOnlyList<ExportWidget> widgets)
    {

        var filters = new List<ExportLabel>();
        foreach (var (dimension, values) in (request.Data.Filters ?? new Dictionary<string, IReadOnlyList<string?>>())
                     .Concat(view.Filters.Where(f => f.Dimension is not null and not DashboardFilter.Time && !(request.Data.Filters?.ContainsKey(f.Dimension!) ?? false))
                         .Select(f => new KeyValuePair<string, IReadOnlyList<string?>>(f.Dimension!, f.Values ?? []))))
        {
            if (values.Count > 0) filters.Add(new ExportLabel(dimension == DashboardFilter.Instance ? "Instances" : dimension, string.Join(", ", values)));
        }
        var start = TimeZoneInfo.ConvertTime(rangeStart, zone);
        var end = TimeZoneInfo.ConvertTime(rangeEnd, zone).AddDays(-1);
        var range = $"{start:yyyy-MM-dd} – {end:yyyy-MM-dd}" + (preset is { } p ? $" ({DateRangePresets.Label(p)})" : "");
        return new ExportDocument
        {
            Title = view.Name,
            Description = view.Description.Length > 0 ? view.Description : null,
            Filters = filters,
            TimeRange = new ExportLabel("Time range", range),
            GeneratedAt = clock.GetUtcNow(),
            TimeZone = zone.Id,
            // Charts and tables on screen format money in USD as well; per-instance currencies are not modelled yet.
            Currency = "USD",
            Page = request.Page ?? new ExportPageOptions(),
            Widgets = widgets,
        };
    }

    private static string TitleOf(WidgetView widget) =>
        string.IsNullOrWhiteSpace(widget.Config.Title) ? WidgetKinds.Find(widget.Type)?.Label ?? widget.Type : widget.Config.Title!;

    private static ExportWidget ToExport(WidgetView widget, WidgetResult result)
    {
        // A widget that keeps its own time range says which, beside the document's range.
        var title = TitleOf(widget) + (result.OwnTimeRange is { } own ? $" ({own.Label})" : "");
        var options = new ExportWidgetOptions(
            Stacked: widget.Config.Option("stacked"), Horizontal: widget.Config.Option("horizontal"),
            Min: Number(widget.Config.Options?["min"]), Max: Number(widget.Config.Options?["max"]));
        ExportKpi? kpi = null;
        if (result.Kpi is { } k)
        {
            var spark = result.Sparkline is { } s && s.Columns.ToList().FindIndex(c => c.Name == k.Metric) is var i and >= 0
                ? s.Rows.Select(r => r[i] switch { double d => d, long l => l, int n => n, _ => (double?)null }).ToList()
                : null;
            kpi = new ExportKpi(title, k.Value, k.Format, k.ChangePercent / 100, k.HigherIsBetter, spark);
        }
        var markdown = WidgetKinds.Find(widget.Type)?.Data == WidgetData.Text ? widget.Config.Options?["markdown"]?.GetValue<string>() ?? "" : null;
        if (result.Status == "error")
        {
            // A widget that could not be computed says why, in the document, instead of vanishing.
            return new ExportWidget { Id = widget.Id, Kind = ExportWidgetKinds.Text, Title = title, Position = Pos(widget), Markdown = $"*Not available: {result.Error}*" };
        }
        return new ExportWidget { Id = widget.Id, Kind = widget.Type, Title = title, Position = Pos(widget), Options = options, Data = result.Result, Markdown = markdown, Kpi = kpi, Forecasts = result.Forecasts };
    }

    private static Analytics.Domain.Exports.GridPosition Pos(WidgetView w) => new(w.Position.X, w.Position.Y, w.Position.W, w.Position.H);

    private static double? Number(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private async Task<IReadOnlyList<ExportInsightText>> LatestInsightsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var visible = await SourceService.Visible(db.Sources.AsNoTracking(), actor).Select(s => s.Id).ToListAsync(ct);
        var insights = await db.Insights.AsNoTracking().Where(i => visible.Contains(i.SourceId)).ToListAsync(ct);
        return insights.OrderByDescending(i => i.Priority).ThenByDescending(i => i.Id, StringComparer.Ordinal).Take(5)
            .Select(i => new ExportInsightText(i.Title, i.Text, i.Priority.ToString())).ToList();
    }
}
