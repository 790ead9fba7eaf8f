using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Tests.Data;

/// <summary>Self-service change and admin reset through <see cref="PasswordService"/>, against each provider.</summary>
public abstract class PasswordServiceTests : ProviderTests
{
    private async Task<(AnalyticsTestHost Host, Actor Admin, Actor User)> ArrangeAsync()
    {
        var host = await CreateHostAsync();
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(admin, new CreateUserCommand("pat@example.com", null, "analyst", [], "set-by-admin-42"), CancellationToken.None));
        return (host, admin, await host.ActorAsync(created.User.Id));
    }

    private static async Task<AppUser> UserAsync(AnalyticsTestHost host, string id)
    {
        await using var db = await host.DbAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private static Task<bool> WorksAsync(AnalyticsTestHost host, AppUser user, string password) =>
        host.WithScopeAsync<UserManager<AppUser>, bool>(m => m.CheckPasswordAsync(user, password));

    [ProviderFact]
    public async Task A_change_needs_the_current_password_and_clears_the_forced_change_with_a_new_stamp()
    {
        var (host, _, user) = await ArrangeAsync();
        await using var _ = host;
        var before = await UserAsync(host, user.UserId);
        before.MustChangePassword.Should().BeTrue();

        var wrong = () => host.WithScopeAsync<PasswordService>(s => s.ChangeAsync(user, "not-the-password-1", "my-own-password-7", CancellationToken.None));
        (await wrong.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Equal("currentPassword");
        (await UserAsync(host, user.UserId)).AccessFailedCount.Should().Be(1, "a wrong current password counts towards the lockout");

        await host.WithScopeAsync<PasswordService>(s => s.ChangeAsync(user, "set-by-admin-42", "my-own-password-7", CancellationToken.None));

        var after = await UserAsync(host, user.UserId);
        after.MustChangePassword.Should().BeFalse();
        after.SecurityStamp.Should().NotBe(before.SecurityStamp, "other sessions end");
        after.AccessFailedCount.Should().Be(0);
        (await WorksAsync(host, after, "my-own-password-7")).Should().BeTrue();
        (await WorksAsync(host, after, "set-by-admin-42")).Should().BeFalse();
    }

    [ProviderFact]
    public async Task An_admin_reset_generates_a_password_forces_a_change_ends_sessions_and_lifts_a_lockout()
    {
        var (host, admin, user) = await ArrangeAsync();
        await using var _ = host;
        await host.WithScopeAsync<PasswordService>(s => s.ChangeAsync(user, "set-by-admin-42", "my-own-password-7", CancellationToken.None));
        await host.WithScopeAsync<UserManager<AppUser>>(async m => await m.SetLockoutEndDateAsync((await m.FindByIdAsync(user.UserId))!, DateTimeOffset.UtcNow.AddHours(1)));
        var before = await UserAsync(host, user.UserId);

        var result = await host.WithScopeAsync<PasswordService, PasswordResetResult>(s => s.ResetAsync(admin, user.UserId, null, CancellationToken.None));

        result.GeneratedPassword!.Length.Should().BeGreaterThanOrEqualTo(PasswordPolicy.MinLength);
        var after = await UserAsync(host, user.UserId);
        after.MustChangePassword.Should().BeTrue();
        after.SecurityStamp.Should().NotBe(before.SecurityStamp);
        after.LockoutEnd.Should().BeNull();
        (await WorksAsync(host, after, result.GeneratedPassword)).Should().BeTrue();
        (await WorksAsync(host, after, "my-own-password-7")).Should().BeFalse();
    }

    [ProviderFact]
    public async Task Only_admins_reset_and_not_their_own_password()
    {
        var (host, admin, user) = await ArrangeAsync();
        await using var _ = host;

        var byUser = () => host.WithScopeAsync<PasswordService, PasswordResetResult>(s => s.ResetAsync(user, admin.UserId, "given-password-123", CancellationToken.None));
        await byUser.Should().ThrowAsync<ForbiddenException>();
        var own = () => host.WithScopeAsync<PasswordService, PasswordResetResult>(s => s.ResetAsync(admin, admin.UserId, "given-password-123", CancellationToken.None));
        (await own.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Equal("userId");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqlitePasswordServiceTests : PasswordServiceTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresPasswordServiceTests : PasswordServiceTests;
