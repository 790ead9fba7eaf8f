using Analytics.Domain.Access;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// Who sees which dashboard (sharing arrives with the dashboards issue): admins see all; others see their own and the
/// workspace's built-in ones. Seeing a dashboard never reveals data: every widget query is filtered by instance grants.
/// </summary>
public static class DashboardAccess
{
    public const string WorkspaceOwner = "system";

    public static bool CanView(this Actor actor, Dashboard dashboard) =>
        actor.IsAdmin || dashboard.OwnerId == actor.UserId || dashboard.OwnerId == WorkspaceOwner;

    public static bool CanEdit(this Actor actor, Dashboard dashboard) => actor.CanEditOwnedBy(dashboard.OwnerId);
}
