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
    public async Task Users_an_admin_creates_must_change_their_password_and_short_ones_are_refused()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();

        var generated = await CreateAsync(host, admin, new("gen2@example.com", null, null, null, null));
        var given = await CreateAsync(host, admin, new("given@example.com", null, null, null, "chosen-by-admin-1"));
        var tooShort = () => CreateAsync(host, admin, new CreateUserCommand("short@example.com", null, null, null, "eleven-ch-1"));

        generated.User.MustChangePassword.Should().BeTrue();
        given.User.MustChangePassword.Should().BeTrue();
        generated.InitialPassword!.Length.Should().BeGreaterThanOrEqualTo(PasswordPolicy.MinLength);
        (await tooShort.Should().ThrowAsync<ValidationException>()).Which.Errors["password"].Single().Should().Contain("12 characters");
        var configuredAdmin = await host.WithScopeAsync<UserService, UserView>(s => s.GetAsync(admin, admin.UserId, CancellationToken.None));
        configuredAdmin.MustChangePassword.Should().BeFalse("the operator chose the configured admin password");
    }

    [ProviderFact]
    public async Task A_role_change_or_disabling_gives_a_new_security_stamp_and_a_name_change_does_not()
    {
        await using var host = await ArrangeAsync();
        var admin = await host.AdminAsync();
        var id = (await CreateAsync(host, admin, new("stamp@example.com", null, "viewer", [], null))).User.Id;
        async Task<string?> StampAsync()
        {
            await using var db = await host.DbAsync();
            return await db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync();
        }
        Task UpdateAsync(UpdateUserCommand command) => host.WithScopeAsync<UserService, UserView>(s => s.UpdateAsync(admin, id, command, CancellationToken.None));

        var first = await StampAsync();
        await UpdateAsync(new("Renamed", null, ["src-alpha"], null));
        (await StampAsync()).Should().Be(first, "a new name or grant does not end sessions (grants are read fresh)");
        await UpdateAsync(new(null, "analyst", null, null));
        var second = await StampAsync();
        second.Should().NotBe(first, "a role change ends the user's sessions");
        await UpdateAsync(new(null, null, null, true));
        (await StampAsync()).Should().NotBe(second, "disabling ends the user's sessions");
    }

    [ProviderFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are Unix's
    public async Task A_generated_first_admin_password_is_written_to_a_file_only_its_owner_can_read_and_must_be_changed()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-admin-file-");
        try
        {
            await using var host = await CreateHostAsync(settings: new Dictionary<string, string?>
            {
                ["Analytics:Auth:AdminPassword"] = "", ["Analytics:DataDirectory"] = directory.FullName,
            });
            await host.InitializeAsync();

            var file = Path.Combine(directory.FullName, InitialAdminPassword.FileName);
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var password = System.Text.RegularExpressions.Regex.Match(await File.ReadAllTextAsync(file), "Password: (\\S+)").Groups[1].Value;
            await using var db = await host.DbAsync();
            var admin = await db.Users.SingleAsync(u => u.Role == Role.Admin);
            admin.MustChangePassword.Should().BeTrue();
            (await host.WithScopeAsync<UserManager<AppUser>, bool>(m => m.CheckPasswordAsync(admin, password))).Should().BeTrue();

            var actor = await host.ActorAsync(admin.Id);
            await host.WithScopeAsync<PasswordService>(s => s.ChangeAsync(actor, password, "the-admins-own-password-1", CancellationToken.None));
            File.Exists(file).Should().BeFalse("the file goes once the admin chose their own password");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
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
