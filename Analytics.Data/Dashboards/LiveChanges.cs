using Microsoft.Extensions.Logging;

namespace Analytics.Data.Dashboards;

/// <summary>A dashboard was saved (<see cref="Version"/> is the new version) or deleted (<see cref="Version"/> −1).</summary>
public sealed record DashboardChange(string DashboardId, int Version, string UserId, string UserName);

public sealed class DashboardChangeNotifier(ILogger<DashboardChangeNotifier> logger) : Notifier<DashboardChange>(logger);

/// <summary>Operational metrics with these names received points.</summary>
public sealed record MetricsChange(IReadOnlyList<string> Names);

public sealed class MetricsChangeNotifier(ILogger<MetricsChangeNotifier> logger) : Notifier<MetricsChange>(logger);

/// <summary>
/// Marks notifications that arrived from another app process (PostgreSQL NOTIFY) while they are re-published here, so
/// the bridge does not send them back out.
/// </summary>
public static class RemoteOrigin
{
    [ThreadStatic] private static bool _active;

    public static bool Active => _active;

    public static void Run(Action publish)
    {
        _active = true;
        try
        {
            publish();
        }
        finally
        {
            _active = false;
        }
    }
}
