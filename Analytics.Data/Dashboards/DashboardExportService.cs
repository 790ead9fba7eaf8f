using System.Globalization;
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

/// <summary>
/// A dashboard (or one of its widgets) as an export file: its widgets computed as the viewer sees them — their instance
/// grants, the dashboard's filters or the request's — mapped onto <see cref="ExportDocument"/> and rendered by
/// <see cref="ExportService"/>. The same path serves the API, the page's download menu and scheduled deliveries.
/// </summary>
public sealed class DashboardExportService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardDataService data,
    UnderlyingRows underlying,
    ExportService exports,
    TimeProvider clock)
{
    public async Task<ExportFile> ExportAsync(Actor actor, string dashboardId, DashboardExportRequest request, CancellationToken ct)
    {
        if (request.Underlying) return await ExportUnderlyingAsync(actor, dashboardId, request, ct);
        exports.Writer(request.Format); // a bad format is a 400 before any query runs
        var document = await BuildDocumentAsync(actor, dashboardId, request, ct);
        return await exports.RenderAsync(request.Format!, document, ct);
    }

    /// <summary>The underlying rows under the request's filters, streamed from the database into the file.</summary>
    private async Task<ExportFile> ExportUnderlyingAsync(Actor actor, string dashboardId, DashboardExportRequest request, CancellationToken ct)
    {
        exports.SheetWriter(request.Format);
        if (request.WidgetId is not null) throw new ValidationException("widget", "Underlying rows are the whole dashboard's: leave widget out.");
        var view = await dashboards.GetAsync(actor, dashboardId, ct);
        var context = await data.ContextAsync(actor, view, request.Data, ct);
        var sheets = await underlying.SheetsAsync(context, view, ct);
        var document = Describe(view, request, context.Filters.Start, context.Filters.End, context.Filters.Preset, context.Zone, []);
        return await exports.RenderAsync(request.Format!, document, sheets, "underlying rows", ct);
    }

    public async Task<ExportDocument> BuildDocumentAsync(Actor actor, string dashboardId, DashboardExportRequest request, CancellationToken ct)
    {
        var view = await dashboards.GetAsync(actor, dashboardId, ct);
        if (request.WidgetId is { } wanted && view.Widgets.All(w => w.Id != wanted)) throw new NotFoundException("Widget", wanted);
        var widgetIds = request.WidgetId is null ? null : new[] { request.WidgetId };
        var computed = await data.ComputeAsync(actor, view, request.Data with { WidgetIds = widgetIds }, ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(computed.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var results = computed.Widgets.ToDictionary(w => w.WidgetId);
        var widgets = view.Widgets.Where(w => results.ContainsKey(w.Id)).Select(w => ToExport(w, results[w.Id])).ToList();
        var document = Describe(view, request, computed.Start, computed.End, computed.Preset, zone, widgets);
        if (!request.Summary) return document;
        var kpis = widgets.Where(w => w.Kpi is not null).Select(w => w.Kpi!).ToList();
        return document with { Summary = new ExecutiveSummary(kpis, await LatestInsightsAsync(actor, ct)) };
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

    private static ExportWidget ToExport(WidgetView widget, WidgetResult result)
    {
        var title = string.IsNullOrWhiteSpace(widget.Config.Title) ? WidgetKinds.Find(widget.Type)?.Label ?? widget.Type : widget.Config.Title!;
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
        var markdown = widget.Type == "text" ? widget.Config.Options?["markdown"]?.GetValue<string>() ?? "" : null;
        if (result.Status == "error")
        {
            // A widget that could not be computed says why, in the document, instead of vanishing.
            return new ExportWidget { Id = widget.Id, Kind = ExportWidgetKinds.Text, Title = title, Position = Pos(widget), Markdown = $"*Not available: {result.Error}*" };
        }
        return new ExportWidget { Id = widget.Id, Kind = widget.Type, Title = title, Position = Pos(widget), Options = options, Data = result.Result, Markdown = markdown, Kpi = kpi };
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
