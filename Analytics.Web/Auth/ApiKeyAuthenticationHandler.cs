using System.Security.Claims;
using System.Text.Encodings.Web;
using Analytics.Data.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the hashed API keys (or the bootstrap key). Unknown,
/// revoked and expired keys get the same 401. The principal says it came by key (<see cref="AnalyticsClaims.AuthMethod"/>)
/// and which key, for the per-key rate limit and the rules that refuse key-authenticated callers.
/// </summary>
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
        var key = await keys.AuthenticateKeyAsync(presented, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, key.UserId),
            new(AnalyticsClaims.AuthMethod, key.Bootstrap ? AnalyticsClaims.Bootstrap : AnalyticsClaims.ApiKey),
        ];
        if (key.KeyId is not null) claims.Add(new Claim(AnalyticsClaims.ApiKeyId, key.KeyId));
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send an API key as 'Authorization: Bearer <key>'. Create one under Account → API keys.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this.");
}
