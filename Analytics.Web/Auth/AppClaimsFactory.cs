using System.Security.Claims;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>
/// Puts the product role, display name, how the user signed in and whether they must change their password on the
/// sign-in cookie. Rules still read the role fresh from the database; the claims are rebuilt whenever the security
/// stamp is checked (<c>Analytics:Auth:SessionRevalidationSeconds</c>).
/// </summary>
internal sealed class AppClaimsFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToWire()));
        identity.AddClaim(new Claim("display_name", user.DisplayName));
        identity.AddClaim(new Claim(AnalyticsClaims.AuthMethod, AnalyticsClaims.Password));
        if (user.MustChangePassword) identity.AddClaim(new Claim(AnalyticsClaims.MustChangePassword, "true"));
        return identity;
    }
}
