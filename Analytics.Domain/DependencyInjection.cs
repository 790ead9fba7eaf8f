using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Analytics.Domain;

public static class DependencyInjection
{
    /// <summary>The domain's services: pure rules, no I/O. Time comes from <see cref="TimeProvider"/>.</summary>
    public static IHostApplicationBuilder AddAnalyticsDomain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
