using Analytics.Domain.Access;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// Who may view and edit a dashboard. Admins and the owner edit; the workspace's built-in dashboards are visible to
/// everyone; shares grant view or edit to a user or a team, on the dashboard itself or on its folder, and the strongest
/// grant wins. Edit needs an author (analyst or admin): a viewer given edit still only views. Seeing a dashboard never
/// reveals data: every widget query runs as the person looking and is filtered by their instance grants.
/// </summary>
public static class DashboardAccess
{
    public const string WorkspaceOwner = "system";

    /// <param name="shares">Shares of this dashboard and of its folder (others are ignored).</param>
    /// <param name="teamIds">Teams the actor belongs to.</param>
    public static SharePermission? PermissionOf(this Actor actor, Dashboard dashboard, IEnumerable<DashboardShare> shares, IReadOnlySet<string> teamIds)
    {
        if (actor.IsAdmin) return SharePermission.Edit;
        if (dashboard.OwnerId == actor.UserId) return actor.CanAuthor ? SharePermission.Edit : SharePermission.View;
        SharePermission? best = dashboard.OwnerId == WorkspaceOwner ? SharePermission.View : null;
        foreach (var share in shares)
        {
            var onTarget = share.TargetKind == ShareTarget.Dashboard ? share.TargetId == dashboard.Id : share.TargetId == dashboard.FolderId;
            var toActor = share.PrincipalKind == SharePrincipal.User ? share.PrincipalId == actor.UserId : teamIds.Contains(share.PrincipalId);
            if (onTarget && toActor && (best is null || share.Permission > best)) best = share.Permission;
        }
        if (best == SharePermission.Edit && !actor.CanAuthor) best = SharePermission.View;
        return best;
    }

    /// <summary>Throws 404 when the actor may not see the dashboard (its existence is not revealed), 403 when they may only view.</summary>
    public static void EnsureCanEdit(this Actor actor, Dashboard dashboard, SharePermission? permission)
    {
        if (permission is null) throw new NotFoundException("Dashboard", dashboard.Id);
        if (permission != SharePermission.Edit) throw new ForbiddenException("You can view this dashboard but not edit it; ask its owner for edit access.");
    }

    /// <summary>Sharing, the public link and deleting are the owner's (and admins').</summary>
    public static bool CanManage(this Actor actor, Dashboard dashboard) => actor.CanEditOwnedBy(dashboard.OwnerId);
}
