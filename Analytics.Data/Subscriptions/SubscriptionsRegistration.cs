using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Subscriptions;

internal static class SubscriptionsRegistration
{
    /// <summary>Scheduled dashboard deliveries by e-mail.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddSettings<SubscriptionOptions>(SubscriptionOptions.Section);
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<SubscriptionRunner>();
        services.AddSingleton<DashboardEmailService>();
        return services;
    }
}
