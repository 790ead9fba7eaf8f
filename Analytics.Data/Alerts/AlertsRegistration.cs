using Analytics.Domain.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Alerts;

internal static class AlertsRegistration
{
    /// <summary>Alert rules over the operational metrics, their evaluation and notifications.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertEvaluationService>();
        services.AddSingleton<IAlertMetricReader, AlertMetricReader>();
        return services;
    }
}
