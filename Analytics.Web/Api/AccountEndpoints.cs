using Analytics.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Analytics.Web.Api;

/// <summary>Sign-in and sign-out are plain form posts: the cookie must be set on an HTTP response, not in a circuit.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", async (
            [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<AppUser> signIn, UserManager<AppUser> users) =>
        {
            var back = SafeReturnUrl(returnUrl);
            if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
                return Results.LocalRedirect($"/account/login?error=missing&returnUrl={Uri.EscapeDataString(back)}");
            var user = await users.FindByEmailAsync(email.Trim());
            if (user is null || user.Disabled)
                return Results.LocalRedirect($"/account/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
            if (result.IsLockedOut) return Results.LocalRedirect($"/account/login?error=locked&returnUrl={Uri.EscapeDataString(back)}");
            if (!result.Succeeded) return Results.LocalRedirect($"/account/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
            return Results.LocalRedirect(back);
        }).AllowAnonymous();

        app.MapPost("/account/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });

        return app;
    }

    private static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}
