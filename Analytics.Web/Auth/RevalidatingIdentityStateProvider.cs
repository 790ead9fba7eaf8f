using System.Security.Claims;
using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>
/// The authentication state of an open page (circuit), re-checked against the database every
/// <c>Analytics:Auth:SessionRevalidationSeconds</c>: a user who was disabled, whose role changed or whose password was
/// reset (a new security stamp) loses authorization on every open page, which then shows the sign-in page.
/// </summary>
internal sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<AuthOptions> auth, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(auth.Value.SessionRevalidationSeconds);

    /// <summary>
    /// While the database is briefly unavailable the page keeps its state and is checked again at the next interval: an
    /// exception here would end the base class's revalidation loop for good, leaving the page unchecked from then on.
    /// </summary>
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        try
        {
            return await ValidateAsync(state);
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            return true;
        }
    }

    private async Task<bool> ValidateAsync(AuthenticationState state)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || user.Disabled) return false;
        // A proxy's principal carries no security stamp: the proxy vouches for each request; hold its role to the stored one.
        if (AnalyticsClaims.MethodOf(state.User) == AuthenticationMethod.Proxy)
            return state.User.FindFirstValue(ClaimTypes.Role) == user.Role.ToWire();
        var stamp = state.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp is not null && stamp == await users.GetSecurityStampAsync(user);
    }
}
