using Analytics.Domain.Access;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// Who may view and edit a dashboard. Admins and the owner edit; the workspace's built-in dashboards are visible to
/// everyone; shares grant view or edit to a user or a team, on the dashboard itself or on its folder or a folder above, and the strongest
/// grant wins. Edit needs an author (analyst or admin): a viewer given edit still only views. Seeing a dashboard never
/// reveals data: every widget query runs as the person looking and is filtered by their instance grants.
/// </summary>
public static class DashboardAccess
{
    public const string WorkspaceOwner = "system";

    /// <param name="shares">Shares of this dashboard and of its folders (others are ignored).</param>
    /// <param name="teamIds">Teams the actor belongs to.</param>
    /// <param name="folders">
    /// The dashboard's folder and the folders it sits in (<see cref="FolderTree.SelfAndAncestors"/>): a share of any of
    /// them applies. Without it, only its own folder's shares do.
    /// </param>
    public static SharePermission? PermissionOf(this Actor actor, Dashboard dashboard, IEnumerable<DashboardShare> shares, IReadOnlySet<string> teamIds,
        IReadOnlyCollection<string>? folders = null)
    {
        folders ??= dashboard.FolderId is { } own ? [own] : [];
        if (actor.IsAdmin) return SharePermission.Edit;
        if (dashboard.OwnerId == actor.UserId) return actor.CanAuthor ? SharePermission.Edit : SharePermission.View;
        SharePermission? best = dashboard.OwnerId == WorkspaceOwner ? SharePermission.View : null;
        foreach (var share in shares)
        {
            var onTarget = share.TargetKind == ShareTarget.Dashboard ? share.TargetId == dashboard.Id : folders.Contains(share.TargetId);
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

    /// <summary>
    /// A save may pin only instances the person saving can read: every instance in a widget's <c>query.sourceIds</c> and
    /// in the instance filter. What <paramref name="stored"/> already pins in the same place (the same widget id, the
    /// instance filter) may stay, so an editor can change a dashboard whose owner pinned instances the editor does not
    /// read — without adding any. Throws a 400 naming each field (<c>widgets[2].config.query.sourceIds</c>,
    /// <c>filters[1].values</c>); an unreadable instance is described as one that may not exist, as elsewhere.
    /// </summary>
    public static void EnsureCanPinInstances(this Actor actor, DashboardDefinition definition, Dashboard? stored)
    {
        var errors = new Dictionary<string, string[]>();
        var storedFilter = stored is null ? NoPins : PinnedBy(DashboardFilters.Parse(stored.FiltersJson));
        var filters = definition.Filters ?? [];
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i].Dimension != DashboardFilter.Instance) continue;
            var unreadable = (filters[i].Values ?? []).OfType<string>().Where(id => !actor.CanReadInstance(id) && !storedFilter.Contains(id)).Distinct().ToList();
            if (unreadable.Count > 0) errors[$"filters[{i}].values"] = [Unreadable(unreadable)];
        }
        var widgets = definition.Widgets ?? [];
        for (var i = 0; i < widgets.Count; i++)
        {
            var before = stored?.Widgets.FirstOrDefault(w => w.Id == widgets[i].Id) is { } w ? PinnedBy(WidgetConfig.Parse(w.ConfigJson)) : NoPins;
            if (UnreadablePins(actor, widgets[i].Config, before) is { } problem) errors[$"widgets[{i}].config.query.sourceIds"] = [problem];
        }
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    /// <summary>One new widget: every instance it pins must be readable by the person adding it (400 on <paramref name="field"/>).</summary>
    public static void EnsureCanPinInstances(this Actor actor, WidgetDefinition widget, string field)
    {
        if (UnreadablePins(actor, widget.Config, NoPins) is { } problem) throw new ValidationException(field, problem);
    }

    private static readonly IReadOnlySet<string> NoPins = new HashSet<string>();

    /// <summary>The instances a widget's query pins (none: every instance its reader can see).</summary>
    public static IReadOnlySet<string> PinnedBy(WidgetConfig? config) => (config?.Query?.SourceIds ?? []).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>The instances a dashboard's instance filter keeps.</summary>
    public static IReadOnlySet<string> PinnedBy(IEnumerable<DashboardFilter> filters) =>
        filters.Where(f => f.Dimension == DashboardFilter.Instance).SelectMany(f => f.Values ?? []).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static string? UnreadablePins(Actor actor, WidgetConfig? config, IReadOnlySet<string> allowed)
    {
        var unreadable = PinnedBy(config).Where(id => !actor.CanReadInstance(id) && !allowed.Contains(id)).Order(StringComparer.Ordinal).ToList();
        return unreadable.Count == 0 ? null : Unreadable(unreadable);
    }

    private static string Unreadable(IReadOnlyList<string> ids) =>
        $"No instance {string.Join(", ", ids.Select(id => $"'{id}'"))} that you can read exists; a dashboard can pin only instances granted to the person saving it.";
}
