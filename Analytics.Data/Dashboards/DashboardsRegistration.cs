using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Dashboards;

internal static class DashboardsRegistration
{
    /// <summary>Dashboards: editing and sharing, folders and teams, their data, public links, underlying rows, exports and live changes.</summary>
    public static IServiceCollection AddDashboards(this IServiceCollection services)
    {
        services.AddSingleton<DashboardService>();
        services.AddSingleton<DashboardSharing>();
        services.AddSingleton<DashboardFolders>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<DashboardComments>();
        services.AddSingleton<DashboardDataService>();
        services.AddSingleton<PublicDashboardService>();
        services.AddSingleton<UnderlyingRows>();
        services.AddSingleton<DashboardExportService>();
        services.AddSingleton<DashboardPortability>();
        services.AddSingleton<TemplatePreviews>();
        services.AddSingleton<DashboardChangeNotifier>();
        return services;
    }
}
