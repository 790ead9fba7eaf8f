namespace Analytics.Domain.Dashboards;

/// <summary>
/// Dashboard folders as a tree: a folder's ancestors (what its shares inherit from), its descendants (what a share of it
/// opens) and the rules for placing a folder (no cycles, at most <see cref="MaxDepth"/> levels). As in Grafana's nested
/// folders and Metabase's collections, a share of a folder reaches every dashboard below it.
/// </summary>
public sealed class FolderTree
{
    /// <summary>How many levels folders nest, the top level counting as one.</summary>
    public const int MaxDepth = 8;

    private readonly Dictionary<string, string?> parents;
    private readonly ILookup<string, string> children;

    public FolderTree(IEnumerable<(string Id, string? ParentId)> folders)
    {
        parents = folders.ToDictionary(f => f.Id, f => f.ParentId, StringComparer.Ordinal);
        children = parents.Where(p => p.Value is not null).ToLookup(p => p.Value!, p => p.Key, StringComparer.Ordinal);
    }

    public bool Contains(string id) => parents.ContainsKey(id);

    /// <summary>The folder and the folders it sits in, nearest first (empty for no folder or an unknown one).</summary>
    public IReadOnlyList<string> SelfAndAncestors(string? id)
    {
        var chain = new List<string>();
        for (var current = id; current is not null && parents.TryGetValue(current, out var parent) && !chain.Contains(current); current = parent)
            chain.Add(current);
        return chain;
    }

    /// <summary>The folder and every folder below it.</summary>
    public IReadOnlySet<string> SelfAndDescendants(string id)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([id]);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (!found.Add(next)) continue;
            foreach (var child in children[next]) stack.Push(child);
        }
        return found;
    }

    /// <summary>The folders the given ones open, with everything below them.</summary>
    public IReadOnlySet<string> Expand(IEnumerable<string> ids)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids) all.UnionWith(SelfAndDescendants(id));
        return all;
    }

    /// <summary>
    /// Why <paramref name="id"/> (null: a new folder) may not sit in <paramref name="parentId"/>, or null when it may:
    /// not inside itself or one of its own subfolders, and not deeper than <see cref="MaxDepth"/> levels with its subtree.
    /// </summary>
    public string? PlacementProblem(string? id, string? parentId)
    {
        if (parentId is null) return null;
        if (id is not null && SelfAndDescendants(id).Contains(parentId)) return "A folder cannot go inside itself or one of its own subfolders.";
        var depth = SelfAndAncestors(parentId).Count + (id is null ? 1 : Height(id));
        return depth > MaxDepth ? $"Folders nest at most {MaxDepth} levels deep." : null;
    }

    /// <summary>Levels from the folder down to its deepest subfolder, the folder counting as one.</summary>
    private int Height(string id) => 1 + children[id].Select(Height).DefaultIfEmpty(0).Max();
}
