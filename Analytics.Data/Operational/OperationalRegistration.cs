using Analytics.Domain.Operational;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Operational;

internal static class OperationalRegistration
{
    /// <summary>The app's own metrics: the in-memory buffer, its flusher into the operational store, reads and retention.</summary>
    public static IServiceCollection AddOperationalMetrics(this IServiceCollection services)
    {
        services.AddSettings<MetricsOptions>(MetricsOptions.Section)
            .Validate(o => o.Retention.RawDays <= o.Retention.OneMinuteDays && o.Retention.OneMinuteDays <= o.Retention.FiveMinutesDays
                           && o.Retention.FiveMinutesDays <= o.Retention.OneHourDays && o.Retention.OneHourDays <= o.Retention.OneDayDays,
                "Analytics:Metrics:Retention must keep coarser resolutions at least as long as finer ones (RawDays <= OneMinuteDays <= ... <= OneDayDays).");
        services.AddSingleton<MetricsBuffer>();
        services.AddMetrics();
        services.AddSingleton<AppMeter>();
        services.AddSingleton<DbCommandTimingInterceptor>();
        services.AddSingleton<OperationalMetricsWriter>();
        services.AddSingleton<MetricQueryService>();
        services.AddSingleton<MetricRetention>();
        services.AddSingleton<MetricsFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsFlusher>());
        services.AddSingleton<Dashboards.MetricsChangeNotifier>();
        return services;
    }
}
