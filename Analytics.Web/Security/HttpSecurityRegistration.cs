using Analytics.Data;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

internal static class HttpSecurityRegistration
{
    /// <summary>
    /// <c>Analytics:Http</c> validated at start; cookies are <c>Secure</c> always (the sign-in, antiforgery and every other
    /// cookie: browsers accept them from http://localhost and 127.0.0.1); HSTS for a
    /// year outside Development; forwarded headers from the configured proxies only; the security headers of every response.
    /// </summary>
    public static IServiceCollection AddHttpSecurity(this IServiceCollection services)
    {
        services.AddSettings<HttpSecurityOptions>(HttpSecurityOptions.Section)
            .Validate(o => o.KnownProxies.All(HttpSecurityOptions.IsAddress),
                "Analytics:Http:KnownProxies lists IP addresses of reverse proxies, e.g. 127.0.0.1 or 10.0.0.5.")
            .Validate(o => o.KnownNetworks.All(HttpSecurityOptions.IsNetwork),
                "Analytics:Http:KnownNetworks lists networks in CIDR notation, e.g. 10.0.0.0/8.")
            .Validate(o => o.PublicEmbedOrigins.All(HttpSecurityOptions.IsOrigin),
                "Analytics:Http:PublicEmbedOrigins lists origins such as https://intranet.example.com (scheme, host, optional port; no path).");
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>>(sp => new ConfigureOptions<ForwardedHeadersOptions>(
            forwarded => ProxyTrust.Configure(forwarded, sp.GetRequiredService<IOptions<HttpSecurityOptions>>().Value)));
        // The policy marks every cookie Secure, the antiforgery cookie included. (Antiforgery's own SecurePolicy = Always
        // would instead refuse to work on http at all, http://localhost included.)
        services.Configure<CookiePolicyOptions>(o => o.Secure = CookieSecurePolicy.Always);
        // X-Frame-Options is SecurityHeaders' to set (DENY, or none where frame-ancestors names who may frame a page).
        services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        services.AddSingleton<SecurityHeaders>();
        return services;
    }
}
