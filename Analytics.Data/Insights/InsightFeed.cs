using System.Text.Json;
using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Insights;

public sealed record InsightView(
    string Id, string Type, string SourceId, string Dataset, string SegmentDimension, string Segment, string Metric,
    DateOnly PeriodStart, DateOnly PeriodEnd, double Magnitude, double Confidence, string Priority, string Title, string Text,
    JsonElement Chart, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Read, bool Dismissed, bool Pinned,
    string? DashboardId = null, IReadOnlyList<string>? Instances = null);

/// <param name="Since">Only insights found or updated at or after this instant.</param>
/// <param name="MinPriority">Only this priority and above.</param>
public sealed record InsightFilter(
    DateTimeOffset? Since = null, InsightType? Type = null, string? SourceId = null, InsightPriority? MinPriority = null,
    bool IncludeDismissed = false, bool PinnedOnly = false, bool UnreadOnly = false);

public enum InsightMark { Read, Unread, Dismiss, Undismiss, Pin, Unpin }

/// <summary>
/// An actor's insight feed: the insights over instances (and dashboards) they may read, filtered and paged, with their own
/// marks — reading, dismissing or pinning an insight changes nobody else's feed.
/// </summary>
public sealed class InsightFeed(IDbContextFactory<AnalyticsDbContext> factory, TimeProvider clock)
{
    public async Task<Page<InsightView>> ListAsync(Actor actor, InsightFilter filter, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Insights.AsNoTracking();
        if (!actor.IsAdmin)
        {
            var granted = actor.InstanceIds.ToList();
            query = query.Where(i => granted.Contains(i.SourceId));
            // An insight over several instances (a dashboard summary) only for those who can read all of them.
            foreach (var hidden in await db.Sources.Where(x => !granted.Contains(x.Id)).Select(x => x.Id).ToListAsync(ct))
            {
                var pattern = $",{hidden},";
                query = query.Where(i => i.Scope == null || !i.Scope.Contains(pattern));
            }
            // A dashboard's summary (its name, what its cards show) only for those who may open the dashboard.
            var dashboards = (await DashboardService.VisibleIdsAsync(db, actor.UserId, actor.IsAdmin, ct)).ToList();
            query = query.Where(i => i.DashboardId == null || dashboards.Contains(i.DashboardId));
        }
        if (filter.SourceId is { } source) query = query.Where(i => i.SourceId == source);
        if (filter.Type is { } type) query = query.Where(i => i.Type == type);
        if (filter.MinPriority is { } min)
        {
            var allowed = Enum.GetValues<InsightPriority>().Where(p => p >= min).ToList();
            query = query.Where(i => allowed.Contains(i.Priority));
        }
        if (filter.Since is { } since) query = query.Where(i => i.UpdatedAt >= since);
        var user = actor.UserId;
        var states = db.InsightUserStates.Where(s => s.UserId == user);
        if (!filter.IncludeDismissed) query = query.Where(i => !states.Any(s => s.InsightId == i.Id && s.DismissedAt != null));
        if (filter.PinnedOnly) query = query.Where(i => states.Any(s => s.InsightId == i.Id && s.PinnedAt != null));
        if (filter.UnreadOnly) query = query.Where(i => !states.Any(s => s.InsightId == i.Id && s.ReadAt != null));
        // Ids are time-ordered (GUID v7): descending id is newest first.
        if (page.After is { } after) query = query.Where(i => string.Compare(i.Id, after) < 0);
        var rows = await query.OrderByDescending(i => i.Id).Take(page.Limit + 1).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var marks = await db.InsightUserStates.AsNoTracking().Where(s => s.UserId == user && ids.Contains(s.InsightId)).ToDictionaryAsync(s => s.InsightId, ct);
        var views = rows.Take(page.Limit).Select(i => View(i, marks.GetValueOrDefault(i.Id))).ToList();
        return new Page<InsightView>(views, rows.Count > page.Limit ? views[^1].Id : null);
    }

    public async Task<InsightView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var insight = await FindVisibleAsync(db, actor, id, ct);
        var state = await db.InsightUserStates.AsNoTracking().FirstOrDefaultAsync(s => s.InsightId == id && s.UserId == actor.UserId, ct);
        return View(insight, state);
    }

    /// <summary>Marks are per user: reading, dismissing or pinning an insight changes nobody else's feed.</summary>
    public async Task<InsightView> MarkAsync(Actor actor, string id, InsightMark mark, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var insight = await FindVisibleAsync(db, actor, id, ct);
        var state = await db.InsightUserStates.FirstOrDefaultAsync(s => s.InsightId == id && s.UserId == actor.UserId, ct);
        if (state is null) db.InsightUserStates.Add(state = new InsightUserState { InsightId = id, UserId = actor.UserId });
        var now = clock.GetUtcNow();
        switch (mark)
        {
            case InsightMark.Read: state.ReadAt ??= now; break;
            case InsightMark.Unread: state.ReadAt = null; break;
            case InsightMark.Dismiss: state.DismissedAt ??= now; state.ReadAt ??= now; break;
            case InsightMark.Undismiss: state.DismissedAt = null; break;
            case InsightMark.Pin: state.PinnedAt ??= now; break;
            case InsightMark.Unpin: state.PinnedAt = null; break;
        }
        await db.SaveChangesAsync(ct);
        return View(insight, state);
    }

    private static async Task<Insight> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct)
    {
        var insight = await db.Insights.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (insight is null || !insight.Instances.All(actor.CanReadInstance)) throw new NotFoundException("Insight", id);
        if (insight.DashboardId is { } dashboard && !(await DashboardService.VisibleIdsAsync(db, actor.UserId, actor.IsAdmin, ct)).Contains(dashboard))
            throw new NotFoundException("Insight", id);
        return insight;
    }

    private static InsightView View(Insight i, InsightUserState? s) => new(
        i.Id, i.Type.ToString().ToLowerInvariant(), i.SourceId, i.Dataset, i.SegmentDimension, i.Segment, i.Metric, i.PeriodStart, i.PeriodEnd,
        i.Magnitude, i.Confidence, i.Priority.ToString().ToLowerInvariant(), i.Title, i.Text,
        JsonDocument.Parse(string.IsNullOrEmpty(i.ChartQuery) ? "{}" : i.ChartQuery).RootElement.Clone(),
        i.CreatedAt, i.UpdatedAt, s?.ReadAt is not null, s?.DismissedAt is not null, s?.PinnedAt is not null, i.DashboardId, i.Instances);
}
