using Analytics.Data.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Data.Seeding;

internal static class SeedingRegistration
{
    /// <summary>Start-up: migrate, seed (idempotently) and ensure the first admin, before the hosted services registered after it start.</summary>
    public static IServiceCollection AddDatabaseInitializer(this IServiceCollection services)
    {
        services.AddSingleton<DemoWorkspaceSeeder>();
        services.AddSingleton<BulkSeeder>();
        services.TryAddSingleton<StartupTimeline>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
        return services;
    }
}
