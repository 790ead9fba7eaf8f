using Analytics.Data.Identity;
using Analytics.Data.RateLimiting;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Data;

/// <summary>Sign-in settings, the password policy, rate limits and delivery safeguards: one place for what guards the app.</summary>
internal static class SecurityRegistration
{
    public static void AddAnalyticsSecurity(IServiceCollection services)
    {
        services.AddSettings<AuthOptions>(AuthOptions.Section)
            .Validate(o => o.SessionRevalidationSeconds is >= 1 and <= 3600,
                "Analytics:Auth:SessionRevalidationSeconds must be between 1 and 3600 (how often sessions are checked against the database).")
            .Validate(o => string.IsNullOrEmpty(o.AdminPassword) || PasswordPolicy.LengthProblem(o.AdminPassword) is null,
                $"Analytics:Auth:AdminPassword is too short or too long: passwords need {PasswordPolicy.Describe} (at most {PasswordPolicy.MaxLength}). Leave it empty to have one generated.");
        services.Configure<IdentityOptions>(ApplyPolicy);
        services.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<InitialAdminPassword>();
        services.AddScoped<PasswordService>();
        services.AddSingleton<SubscriptionSafeguards>();
    }

    /// <summary>Identity's rules, the same for the app and every host built on the data layer.</summary>
    public static void ApplyPolicy(IdentityOptions o)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = PasswordPolicy.MinLength;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireDigit = true;
        o.Password.RequireLowercase = true;
        o.Lockout.MaxFailedAccessAttempts = 10;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    }
}
