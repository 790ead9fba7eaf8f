using Analytics.Data.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Insights;

internal static class InsightsRegistration
{
    /// <summary>Insights: anomaly scans, summaries and projections, the feed, and their delivery (e-mail, bell, webhook).</summary>
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddSingleton<InsightScanner>();
        services.AddSingleton<InsightStore>();
        services.AddSingleton<InsightFeed>();
        services.AddSingleton<ProjectionInsights>();
        services.AddSingleton<InsightDeliveryService>();
        services.AddSingleton<DemoHistoryScan>();
        services.AddSingleton<DemoHistoryScanHost>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoHistoryScanHost>());
        services.AddSettings<InsightOptions>(InsightOptions.Section)
            .Validate<OutboundGuard>((o, guard) => string.IsNullOrWhiteSpace(o.WebhookUrl) || guard.UrlError(o.WebhookUrl) is null,
                "Analytics:Insights:WebhookUrl must be an absolute http(s) URL of a public address (or a host listed in Analytics:Outbound:AllowedHosts).");
        return services;
    }
}
