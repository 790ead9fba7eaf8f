using System.Security.Claims;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Identity;

/// <summary>Turns a signed-in principal into the domain's <see cref="Actor"/>: role and instance grants, read fresh.</summary>
public sealed class ActorResolver(IDbContextFactory<AnalyticsDbContext> factory)
{
    /// <summary>The actor of a signed-in principal, with how it authenticated (<see cref="AnalyticsClaims.AuthMethod"/>).</summary>
    public async Task<Actor?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return null;
        var actor = await ResolveAsync(userId, ct);
        return actor is null ? null : actor with { AuthenticatedBy = AnalyticsClaims.MethodOf(principal) };
    }

    public async Task<Actor?> ResolveAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && !u.Disabled)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.Role })
            .FirstOrDefaultAsync(ct);
        if (user is null) return null;
        var grants = await db.InstanceGrants.AsNoTracking().Where(g => g.UserId == userId).Select(g => g.SourceId).ToListAsync(ct);
        return new Actor(user.Id, string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? user.Id : user.DisplayName, user.Role, grants.ToHashSet());
    }
}
