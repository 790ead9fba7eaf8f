using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Dashboards;

/// <summary>
/// Folders and teams on SQLite and PostgreSQL: nesting without cycles, renaming and moving by the owner only, deleting
/// only an empty folder, moving dashboards into one's own folders, a folder's share reaching the dashboards of its
/// subfolders, and team membership and deletion deciding what a member sees.
/// </summary>
public abstract class FolderRulesTests : ProviderTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private sealed record World(AnalyticsTestHost Host, DashboardFolders Folders, TeamService Teams, DashboardService Dashboards, DashboardSharing Sharing,
        Actor Admin, Actor Ann, Actor Bob, Actor Vic);

    private async Task<World> ArrangeAsync()
    {
        var host = await CreateHostAsync();
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var s = host.Services;
        return new World(host, s.GetRequiredService<DashboardFolders>(), s.GetRequiredService<TeamService>(), s.GetRequiredService<DashboardService>(),
            s.GetRequiredService<DashboardSharing>(), admin,
            await UserAsync(host, admin, "ann@example.test", "analyst"), await UserAsync(host, admin, "bob@example.test", "analyst"),
            await UserAsync(host, admin, "vic@example.test", "viewer"));
    }

    private static async Task<Actor> UserAsync(AnalyticsTestHost host, Actor admin, string email, string role)
    {
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin, new CreateUserCommand(email, email, role, [], "User-Passw0rd!"), None));
        return await host.ActorAsync(created.User.Id);
    }

    private static async Task<string> DashboardAsync(World w, Actor owner, string name) =>
        (await w.Dashboards.CreateAsync(owner, new DashboardDefinition { Name = name }, None)).Id;

    [ProviderFact]
    public async Task Folders_nest_and_rename_by_their_owner_never_inside_themselves_and_names_differ_side_by_side()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;

        var marketing = await w.Folders.CreateAsync(w.Ann, " Marketing ", null, None);
        var q3 = await w.Folders.CreateAsync(w.Ann, "Q3", marketing.Id, None);
        var campaigns = await w.Folders.CreateAsync(w.Ann, "Campaigns", q3.Id, None);
        marketing.Name.Should().Be("Marketing");
        q3.ParentId.Should().Be(marketing.Id);

        var renamed = await w.Folders.UpdateAsync(w.Ann, q3.Id, "Q3 2025", marketing.Id, None);
        renamed.Name.Should().Be("Q3 2025");
        (await w.Folders.ListAsync(w.Ann, None)).Select(f => (f.Name, f.ParentId)).Should().BeEquivalentTo(
            [("Campaigns", q3.Id), ("Marketing", (string?)null), ("Q3 2025", marketing.Id)]);

        // Not inside itself or below itself; not beside a folder of the same name.
        (await FluentActions.Awaiting(() => w.Folders.UpdateAsync(w.Ann, marketing.Id, "Marketing", campaigns.Id, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("parentId");
        (await FluentActions.Awaiting(() => w.Folders.UpdateAsync(w.Ann, q3.Id, "Q3 2025", q3.Id, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("parentId");
        (await FluentActions.Awaiting(() => w.Folders.CreateAsync(w.Ann, "marketing", null, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("name");
        (await FluentActions.Awaiting(() => w.Folders.CreateAsync(w.Ann, " ", null, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("name");
        // Another analyst may name a folder of theirs the same; moving a folder to the top level works.
        await w.Folders.CreateAsync(w.Bob, "Marketing", null, None);
        (await w.Folders.UpdateAsync(w.Ann, campaigns.Id, "Campaigns", null, None)).ParentId.Should().BeNull();

        // Only the owner (or an admin) renames; a folder Bob cannot see does not exist for him; viewers create no folders.
        await FluentActions.Awaiting(() => w.Folders.UpdateAsync(w.Bob, marketing.Id, "Mine now", null, None)).Should().ThrowAsync<NotFoundException>();
        (await FluentActions.Awaiting(() => w.Folders.CreateAsync(w.Bob, "Inside Ann's", marketing.Id, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("parentId");
        await FluentActions.Awaiting(() => w.Folders.CreateAsync(w.Vic, "Viewer's", null, None)).Should().ThrowAsync<ForbiddenException>();
        await w.Sharing.ShareFolderAsync(w.Ann, marketing.Id, new ShareInput(w.Bob.UserId, null, "edit", null), None);
        await FluentActions.Awaiting(() => w.Folders.UpdateAsync(w.Bob, marketing.Id, "Mine now", null, None)).Should().ThrowAsync<ForbiddenException>();
        (await w.Folders.UpdateAsync(w.Admin, marketing.Id, "Marketing team", null, None)).Name.Should().Be("Marketing team");
        (await w.Folders.ListAsync(w.Ann, None)).Should().Contain(f => f.Id == marketing.Id && f.Name == "Marketing team");
    }

    [ProviderFact]
    public async Task Only_an_empty_folder_is_deleted_and_its_shares_go_with_it()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;
        var parent = await w.Folders.CreateAsync(w.Ann, "Parent", null, None);
        var child = await w.Folders.CreateAsync(w.Ann, "Child", parent.Id, None);
        var dashboard = await DashboardAsync(w, w.Ann, "In the child");
        await w.Folders.MoveDashboardAsync(w.Ann, dashboard, child.Id, None);
        await w.Sharing.ShareFolderAsync(w.Ann, child.Id, new ShareInput(w.Bob.UserId, null, "view", null), None);

        (await FluentActions.Awaiting(() => w.Folders.DeleteAsync(w.Ann, parent.Id, None)).Should().ThrowAsync<ConflictException>())
            .Which.Message.Should().Be("'Parent' still holds 1 folder: move or delete them first.");
        (await FluentActions.Awaiting(() => w.Folders.DeleteAsync(w.Ann, child.Id, None)).Should().ThrowAsync<ConflictException>())
            .Which.Message.Should().Be("'Child' still holds 1 dashboard: move or delete them first.");
        await FluentActions.Awaiting(() => w.Folders.DeleteAsync(w.Bob, child.Id, None)).Should().ThrowAsync<ForbiddenException>("Bob sees the folder (shared) but does not own it");
        (await w.Folders.ListAsync(w.Ann, None)).Should().HaveCount(2, "a refused delete changes nothing");

        await w.Folders.MoveDashboardAsync(w.Ann, dashboard, null, None);
        await w.Folders.DeleteAsync(w.Ann, child.Id, None);
        await w.Folders.DeleteAsync(w.Ann, parent.Id, None);
        (await w.Folders.ListAsync(w.Ann, None)).Should().BeEmpty();
        await using var db = await w.Host.DbAsync();
        db.DashboardShares.Where(s => s.TargetKind == ShareTarget.Folder).Should().BeEmpty("a deleted folder's shares go with it");
        (await w.Dashboards.GetAsync(w.Ann, dashboard, None)).FolderId.Should().BeNull();
    }

    [ProviderFact]
    public async Task Dashboards_move_only_by_their_owner_and_only_into_folders_of_theirs()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;
        var annFolder = await w.Folders.CreateAsync(w.Ann, "Ann's", null, None);
        var bobFolder = await w.Folders.CreateAsync(w.Bob, "Bob's", null, None);
        var dashboard = await DashboardAsync(w, w.Ann, "Ann's dashboard");

        await w.Folders.MoveDashboardAsync(w.Ann, dashboard, annFolder.Id, None);
        (await w.Dashboards.GetAsync(w.Ann, dashboard, None)).FolderId.Should().Be(annFolder.Id);
        (await w.Folders.ListAsync(w.Ann, None)).Single().DashboardCount.Should().Be(1);

        (await FluentActions.Awaiting(() => w.Folders.MoveDashboardAsync(w.Ann, dashboard, bobFolder.Id, None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("folderId");
        await FluentActions.Awaiting(() => w.Folders.MoveDashboardAsync(w.Bob, dashboard, bobFolder.Id, None)).Should().ThrowAsync<NotFoundException>();
        await w.Sharing.ShareAsync(w.Ann, dashboard, new ShareInput(w.Bob.UserId, null, "edit", null), None);
        await FluentActions.Awaiting(() => w.Folders.MoveDashboardAsync(w.Bob, dashboard, bobFolder.Id, None)).Should().ThrowAsync<ForbiddenException>();
        (await w.Dashboards.GetAsync(w.Ann, dashboard, None)).FolderId.Should().Be(annFolder.Id, "refused moves change nothing");

        await w.Folders.MoveDashboardAsync(w.Admin, dashboard, bobFolder.Id, None);
        (await w.Dashboards.GetAsync(w.Ann, dashboard, None)).FolderId.Should().Be(bobFolder.Id, "admins move anything anywhere");
    }

    [ProviderFact]
    public async Task A_folder_shared_with_a_team_opens_the_dashboards_of_its_subfolders_to_members_only_while_they_are_members()
    {
        var w = await ArrangeAsync();
        await using var _ = w.Host;
        var marketing = await w.Folders.CreateAsync(w.Ann, "Marketing", null, None);
        var q3 = await w.Folders.CreateAsync(w.Ann, "Q3", marketing.Id, None);
        var dashboard = await DashboardAsync(w, w.Ann, "Q3 results");
        await w.Folders.MoveDashboardAsync(w.Ann, dashboard, q3.Id, None);

        var team = await w.Teams.SaveAsync(w.Admin, null, "Growth", [], None);
        await FluentActions.Awaiting(() => w.Teams.AddMemberAsync(w.Ann, team.Id, w.Bob.UserId, None)).Should().ThrowAsync<ForbiddenException>("teams are an admin's to manage");
        (await FluentActions.Awaiting(() => w.Teams.AddMemberAsync(w.Admin, team.Id, "nobody", None)).Should().ThrowAsync<ValidationException>())
            .Which.Errors.Should().ContainKey("userId");
        await w.Teams.AddMemberAsync(w.Admin, team.Id, w.Bob.UserId, None);
        (await w.Teams.AddMemberAsync(w.Admin, team.Id, w.Vic.UserId, None)).MemberIds.Should().BeEquivalentTo([w.Bob.UserId, w.Vic.UserId]);
        (await w.Teams.AddMemberAsync(w.Admin, team.Id, w.Vic.UserId, None)).MemberIds.Should().HaveCount(2, "adding a member again changes nothing");

        await FluentActions.Awaiting(() => w.Dashboards.GetAsync(w.Bob, dashboard, None)).Should().ThrowAsync<NotFoundException>("not shared yet");
        await w.Sharing.ShareFolderAsync(w.Ann, marketing.Id, new ShareInput(null, team.Id, "edit", null), None);

        var bobs = await w.Dashboards.GetAsync(w.Bob, dashboard, None);
        bobs.Permission.Should().Be("edit", "the share of the folder above reaches the subfolder's dashboard");
        (await w.Dashboards.GetAsync(w.Vic, dashboard, None)).Permission.Should().Be("view", "a viewer given edit still only views");
        (await w.Dashboards.ListAsync(w.Bob, new DashboardListQuery(Scope: "shared"), None)).Select(d => d.Id).Should().Equal(dashboard);
        (await w.Folders.ListAsync(w.Bob, None)).Select(f => (f.Name, f.ParentId)).Should().BeEquivalentTo([("Marketing", (string?)null), ("Q3", marketing.Id)]);

        await w.Teams.RemoveMemberAsync(w.Admin, team.Id, w.Bob.UserId, None);
        await FluentActions.Awaiting(() => w.Dashboards.GetAsync(w.Bob, dashboard, None)).Should().ThrowAsync<NotFoundException>("Bob left the team");
        (await w.Folders.ListAsync(w.Bob, None)).Should().BeEmpty();
        (await w.Dashboards.GetAsync(w.Vic, dashboard, None)).Name.Should().Be("Q3 results");

        await w.Teams.DeleteAsync(w.Admin, team.Id, None);
        await FluentActions.Awaiting(() => w.Dashboards.GetAsync(w.Vic, dashboard, None)).Should().ThrowAsync<NotFoundException>("the team and its shares are gone");
        (await w.Sharing.ListFolderSharesAsync(w.Ann, marketing.Id, None)).Should().BeEmpty();
        (await w.Teams.ListAsync(w.Ann, None)).Should().BeEmpty();
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteFolderRulesTests : FolderRulesTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresFolderRulesTests : FolderRulesTests;
