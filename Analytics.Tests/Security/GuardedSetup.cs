using Analytics.Data.Audit;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Security;

/// <summary>
/// Arranges users and keys through the app's own services rather than the API, so that setting a test up never uses
/// a rate limit's window the test itself is about.
/// </summary>
internal static class GuardedSetup
{
    public static string NewEmail(string prefix = "user", string domain = "example.com") => $"{prefix}-{Guid.NewGuid():N}@{domain}";

    /// <summary>A user with <paramref name="password"/>; by default one that already chose it (no forced change).</summary>
    public static async Task<string> UserAsync(this GuardedWebFactory factory, string email, string password, string role = "analyst", bool mustChange = false)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserService>().CreateAsync(Actor.System, new CreateUserCommand(email, null, role, [], password), default);
        if (!mustChange)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(created.User.Id))!;
            user.MustChangePassword = false;
            (await users.UpdateAsync(user)).Succeeded.Should().BeTrue();
        }
        return created.User.Id;
    }

    public static async Task<string> KeyAsync(this GuardedWebFactory factory, string userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(Actor.System, userId, "test", default)).Key;
    }

    public static async Task WithUsersAsync(this GuardedWebFactory factory, Func<UserManager<AppUser>, Task> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>());
    }

    public static async Task<IReadOnlyList<AuditEventView>> AuditAsync(this Web.AnalyticsWebFactory factory, string action, string? targetId = null)
    {
        var page = await factory.Services.GetRequiredService<AuditLog>()
            .ListAsync(Actor.System, new AuditQuery(action, TargetId: targetId), new PageRequest(PageRequest.MaxLimit, null), default);
        return page.Items;
    }
}
