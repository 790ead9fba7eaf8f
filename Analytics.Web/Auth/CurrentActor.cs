using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace Analytics.Web.Auth;

/// <summary>
/// The signed-in user as a domain <see cref="Actor"/>, for components. Scoped to the circuit, re-read from the
/// database at most every 30 seconds, so a role or grant change reaches open pages quickly.
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication, ActorResolver resolver, TimeProvider clock)
{
    private Actor? _actor;
    private DateTimeOffset _readAt;

    public async Task<Actor> GetAsync(CancellationToken ct = default)
    {
        if (_actor is not null && clock.GetUtcNow() - _readAt < TimeSpan.FromSeconds(30)) return _actor;
        var state = await authentication.GetAuthenticationStateAsync();
        _actor = await resolver.ResolveAsync(state.User, ct)
                 ?? throw new SignedOutException();
        _readAt = clock.GetUtcNow();
        return _actor;
    }
}

/// <summary>The page's user is gone or disabled (and the sign-in cookie not yet re-checked): a page request signs out and shows sign-in.</summary>
public sealed class SignedOutException() : UnauthorizedAccessException("You are signed out or your account was disabled. Sign in again.");
