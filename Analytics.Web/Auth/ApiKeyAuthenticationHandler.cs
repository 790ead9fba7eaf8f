using System.Security.Claims;
using System.Text.Encodings.Web;
using Analytics.Data.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the hashed API keys (or the bootstrap key).</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (presented.Length == 0) return AuthenticateResult.Fail("The Authorization header holds no key.");
        var userId = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (userId is null) return AuthenticateResult.Fail("The API key is unknown or revoked.");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send an API key as 'Authorization: Bearer <key>'. Create one under Account → API keys.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this.");
}
