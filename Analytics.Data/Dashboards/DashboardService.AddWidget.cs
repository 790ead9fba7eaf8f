using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Dashboards.Layout;

namespace Analytics.Data.Dashboards;

public sealed partial class DashboardService
{
    /// <summary>
    /// Appends one widget to a dashboard the actor may edit (404 when they cannot see it, 403 when they may only view),
    /// at the first free spot of the grid at its kind's default size (unless <paramref name="widget"/> gives a size);
    /// nothing else on the dashboard moves. Validated as a saved widget is; the save is published like any other.
    /// </summary>
    public async Task<(DashboardView Dashboard, WidgetView Widget)> AddWidgetAsync(Actor actor, string dashboardId, WidgetDefinition widget, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(dashboardId)) throw new ValidationException("dashboardId", "Required: the dashboard to add the widget to.");
        var kind = WidgetKinds.Find(widget.Type) ?? throw new ValidationException("widget.type", $"One of {string.Join(", ", WidgetKinds.All.Select(k => k.Name))}.");
        actor.EnsureCanPinInstances(widget, "widget.config.query.sourceIds");
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (dashboard, permission) = await LoadVisibleAsync(db, actor, dashboardId, tracking: true, ct);
        actor.EnsureCanEdit(dashboard, permission);
        if (dashboard.Widgets.Count >= Dashboard.MaxWidgets)
            throw new ValidationException("dashboardId", $"'{dashboard.Name}' already has {Dashboard.MaxWidgets} widgets, the most one dashboard holds.");
        var position = WidgetPlacement.FirstFree(dashboard.Widgets.Select(w => new WidgetPosition(w.X, w.Y, w.W, w.H)),
            widget.Position?.W ?? kind.DefaultW, widget.Position?.H ?? kind.DefaultH);
        var placed = widget with { Id = null, Position = position, Config = widget.Config ?? new WidgetConfig() };
        var problems = placed.Problems().ToDictionary(p => $"widget.{p.Field}", p => new[] { p.Message });
        if (problems.Count > 0) throw new ValidationException(problems);

        var entity = new Widget
        {
            Id = Ids.New(), DashboardId = dashboard.Id, Type = kind.Name,
            X = position.X, Y = position.Y, W = position.W, H = position.H, ConfigJson = placed.Config!.ToJson(),
        };
        dashboard.Widgets.Add(entity);
        await CommitChangeAsync(db, tx, dashboard, actor, ct);
        var view = await ViewAsync(db, actor, dashboard, permission, ct);
        return (view, view.Widgets.First(w => w.Id == entity.Id));
    }
}
