using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>
/// Dashboard folders: listing what a user may see, creating, renaming, nesting (moving a folder into another), deleting,
/// and moving a dashboard into a folder. Authors (analysts and admins) create folders; a folder's owner or an admin
/// renames, moves, deletes and shares it (<see cref="DashboardSharing"/>). A folder is seen by its owner, admins, and
/// whoever it (or a folder above it) is shared with. Deleting a folder that still holds dashboards or folders is refused
/// (409) rather than deleting or moving them: Grafana deletes a folder's dashboards with it and Metabase trashes them, and
/// we have no trash, so nothing is lost by accident.
/// </summary>
public sealed class DashboardFolders(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardChangeNotifier changes,
    AuditLog audit,
    TimeProvider clock)
{
    public const int MaxNameLength = 200;

    /// <summary>The folders the actor may see, by name; a folder whose parent they cannot see is at their top level.</summary>
    public async Task<IReadOnlyList<FolderView>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var all = await db.DashboardFolders.AsNoTracking().ToListAsync(ct);
        var visible = await VisibleFolderIdsAsync(db, actor, all, ct);
        var folders = all.Where(f => visible.Contains(f.Id)).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var ids = folders.Select(f => f.Id).ToList();
        var counts = await db.Dashboards.AsNoTracking().Where(d => d.FolderId != null && ids.Contains(d.FolderId)).GroupBy(d => d.FolderId!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return folders.Select(f => new FolderView(f.Id, f.Name, f.OwnerId, counts.GetValueOrDefault(f.Id), actor.CanEditOwnedBy(f.OwnerId),
            f.ParentId is { } p && visible.Contains(p) ? p : null)).ToList();
    }

    /// <summary>Creates a folder at the top level or inside one of the actor's folders (admins: any folder).</summary>
    public async Task<FolderView> CreateAsync(Actor actor, string? name, string? parentId, CancellationToken ct)
    {
        actor.EnsureCanAuthor("create folders");
        var trimmed = ValidName(name);
        await using var db = await factory.CreateDbContextAsync(ct);
        var tree = await DashboardService.FolderTreeAsync(db, ct);
        await EnsureParentUsableAsync(db, actor, tree, null, parentId, ct);
        await EnsureUniqueAsync(db, null, actor.UserId, trimmed, parentId, ct);
        var folder = new DashboardFolder { Id = Ids.New(), Name = trimmed, OwnerId = actor.UserId, ParentId = parentId, CreatedAt = clock.GetUtcNow() };
        db.DashboardFolders.Add(folder);
        await db.SaveChangesAsync(ct);
        return new FolderView(folder.Id, folder.Name, folder.OwnerId, 0, true, folder.ParentId);
    }

    /// <summary>Renames a folder and places it (<paramref name="parentId"/> null: the top level); the owner's or an admin's.</summary>
    public async Task<FolderView> UpdateAsync(Actor actor, string id, string? name, string? parentId, CancellationToken ct)
    {
        var trimmed = ValidName(name);
        await using var db = await factory.CreateDbContextAsync(ct);
        var folder = await LoadManagedAsync(db, actor, id, "rename or move it", ct);
        var tree = await DashboardService.FolderTreeAsync(db, ct);
        if (parentId != folder.ParentId) await EnsureParentUsableAsync(db, actor, tree, id, parentId, ct);
        await EnsureUniqueAsync(db, id, folder.OwnerId, trimmed, parentId, ct);
        (folder.Name, folder.ParentId) = (trimmed, parentId);
        await db.SaveChangesAsync(ct);
        var count = await db.Dashboards.CountAsync(d => d.FolderId == id, ct);
        return new FolderView(folder.Id, folder.Name, folder.OwnerId, count, true, folder.ParentId);
    }

    /// <summary>Deletes an empty folder and its shares; one that still holds dashboards or folders is a 409 saying what is in it.</summary>
    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var folder = await LoadManagedAsync(db, actor, id, "delete it", ct);
        var dashboardCount = await db.Dashboards.CountAsync(d => d.FolderId == id, ct);
        var folderCount = await db.DashboardFolders.CountAsync(f => f.ParentId == id, ct);
        if (dashboardCount + folderCount > 0)
        {
            var contents = string.Join(" and ", new[] { Count(dashboardCount, "dashboard"), Count(folderCount, "folder") }.Where(c => c.Length > 0));
            throw new ConflictException($"'{folder.Name}' still holds {contents}: move or delete them first.");
        }
        db.DashboardShares.RemoveRange(db.DashboardShares.Where(s => s.TargetKind == ShareTarget.Folder && s.TargetId == id));
        db.DashboardFolders.Remove(folder);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.FolderDeleted, "folder", id, $"folder {folder.Name}", ct);
    }

    /// <summary>
    /// Moves a dashboard into a folder (<paramref name="folderId"/> null: out of any folder). The dashboard's owner or an
    /// admin moves it, into a folder of theirs (admins: any); it then shows to whoever that folder is shared with.
    /// </summary>
    public async Task MoveDashboardAsync(Actor actor, string dashboardId, string? folderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, dashboardId, tracking: true, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin can move it to another folder.");
        if (folderId == dashboard.FolderId) return;
        if (folderId is not null) await DashboardService.EnsureFolderUsableAsync(db, actor, folderId, ct);
        dashboard.FolderId = folderId;
        await db.SaveChangesAsync(ct);
        changes.Publish(new DashboardChange(dashboard.Id, dashboard.Version, actor.UserId, actor.DisplayName));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>Admins see every folder; others their own and those shared with them or their teams, with every folder below those.</summary>
    private static async Task<IReadOnlySet<string>> VisibleFolderIdsAsync(AnalyticsDbContext db, Actor actor, IReadOnlyList<DashboardFolder> all, CancellationToken ct)
    {
        if (actor.IsAdmin) return all.Select(f => f.Id).ToHashSet();
        var teams = await DashboardService.TeamsOfAsync(db, actor, ct);
        var shared = await db.DashboardShares.AsNoTracking()
            .Where(s => s.TargetKind == ShareTarget.Folder && ((s.PrincipalKind == SharePrincipal.User && s.PrincipalId == actor.UserId) || (s.PrincipalKind == SharePrincipal.Team && teams.Contains(s.PrincipalId))))
            .Select(s => s.TargetId).ToListAsync(ct);
        var tree = new FolderTree(all.Select(f => (f.Id, f.ParentId)));
        var visible = tree.Expand(all.Where(f => f.OwnerId == actor.UserId).Select(f => f.Id).Concat(shared)).ToHashSet();
        return visible;
    }

    private static async Task<DashboardFolder> LoadManagedAsync(AnalyticsDbContext db, Actor actor, string id, string action, CancellationToken ct)
    {
        var folder = await db.DashboardFolders.FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw new NotFoundException("Folder", id);
        if (actor.CanEditOwnedBy(folder.OwnerId)) return folder;
        var visible = await VisibleFolderIdsAsync(db, actor, await db.DashboardFolders.AsNoTracking().ToListAsync(ct), ct);
        if (!visible.Contains(id)) throw new NotFoundException("Folder", id);
        throw new ForbiddenException($"Only the folder's owner or an admin can {action}.");
    }

    private static async Task EnsureParentUsableAsync(AnalyticsDbContext db, Actor actor, FolderTree tree, string? id, string? parentId, CancellationToken ct)
    {
        if (parentId is null) return;
        await DashboardService.EnsureFolderUsableAsync(db, actor, parentId, ct, field: "parentId");
        if (tree.PlacementProblem(id, parentId) is { } problem) throw new ValidationException("parentId", problem);
    }

    /// <summary>One owner's folders side by side have different names (others' folders, which they may not see, do not count).</summary>
    private static async Task EnsureUniqueAsync(AnalyticsDbContext db, string? id, string ownerId, string name, string? parentId, CancellationToken ct)
    {
        var siblings = await db.DashboardFolders.AsNoTracking().Where(f => f.ParentId == parentId && f.OwnerId == ownerId && f.Id != id).Select(f => f.Name).ToListAsync(ct);
        if (siblings.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ValidationException("name", $"A folder named '{name}' is already {(parentId is null ? "at the top level" : "in that folder")}.");
    }

    private static string ValidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
            throw new ValidationException("name", $"Required: a folder name of at most {MaxNameLength} characters.");
        return name.Trim();
    }

    private static string Count(int n, string noun) => n switch { 0 => "", 1 => $"1 {noun}", _ => $"{n} {noun}s" };
}
