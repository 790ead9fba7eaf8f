using System.Globalization;
using Analytics.Data.Audit;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Analytics.Web.Components;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Analytics.Web.Api;

/// <summary>
/// Sign-in, sign-out and the password change are plain form posts: the cookie must be set on an HTTP response, not
/// in a circuit. A refused post answers the page itself (429 with <c>Retry-After</c> past the sign-in limits, 400 for
/// a bad password change) with the message; anything else redirects.
/// </summary>
public static class AccountEndpoints
{
    public const string PasswordPath = "/account/password";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", async Task<IResult> (
            [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, HttpContext http, SignInService signIn, CancellationToken ct) =>
        {
            var back = SafeReturnUrl(returnUrl);
            var outcome = await signIn.SignInAsync(email, password, ct);
            switch (outcome.Status)
            {
                case SignInStatus.Succeeded:
                    return Results.LocalRedirect(back);
                case SignInStatus.MustChangePassword:
                    return Results.LocalRedirect($"{PasswordPath}?returnUrl={Uri.EscapeDataString(back)}");
                case SignInStatus.Throttled:
                    var seconds = RateLimits.Seconds(outcome.RetryAfter);
                    http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    http.Items[AccountMessages.ReturnUrlItem] = back;
                    return SignInPage(http, StatusCodes.Status429TooManyRequests, AccountMessages.TooManyAttempts(seconds));
                case SignInStatus.Missing:
                    return Results.LocalRedirect($"/account/login?error=missing&returnUrl={Uri.EscapeDataString(back)}");
                default:
                    return Results.LocalRedirect($"/account/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
            }
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignInPolicy);

        app.MapPost("/account/logout", async (HttpContext http, SignInManager<AppUser> signIn, ActorResolver actors, AuditLog audit, CancellationToken ct) =>
        {
            if (http.User.Identity?.IsAuthenticated == true && await actors.ResolveAsync(http.User, ct) is { } actor)
                await audit.RecordAsync(actor, AuditActions.SignOut, "user", actor.UserId, null, ct);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });

        app.MapPost(PasswordPath, async Task<IResult> (
            [FromForm] string? currentPassword, [FromForm] string? newPassword, [FromForm] string? confirmPassword, [FromForm] string? returnUrl,
            HttpContext http, ActorResolver actors, PasswordService passwords, SignInManager<AppUser> signIn, UserManager<AppUser> users, CancellationToken ct) =>
        {
            var back = SafeReturnUrl(returnUrl);
            var actor = await actors.ResolveAsync(http.User, ct);
            if (actor is null) return Results.LocalRedirect($"/account/login?returnUrl={Uri.EscapeDataString(PasswordPath)}");
            try
            {
                if (newPassword != confirmPassword) throw new ValidationException("confirmPassword", "The two new passwords differ; type the same one twice.");
                await passwords.ChangeAsync(actor, currentPassword, newPassword, ct);
            }
            catch (DomainException e) when (e is ValidationException or RateLimitedException)
            {
                var errors = e is ValidationException v ? v.Errors : new Dictionary<string, string[]> { ["currentPassword"] = [e.Message] };
                if (e is RateLimitedException r) http.Response.Headers.RetryAfter = RateLimits.Seconds(r.RetryAfter).ToString(CultureInfo.InvariantCulture);
                http.Items[AccountMessages.ErrorsItem] = errors;
                http.Items[AccountMessages.ReturnUrlItem] = back;
                return Page<Components.Pages.Account.ChangePassword>(e is RateLimitedException ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest);
            }
            // The change gave the account a new security stamp, which ends every other session; this one gets a fresh cookie.
            var user = await users.FindByIdAsync(actor.UserId);
            if (user is not null) await signIn.RefreshSignInAsync(user);
            return Results.LocalRedirect(back);
        }).RequireAuthorization(AuthSchemes.SignedInPolicy);

        return app;
    }

    /// <summary>The sign-in page itself as the answer, with <paramref name="status"/> and <paramref name="message"/> (the address stays /account/login).</summary>
    public static IResult SignInPage(HttpContext http, int status, string message)
    {
        http.Items[AccountMessages.MessageItem] = message;
        return Page<Components.Pages.Account.Login>(status);
    }

    /// <summary>
    /// <typeparamref name="TPage"/> as this response, the whole document through <see cref="App"/>; the posted-to
    /// address is the page's own. Rendered statically, as these pages always are.
    /// </summary>
    private static IResult Page<TPage>(int status) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<App>(new { Page = typeof(TPage) }) { StatusCode = status };

    private static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}
