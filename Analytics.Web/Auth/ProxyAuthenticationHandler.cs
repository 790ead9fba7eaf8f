using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

/// <summary>
/// Trusts an authenticating reverse proxy's user header, as Grafana's auth proxy does, so a company's SSO can front
/// the app. Only when enabled, and only for requests from the configured proxy addresses (loopback by default).
/// </summary>
internal sealed class ProxyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> auth, UserManager<AppUser> users, Analytics.Data.Audit.AuditLog audit, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var proxy = auth.Value.Proxy;
        if (!proxy.Enabled) return AuthenticateResult.NoResult();
        var email = Request.Headers[proxy.HeaderName].ToString().Trim();
        if (email.Length == 0) return AuthenticateResult.NoResult();
        // The connecting address: forwarded headers (Analytics:Http:KnownProxies) may have replaced the request's client address.
        if (!IsTrusted(Security.DirectPeer.Of(Context), proxy.TrustedProxies))
            return AuthenticateResult.Fail($"{proxy.HeaderName} came from an untrusted address.");

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            if (!proxy.AutoSignUp) return AuthenticateResult.Fail($"No user {email}, and auto sign-up is off.");
            Roles.TryParse(proxy.DefaultRole, out var role);
            user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email.Split('@')[0], Role = role, CreatedAt = clock.GetUtcNow() };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) return AuthenticateResult.Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
            await audit.RecordAsync(null, "auth proxy", AuditActions.UserCreated, "user", user.Id, $"{email}, role {role.ToWire()}; signed up through the authenticating proxy");
        }
        if (user.Disabled) return AuthenticateResult.Fail("This account is disabled.");
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.DisplayName), new Claim(ClaimTypes.Email, email),
            new Claim(ClaimTypes.Role, user.Role.ToWire()), new Claim(AnalyticsClaims.AuthMethod, AnalyticsClaims.Proxy),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private static bool IsTrusted(IPAddress? remote, string[] trusted)
    {
        if (remote is null) return false;
        if (trusted.Length == 0) return IPAddress.IsLoopback(remote);
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return trusted.Any(t => IPAddress.TryParse(t, out var ip) && ip.Equals(address));
    }
}
