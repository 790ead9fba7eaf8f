using Analytics.Data.Audit;
using Analytics.Data.Operational;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Web.Instrumentation;

internal static class InstrumentationRegistration
{
    /// <summary>What the web adds to the app's own metrics and audit: open circuits, feature use, the caller's address.</summary>
    public static IServiceCollection AddWebInstrumentation(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<IClientAddress, HttpClientAddress>();
        services.AddSingleton<CircuitCounter>();
        services.AddSingleton<FeatureUseTracker>();
        services.AddSingleton<IMetricsGaugeSource>(sp => sp.GetRequiredService<CircuitCounter>());
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitMetricsHandler>());
        return services;
    }
}
