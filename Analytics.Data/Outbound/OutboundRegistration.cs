using Analytics.Data.Amc;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Outbound;

internal static class OutboundRegistration
{
    /// <summary>
    /// The guard for requests to user-set URLs and the AMC host policy, validated at start, and the named clients that
    /// reach such URLs, each sent through the guard: alert webhooks, the insight webhook and AMC (which also passes
    /// <see cref="AmcHostGuardHandler"/>).
    /// </summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services)
    {
        services.AddSettings<OutboundOptions>(OutboundOptions.Section)
            .Validate(o => o.AllowedHosts.All(OutboundOptions.IsHostEntry),
                "Analytics:Outbound:AllowedHosts lists host names or IP addresses as they appear in URLs (e.g. 127.0.0.1 or hooks.internal), without scheme, port or path.");
        services.AddSingleton<OutboundGuard>();
        services.AddSettings<AmcHostOptions>(AmcHostOptions.Section)
            .Validate(o => o.ApiHosts.Concat(o.DownloadHosts).All(OutboundOptions.IsHostEntry),
                "Analytics:Amc:AllowedHosts and AllowedDownloadHosts list host names (exact, or *.domain for its subdomains), without scheme, port or path.");
        services.AddSingleton<AmcHostPolicy>();
        services.AddTransient<AmcHostGuardHandler>();

        services.AddHttpClient(Alerts.AlertEvaluationService.WebhookClient, c => c.Timeout = TimeSpan.FromSeconds(10)).AddOutboundGuard();
        services.AddHttpClient(Insights.InsightStore.WebhookClient, c => c.Timeout = TimeSpan.FromSeconds(10)).AddOutboundGuard();
        services.AddHttpClient(Sources.Connectors.AmcSourceConnector.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddOutboundGuard()
            .AddHttpMessageHandler<AmcHostGuardHandler>();
        return services;
    }
}
