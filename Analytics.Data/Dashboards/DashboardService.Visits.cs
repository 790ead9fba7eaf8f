using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>A dashboard the user opened, and when they last did.</summary>
public sealed record RecentDashboard(DashboardSummary Dashboard, DateTimeOffset OpenedAt);

public sealed partial class DashboardService
{
    /// <summary>Most recently opened dashboards kept per user; older visits are dropped as new ones come.</summary>
    public const int MaxVisitsPerUser = 50;

    /// <summary>
    /// Records that <paramref name="actor"/> opened the dashboard now (one row per user and dashboard, its time moved
    /// forward). Only a dashboard they may open counts; the API's reads do not record (scripts would drown what people opened).
    /// </summary>
    public async Task RecordOpenAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await LoadVisibleAsync(db, actor, id, tracking: false, ct);
        var now = clock.GetUtcNow();
        var visit = await db.DashboardVisits.FirstOrDefaultAsync(v => v.UserId == actor.UserId && v.DashboardId == id, ct);
        if (visit is null) db.DashboardVisits.Add(new DashboardVisit { UserId = actor.UserId, DashboardId = id, OpenedAt = now });
        else visit.OpenedAt = now;
        await db.SaveChangesAsync(ct);
        var stale = await db.DashboardVisits.Where(v => v.UserId == actor.UserId).OrderByDescending(v => v.OpenedAt)
            .Skip(MaxVisitsPerUser).ToListAsync(ct);
        if (stale.Count == 0) return;
        db.DashboardVisits.RemoveRange(stale);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The dashboards <paramref name="actor"/> opened most recently, newest first, among those they may still open
    /// (<paramref name="visible"/>: their list, when the caller has it already).
    /// </summary>
    public async Task<IReadOnlyList<RecentDashboard>> RecentAsync(Actor actor, int take, CancellationToken ct, IReadOnlyList<DashboardSummary>? visible = null)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var visits = await db.DashboardVisits.AsNoTracking().Where(v => v.UserId == actor.UserId).ToListAsync(ct);
        if (visits.Count == 0) return [];
        var byId = (visible ?? await ListAsync(actor, ct)).ToDictionary(d => d.Id);
        return visits.OrderByDescending(v => v.OpenedAt)
            .Where(v => byId.ContainsKey(v.DashboardId))
            .Take(take)
            .Select(v => new RecentDashboard(byId[v.DashboardId], v.OpenedAt))
            .ToList();
    }
}
