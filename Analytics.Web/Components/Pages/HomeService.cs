using Analytics.Data.Dashboards;
using Analytics.Data.Insights;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Jobs;
using Analytics.Web.Components.Pages.Admin;

namespace Analytics.Web.Components.Pages;

/// <summary>What Home shows one user. <see cref="Jobs"/> is null for everyone but admins (the section is not drawn).</summary>
public sealed record HomeOverview(
    int SourceCount,
    int DashboardCount,
    IReadOnlyList<RecentDashboard> Recent,
    IReadOnlyList<DashboardSummary> Favorites,
    IReadOnlyList<InsightView> Insights,
    IReadOnlyList<JobRow>? Jobs)
{
    public bool HasDashboards => DashboardCount > 0;
}

/// <summary>
/// Home's sections for one actor, each through the service that owns it (so its permissions apply): the dashboards they
/// opened last and their favourites (<see cref="DashboardService"/>), the newest insights of their feed
/// (<see cref="InsightFeed"/>: dismissed ones left out), and for admins the jobs running now or whose last run failed
/// (<see cref="JobConsole"/>, highlighted as the job console does with <see cref="JobConsoleState"/>).
/// </summary>
public sealed class HomeService(
    SourceService sources,
    DashboardService dashboards,
    InsightFeed insights,
    JobConsole jobs,
    TimeProvider clock)
{
    public const int RecentCount = 5;
    public const int FavoriteCount = 8;
    public const int InsightCount = 5;
    public const int JobCount = 8;

    public async Task<HomeOverview> LoadAsync(Actor actor, CancellationToken ct)
    {
        var sourceCount = (await sources.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), ct)).Items.Count;
        var visible = await dashboards.ListAsync(actor, ct);
        var recent = await dashboards.RecentAsync(actor, RecentCount, ct, visible);
        var favorites = visible.Where(d => d.Favorite).OrderBy(d => d.Name, StringComparer.CurrentCultureIgnoreCase).Take(FavoriteCount).ToList();
        var latest = (await insights.ListAsync(actor, new InsightFilter(), new PageRequest(InsightCount, null), ct)).Items;
        return new HomeOverview(sourceCount, visible.Count, recent, favorites, latest, actor.IsAdmin ? await JobsAsync(actor, ct) : null);
    }

    /// <summary>Running jobs first, then those whose last run failed.</summary>
    private async Task<IReadOnlyList<JobRow>> JobsAsync(Actor actor, CancellationToken ct)
    {
        var state = new JobConsoleState();
        state.SetJobs(await jobs.ListAsync(actor, ct), [], clock.GetUtcNow());
        return state.Jobs.Where(j => j.Info.Running || j.Failed).DistinctBy(j => j.FullKey)
            .OrderByDescending(j => j.Info.Running).ThenBy(j => j.FullKey, StringComparer.Ordinal)
            .Take(JobCount).ToList();
    }
}
