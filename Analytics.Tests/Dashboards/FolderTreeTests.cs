using Analytics.Data.Dashboards;
using Analytics.Domain.Dashboards;
using Analytics.Web.Components.Pages.Dashboards;

namespace Analytics.Tests.Dashboards;

/// <summary>The folder tree's rules (no cycles, a depth limit, shares reaching down) and the list's folder navigation, without a database or a browser.</summary>
public sealed class FolderTreeTests
{
    // a ─ b ─ c,  a ─ d,  e
    private static readonly (string Id, string? ParentId)[] Folders = [("a", null), ("b", "a"), ("c", "b"), ("d", "a"), ("e", null)];

    [Fact]
    public void Ancestors_descendants_and_placement_follow_the_tree()
    {
        var tree = new FolderTree(Folders);
        tree.SelfAndAncestors("c").Should().Equal("c", "b", "a");
        tree.SelfAndAncestors(null).Should().BeEmpty();
        tree.Expand(["b", "e"]).Should().BeEquivalentTo(["b", "c", "e"]);
        tree.PlacementProblem("a", "c").Should().Contain("inside itself or one of its own subfolders");
        tree.PlacementProblem("a", "a").Should().NotBeNull();
        tree.PlacementProblem("b", "e").Should().BeNull();
        tree.PlacementProblem(null, "c").Should().BeNull();
        tree.PlacementProblem("c", null).Should().BeNull();
    }

    [Fact]
    public void Folders_nest_at_most_the_maximum_depth_counting_the_subtree_that_moves()
    {
        var chain = Enumerable.Range(1, FolderTree.MaxDepth).Select(i => ($"f{i}", i == 1 ? null : (string?)$"f{i - 1}")).ToList();
        var tree = new FolderTree(chain.Append(("x", null)).Append(("y", "x")));
        tree.PlacementProblem(null, $"f{FolderTree.MaxDepth - 1}").Should().BeNull("the new folder is the last level allowed");
        tree.PlacementProblem(null, $"f{FolderTree.MaxDepth}").Should().Contain($"at most {FolderTree.MaxDepth} levels");
        tree.PlacementProblem("x", $"f{FolderTree.MaxDepth - 1}").Should().NotBeNull("x brings its subfolder y one level deeper");
        tree.PlacementProblem("x", $"f{FolderTree.MaxDepth - 2}").Should().BeNull();
    }

    private static FolderView Folder(string id, string name, string? parent, bool canManage = true) => new(id, name, "owner", 0, canManage, parent);

    private static DashboardSummary Dashboard(string id, string? folderId) =>
        new(id, id, "", "owner", "Owner", 0, DateTimeOffset.UnixEpoch, true, "edit", false, false, folderId, null);

    [Fact]
    public void The_browser_shows_the_path_the_subfolders_and_the_dashboards_of_the_open_folder()
    {
        IReadOnlyList<FolderView> folders = [Folder("a", "Marketing", null), Folder("b", "Q3", "a"), Folder("z", "Archive", "a"), Folder("e", "Shared", null, canManage: false)];
        IReadOnlyList<DashboardSummary> dashboards = [Dashboard("top", null), Dashboard("in-b", "b"), Dashboard("hidden-folder", "not-visible")];

        var top = new FolderBrowser(folders, dashboards, null);
        top.Path.Should().BeEmpty();
        top.Subfolders.Select(f => f.Name).Should().Equal("Marketing", "Shared");
        top.Dashboards.Select(d => d.Id).Should().Equal(["top", "hidden-folder"], "a dashboard whose folder the user cannot see sits at their top level");

        var q3 = new FolderBrowser(folders, dashboards, "b");
        q3.Path.Select(f => f.Name).Should().Equal("Marketing", "Q3");
        q3.Dashboards.Select(d => d.Id).Should().Equal("in-b");
        q3.IsEmpty.Should().BeFalse();
        new FolderBrowser(folders, dashboards, "z").IsEmpty.Should().BeTrue();
        new FolderBrowser(folders, dashboards, "unknown").Open.Should().BeNull("an unknown folder opens the top level");

        top.Targets().Select(t => (t.Folder.Name, t.Depth)).Should().Equal([("Marketing", 0), ("Archive", 1), ("Q3", 1)], "only folders the user manages, as a tree");
        top.Targets("a").Should().BeEmpty("a folder is never offered a place inside itself or below it");
    }
}
