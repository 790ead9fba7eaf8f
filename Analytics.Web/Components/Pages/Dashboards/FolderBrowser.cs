using Analytics.Data.Dashboards;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>A folder as a picker shows it: indented under its parent.</summary>
public sealed record FolderChoice(FolderView Folder, int Depth);

/// <summary>
/// The dashboard list's folder navigation, Grafana-like: the open folder (none: the top level), the path to it, its
/// subfolders first and then its dashboards. At the top level sit the folders and dashboards whose folder the user
/// cannot see (a dashboard shared with them alone, inside someone else's folder). Plain state, testable without a browser.
/// </summary>
public sealed class FolderBrowser(IReadOnlyList<FolderView> folders, IReadOnlyList<DashboardSummary> dashboards, string? openFolderId)
{
    private readonly Dictionary<string, FolderView> _byId = folders.ToDictionary(f => f.Id);

    public IReadOnlyList<FolderView> Folders => folders;

    /// <summary>The open folder, or null at the top level (also for an id the user cannot see).</summary>
    public FolderView? Open => openFolderId is { } id ? _byId.GetValueOrDefault(id) : null;

    /// <summary>The folders from the top down to the open one (empty at the top level).</summary>
    public IReadOnlyList<FolderView> Path
    {
        get
        {
            var path = new List<FolderView>();
            for (var f = Open; f is not null && !path.Contains(f); f = f.ParentId is { } p ? _byId.GetValueOrDefault(p) : null) path.Insert(0, f);
            return path;
        }
    }

    /// <summary>The open folder's subfolders, by name.</summary>
    public IReadOnlyList<FolderView> Subfolders => folders.Where(f => f.ParentId == Open?.Id).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The open folder's dashboards, in the list's order.</summary>
    public IReadOnlyList<DashboardSummary> Dashboards =>
        dashboards.Where(d => Open is { } open ? d.FolderId == open.Id : d.FolderId is null || !_byId.ContainsKey(d.FolderId)).ToList();

    /// <summary>Whether the open folder has nothing in it (to say so, and what to do).</summary>
    public bool IsEmpty => Subfolders.Count == 0 && Dashboards.Count == 0;

    /// <summary>
    /// The folders something may go into, as a tree in name order: those the user manages, except
    /// <paramref name="movingFolderId"/> and everything below it (a folder cannot go inside itself).
    /// </summary>
    public IReadOnlyList<FolderChoice> Targets(string? movingFolderId = null)
    {
        var result = new List<FolderChoice>();
        void Walk(string? parentId, int depth)
        {
            foreach (var f in folders.Where(f => f.ParentId == parentId && f.Id != movingFolderId).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (f.CanManage) result.Add(new FolderChoice(f, depth));
                Walk(f.Id, f.CanManage ? depth + 1 : depth);
            }
        }
        Walk(null, 0);
        return result;
    }
}
