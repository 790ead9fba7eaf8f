using MudBlazor;

namespace Analytics.Web.Components.Layout;

/// <summary>One entry of the side navigation; <see cref="Icon"/> is a MudBlazor SVG icon (<see cref="Icons.Material.Filled"/>).</summary>
public sealed record NavItem(string Text, string Path, string Icon, bool AdminOnly = false);

/// <summary>The app's areas, in menu order. One list: the menu, tests and the home page's links read it.</summary>
public static class NavItems
{
    public static IReadOnlyList<NavItem> All { get; } =
    [
        new("Home", "/", Icons.Material.Filled.Home),
        new("Dashboards", "/dashboards", Icons.Material.Filled.Dashboard),
        new("Reports", "/reports", Icons.Material.Filled.Description),
        new("Data collections", "/collections", Icons.Material.Filled.CloudDownload),
        new("Sources", "/sources", Icons.Material.Filled.Storage),
        new("Chat", "/chat", Icons.Material.Filled.Forum),
        new("Insights", "/insights", Icons.Material.Filled.Lightbulb),
        new("Alerts", "/alerts", Icons.Material.Filled.Notifications),
        new("Subscriptions", "/subscriptions", Icons.Material.Filled.ForwardToInbox),
        new("Schedules", "/schedules", Icons.Material.Filled.EventRepeat),
        new("Export history", "/exports", Icons.Material.Filled.History),
        new("Jobs", "/admin/jobs", Icons.Material.Filled.Schedule, AdminOnly: true),
        new("Users", "/admin/users", Icons.Material.Filled.Group, AdminOnly: true),
        new("Teams", "/admin/teams", Icons.Material.Filled.Groups, AdminOnly: true),
        new("Chat audit", "/admin/chat-audit", Icons.Material.Filled.ManageSearch, AdminOnly: true),
        new("Chat data sharing", "/admin/chat-egress", Icons.Material.Filled.Shield, AdminOnly: true),
        new("Audit trail", "/admin/audit", Icons.Material.Filled.Policy, AdminOnly: true),
        new("Backups", "/admin/backups", Icons.Material.Filled.Backup, AdminOnly: true),
    ];

    public static IEnumerable<NavItem> For(bool isAdmin) => All.Where(i => isAdmin || !i.AdminOnly);
}
