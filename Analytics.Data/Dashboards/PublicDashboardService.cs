using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Dashboards;

/// <summary>
/// A public link's answer: what an anonymous visitor may see and nothing more — no ids of sources, datasets, owners or
/// users, no query internals (<c>meta</c>, <c>sourceIds</c>, tables, segments), no raw error text. Its own shape, not
/// the signed-in one with fields stripped, so a field added there never leaks here.
/// </summary>
public sealed record PublicDashboardResponse(PublicDashboard Dashboard, PublicDashboardData Data);

/// <param name="PublishedAt">When the owner published this view of the dashboard.</param>
public sealed record PublicDashboard(string Name, string Description, IReadOnlyList<PublicFilter> Filters, IReadOnlyList<PublicWidget> Widgets,
    DateTimeOffset PublishedAt);

/// <summary>
/// A saved filter as the page shows it: its label and the values it keeps (instances by name); empty values keep
/// everything. <paramref name="Narrowable"/>: a visitor may pass <c>filter.&lt;dimension&gt;</c> to narrow it.
/// </summary>
public sealed record PublicFilter(string Dimension, string Label, IReadOnlyList<string> Values, bool Narrowable);

public sealed record PublicWidget(string Id, string Type, WidgetPosition Position, string? Title, JsonObject? Options);

public sealed record PublicDashboardData(DateTimeOffset Start, DateTimeOffset End, string? Preset, string TimeZone, IReadOnlyList<PublicWidgetResult> Widgets);

/// <param name="Status"><c>ok</c>, <c>error</c> or <c>text</c>.</param>
/// <param name="Error"><see cref="PublicDashboardService.WidgetFailed"/> when the widget failed; the detail is only logged.</param>
public sealed record PublicWidgetResult(string WidgetId, string Type, string Status, PublicResult? Result, PublicResult? Previous,
    PublicResult? Sparkline, KpiValue? Kpi, string? Error);

public sealed record PublicResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated)
{
    public static PublicResult? From(QueryResult? result) => result is null ? null : new(result.Columns, result.Rows, result.Meta.Truncated);
}

/// <summary>An open public link: the dashboard as published and the owner whose access computes it, in the owner's zone.</summary>
public sealed record PublicLink(DashboardView View, Actor Owner, TimeZoneInfo Zone);

/// <summary>
/// Public links, for the API and the public page alike: the published dashboard (<see cref="DashboardService.GetPublicAsync"/>),
/// the visitor's request checked and resolved by <see cref="PublicView"/>, widgets computed with the owner's access, and
/// answers mapped to the public shapes above. A widget that fails says only <see cref="WidgetFailed"/>.
/// </summary>
public sealed class PublicDashboardService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardDataService data,
    TimeProvider clock,
    ILogger<PublicDashboardService> logger)
{
    public const string WidgetFailed = "This widget could not be shown.";

    public async Task<PublicLink> OpenAsync(string token, CancellationToken ct)
    {
        var published = await dashboards.GetPublicAsync(token, ct);
        var owner = await data.OwnerActorAsync(published.OwnerId, ct);
        return new PublicLink(published.View, owner, await data.ZoneOfAsync(owner, ct));
    }

    /// <summary>The visitor's request resolved against the published filters (400 naming the parameter for anything beyond them).</summary>
    public async Task<WidgetContext> ContextAsync(PublicLink link, PublicViewRequest request, CancellationToken ct)
    {
        var filters = PublicView.Resolve(link.View.Filters, link.View.Widgets.Select(w => w.Id).ToList(), clock.GetUtcNow(), link.Zone, request);
        try
        {
            return await data.ContextAsync(link.Owner, link.View, filters, link.Zone, ct);
        }
        catch (NotFoundException e)
        {
            // The owner lost access to a pinned instance: the link stops working rather than naming the instance.
            logger.LogWarning("Public link of dashboard {Dashboard} cannot be computed: {Reason}", link.View.Id, e.Message);
            throw new NotFoundException("Public dashboard", "link");
        }
    }

    /// <summary>One widget for a visitor: as the owner sees it, but a failure says only <see cref="WidgetFailed"/> (the detail is logged).</summary>
    public async Task<WidgetResult> ComputeWidgetAsync(WidgetContext context, WidgetView widget, CancellationToken ct)
    {
        WidgetResult result;
        try
        {
            result = await data.ComputeWidgetAsync(context, widget, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Widget {Widget} of a public dashboard could not be computed", widget.Id);
            return new WidgetResult(widget.Id, widget.Type, "error", null, null, null, null, WidgetFailed, 0);
        }
        if (result.Status != "error") return result;
        logger.LogWarning("Widget {Widget} of a public dashboard could not be computed: {Error}", widget.Id, result.Error);
        return result with { Result = null, Previous = null, Sparkline = null, Kpi = null, Error = WidgetFailed };
    }

    /// <summary><c>GET /api/v1/public/dashboards/{token}</c>: the published dashboard and its widgets' data for the visitor's request.</summary>
    public async Task<PublicDashboardResponse> GetAsync(string token, PublicViewRequest request, CancellationToken ct)
    {
        var link = await OpenAsync(token, ct);
        var context = await ContextAsync(link, request, ct);
        var computed = await data.ComputeAsync(context, link.View, request.WidgetIds, ComputeWidgetAsync, ct);
        var widgets = computed.Widgets.Select(w => new PublicWidgetResult(w.WidgetId, w.Type, w.Status, PublicResult.From(w.Result),
            PublicResult.From(w.Previous), PublicResult.From(w.Sparkline), w.Kpi, w.Status == "error" ? WidgetFailed : null)).ToList();
        return new PublicDashboardResponse(await DescribeAsync(link, context, ct),
            new PublicDashboardData(computed.Start, computed.End, computed.Preset, computed.TimeZone, widgets));
    }

    /// <summary>The published dashboard as a visitor sees it: name, description, filter labels (instances by name), widget layout.</summary>
    public async Task<PublicDashboard> DescribeAsync(PublicLink link, WidgetContext context, CancellationToken ct)
    {
        var view = link.View;
        var instanceIds = DashboardAccess.PinnedBy(view.Filters).ToList();
        Dictionary<string, string> instanceNames;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            instanceNames = await db.Sources.AsNoTracking().Where(s => instanceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        }
        var labels = DashboardDataService.FilterableDimensions(context.Catalog).ToDictionary(d => d.Name, d => d.Label, StringComparer.OrdinalIgnoreCase);
        var filters = view.Filters.Where(f => f.Dimension is { } d && d != DashboardFilter.Time).Select(f => f.Dimension == DashboardFilter.Instance
                ? new PublicFilter(DashboardFilter.Instance, "Instances", (f.Values ?? []).OfType<string>().Select(id => instanceNames.GetValueOrDefault(id, "Unknown instance")).ToList(), PublicView.CanNarrow(f))
                : new PublicFilter(f.Dimension!, labels.GetValueOrDefault(f.Dimension!, f.Dimension!), (f.Values ?? []).OfType<string>().ToList(), PublicView.CanNarrow(f)))
            .ToList();
        var widgets = view.Widgets.Select(w => new PublicWidget(w.Id, w.Type, w.Position, w.Config.Title, w.Config.Options)).ToList();
        return new PublicDashboard(view.Name, view.Description, filters, widgets, view.UpdatedAt);
    }
}
