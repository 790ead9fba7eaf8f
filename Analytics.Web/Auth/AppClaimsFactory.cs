using System.Security.Claims;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>Puts the product role and display name on the sign-in cookie. Rules still read the role fresh from the database.</summary>
internal sealed class AppClaimsFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToWire()));
        identity.AddClaim(new Claim("display_name", user.DisplayName));
        return identity;
    }
}
