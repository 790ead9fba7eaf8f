using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

internal static class AuthRegistration
{
    /// <summary>
    /// Who is calling: API keys, the proxy's header or the sign-in cookie; sign-in on top of the data layer's Identity
    /// (password policy and lockout: Analytics.Data, shared with every host of the data layer); the authorization policies.
    /// </summary>
    public static IServiceCollection AddSignIn(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<CurrentActor>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = AuthSchemes.Smart;
                o.DefaultChallengeScheme = AuthSchemes.Smart;
            })
            .AddPolicyScheme(AuthSchemes.Smart, "API key, proxy header or cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, ProxyAuthenticationHandler>(AuthSchemes.Proxy, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/denied";
                o.Cookie.Name = "analytics.auth";
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                o.SlidingExpiration = true;
                var accessDenied = o.Events.OnRedirectToAccessDenied;
                o.Events.OnRedirectToAccessDenied = context => PasswordChangeGate.OnAccessDeniedAsync(context, accessDenied);
            }));

        services.Identity()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsFactory>();
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<AuthOptions>>((o, auth) =>
            o.ValidationInterval = TimeSpan.FromSeconds(auth.Value.SessionRevalidationSeconds));
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddSingleton<SignInGuard>();
        services.AddScoped<SignInService>();
        services.AddAnalyticsRateLimits();

        // Every page and cookie endpoint needs a signed-in user whose password is their own (PasswordChangeGate);
        // only the password page itself makes do with a signed-in user.
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(PasswordChangeGate.Requirement).Build())
            .AddPolicy(AuthSchemes.SignedInPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(AuthSchemes.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole("admin").AddRequirements(PasswordChangeGate.Requirement))
            .AddPolicy(AuthSchemes.ApiPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.ApiKey).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Bearer → API key; the proxy's header (when enabled) → proxy; otherwise the sign-in cookie.</summary>
    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthSchemes.ApiKey;
        if (context.Request.Path.StartsWithSegments("/api")) return AuthSchemes.ApiKey;
        var proxy = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Proxy;
        if (proxy.Enabled && context.Request.Headers.ContainsKey(proxy.HeaderName)) return AuthSchemes.Proxy;
        return IdentityConstants.ApplicationScheme;
    }
}
