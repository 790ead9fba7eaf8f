using Analytics.Data.Audit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Data.Identity;

public static class IdentityRegistration
{
    /// <summary>
    /// Who acts and what they did: Identity over the app's database (registered here only: the app, the benchmark host and the
    /// test hosts share it; the web adds sign-in to <see cref="IdentityBuilder"/>), users, API keys, the actor of a request,
    /// the audit log, and the keys that protect sign-in cookies and source credentials (kept across restarts).
    /// </summary>
    internal static IServiceCollection AddAnalyticsIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        SecurityRegistration.AddAnalyticsSecurity(services);
        services.AddIdentityCore<AppUser>()
            .AddEntityFrameworkStores<AnalyticsDbContext>()
            .AddDefaultTokenProviders();
        services.TryAddSingleton<IClientAddress, NoClientAddress>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ActorResolver>();
        services.AddScoped<UserService>();
        services.AddScoped<ApiKeyService>();
        services.AddSingleton<UserPreferencesService>();
        services.AddDataProtection()
            .SetApplicationName("Analytics")
            .PersistKeysToFileSystem(new DirectoryInfo(DataDirectory.Keys(configuration)));
        return services;
    }

    /// <summary>The Identity registered by the data layer, for a host that adds to it (the web's sign-in manager and claims).</summary>
    public static IdentityBuilder Identity(this IServiceCollection services) => new(typeof(AppUser), services);
}
