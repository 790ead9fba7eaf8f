using Analytics.Data.Identity;
using Analytics.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Analytics.Web.Auth;

/// <summary>
/// Until a user whose password someone else chose (<see cref="AppUser.MustChangePassword"/>) picks their own, the
/// default and admin policies refuse them: a page answers with a redirect to the change form, any other cookie
/// endpoint (downloads) with a 403 problem saying so, and inside a circuit the router sends them to the form too.
/// API keys are not held back: a key is its own credential, created on purpose (revoke it to stop it).
/// </summary>
public static class PasswordChangeGate
{
    public static IAuthorizationRequirement Requirement { get; } =
        new AssertionRequirement(context => !AnalyticsClaims.MustChangePasswordOf(context.User));

    /// <param name="otherwise">The cookie handler's own answer, for everyone whose password is their own.</param>
    public static Task OnAccessDeniedAsync(RedirectContext<CookieAuthenticationOptions> context, Func<RedirectContext<CookieAuthenticationOptions>, Task> otherwise)
    {
        var http = context.HttpContext;
        if (!AnalyticsClaims.MustChangePasswordOf(http.User)) return otherwise(context);
        if (http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            var back = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            context.Response.Redirect($"{AccountEndpoints.PasswordPath}?returnUrl={Uri.EscapeDataString(back)}");
            return Task.CompletedTask;
        }
        return Problems.WriteAsync(http, StatusCodes.Status403Forbidden, "Password change required",
            $"Your password was set by someone else: choose your own at {AccountEndpoints.PasswordPath} first. Until then only that page and sign-out work.");
    }
}
