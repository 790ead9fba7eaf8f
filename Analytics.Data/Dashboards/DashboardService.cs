using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

public sealed record DashboardSummary(string Id, string Name, string Description, string OwnerId, int WidgetCount, DateTimeOffset UpdatedAt, bool CanEdit);

/// <summary>Reads dashboards the actor may see (the rule is <see cref="DashboardAccess"/>).</summary>
public sealed class DashboardService(IDbContextFactory<AnalyticsDbContext> factory)
{
    public async Task<IReadOnlyList<DashboardSummary>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Dashboards.AsNoTracking();
        if (!actor.IsAdmin) query = query.Where(d => d.OwnerId == actor.UserId || d.OwnerId == DashboardAccess.WorkspaceOwner);
        var rows = await query
            .Select(d => new { Dashboard = d, Widgets = d.Widgets.Count })
            .ToListAsync(ct);
        return rows
            .OrderByDescending(r => r.Dashboard.UpdatedAt)
            .Select(r => new DashboardSummary(r.Dashboard.Id, r.Dashboard.Name, r.Dashboard.Description, r.Dashboard.OwnerId, r.Widgets,
                r.Dashboard.UpdatedAt, actor.CanEdit(r.Dashboard)))
            .ToList();
    }
}
