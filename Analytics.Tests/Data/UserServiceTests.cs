using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Tests.Data;

/// <summary>Users, roles and instance grants through <see cref="UserService"/>, against each provider.</summary>
public abstract class UserServiceTests : ProviderTests
{
    private static readonly string[] SourceIds = ["src-alpha", "src-beta", "src-gamma"];

    private async Task<AnalyticsTestHost> ArrangeAsync()
    {
        var host = await CreateHostAsync();
        await host.InitializeAsync();
        await using var db = await host.DbAsync();
        db.Sources.AddRange(SourceIds.Select(id => new DataSource { Id = id, Name = id, Kind = SourceKind.Csv, OwnerId = "system" }));
        await db.SaveChangesAsync();
        return host;
    }

    private static Task<CreatedUser> CreateAsync(AnalyticsTestHost host, Actor actor, CreateUserCommand command) =>
        host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(actor, command, CancellationToken.None));

    [ProviderFact]
    public async Task First_admin_is_created_once()
    {
        await using var host = await ArrangeAsync();

        await host.InitializeAsync();
        await host.WithScopeAsync<UserService>(s => s.EnsureFirstAdminAsync(CancellationToken.None));

        await using var db = await host.DbAsync();
        var admins = await db.Users.Where(u => u.Role == Role.Admin).ToListAsync();
        admins.Should().ContainSingle().Which.Email.Should().Be(AnalyticsTestHost.AdminEmail);
        var passwordWorks = await host.WithScopeAsync<UserManager<AppUser>, bool>(m => m.CheckPasswordAsync(admins[0], AnalyticsTestHost.AdminPassword));
        passwordWorks.Should().BeTrue("the configured admin password is used");
    }

    [ProviderFact]
    public async Task Create_user_reports_every_invalid_field_and_creates_nothing()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();

        var act = () => CreateAsync(host, admin, new CreateUserCommand("not-an-email", null, "owner", ["src-alpha", "src-missing"], null));

        var errors = (await act.Should().ThrowAsync<ValidationException>()).Which.Errors;
        errors.Keys.Should().BeEquivalentTo("email", "role", "instanceIds");
        errors["instanceIds"].Single().Should().Contain("src-missing").And.NotContain("src-alpha");
        await using var db = await host.DbAsync();
        (await db.Users.CountAsync()).Should().Be(1);
    }

    [ProviderFact]
    public async Task Non_admins_cannot_create_users()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();
        var analyst = await host.ActorAsync((await CreateAsync(host, admin, new("ana@example.com", "Ana", "analyst", [], null))).User.Id);

        var act = () => CreateAsync(host, analyst, new CreateUserCommand("bob@example.com", null, "viewer", [], null));

        await act.Should().ThrowAsync<ForbiddenException>();
        await using var db = await host.DbAsync();
        (await db.Users.AnyAsync(u => u.Email == "bob@example.com")).Should().BeFalse();
    }

    [ProviderFact]
    public async Task Grants_are_persisted_and_replaced()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();

        var created = await CreateAsync(host, admin, new("viv@example.com", null, "viewer", ["src-alpha", "src-beta", "src-alpha"], null));

        var viewer = await host.ActorAsync(created.User.Id);
        viewer.Role.Should().Be(Role.Viewer);
        viewer.DisplayName.Should().Be("viv");
        viewer.InstanceIds.Should().BeEquivalentTo(["src-alpha", "src-beta"]);
        viewer.CanReadInstance("src-gamma").Should().BeFalse();

        await host.WithScopeAsync<UserService, UserView>(s => s.UpdateAsync(admin, created.User.Id, new(null, "analyst", ["src-gamma"], null), CancellationToken.None));

        var updated = await host.ActorAsync(created.User.Id);
        updated.Role.Should().Be(Role.Analyst);
        updated.InstanceIds.Should().BeEquivalentTo(["src-gamma"]);
        var view = await host.WithScopeAsync<UserService, UserView>(s => s.GetAsync(admin, created.User.Id, CancellationToken.None));
        view.InstanceIds.Should().Equal("src-gamma");
    }

    [ProviderFact]
    public async Task Generated_initial_password_signs_in()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();

        var created = await CreateAsync(host, admin, new("gen@example.com", null, null, null, null));

        created.InitialPassword.Should().NotBeNullOrEmpty();
        await using var db = await host.DbAsync();
        var user = await db.Users.SingleAsync(u => u.Id == created.User.Id);
        (await host.WithScopeAsync<UserManager<AppUser>, bool>(m => m.CheckPasswordAsync(user, created.InitialPassword!))).Should().BeTrue();
    }

    [ProviderFact]
    public async Task Second_user_with_the_same_email_conflicts()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();
        await CreateAsync(host, admin, new("dup@example.com", null, "viewer", [], null));

        var act = () => CreateAsync(host, admin, new CreateUserCommand("dup@example.com", null, "viewer", [], null));

        await act.Should().ThrowAsync<ConflictException>();
    }

    [ProviderFact]
    public async Task Admin_cannot_demote_themself()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();

        var act = () => host.WithScopeAsync<UserService, UserView>(s => s.UpdateAsync(admin, admin.UserId, new(null, "viewer", null, null), CancellationToken.None));

        (await act.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Contain("role");
        (await host.AdminAsync()).IsAdmin.Should().BeTrue();
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteUserServiceTests : UserServiceTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresUserServiceTests : UserServiceTests;
