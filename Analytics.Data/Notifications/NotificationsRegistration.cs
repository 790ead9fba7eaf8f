using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Notifications;

internal static class NotificationsRegistration
{
    /// <summary>The in-app notifications (the bell) and their live updates.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationNotifier>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<ContentSharing>();
        return services;
    }
}
