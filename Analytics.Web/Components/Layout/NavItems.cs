namespace Analytics.Web.Components.Layout;

/// <summary>One entry of the side navigation.</summary>
public sealed record NavItem(string Text, string Path, string Icon, bool AdminOnly = false);

/// <summary>The app's areas, in menu order. One list: the menu, tests and the home page's links read it.</summary>
public static class NavItems
{
    public static IReadOnlyList<NavItem> All { get; } =
    [
        new("Home", "/", "home"),
        new("Dashboards", "/dashboards", "dashboard"),
        new("Reports", "/reports", "description"),
        new("Data collections", "/collections", "cloud_download"),
        new("Sources", "/sources", "storage"),
        new("Chat", "/chat", "forum"),
        new("Insights", "/insights", "lightbulb"),
        new("Alerts", "/alerts", "notifications"),
        new("Subscriptions", "/subscriptions", "forward_to_inbox"),
        new("Export history", "/exports", "history"),
        new("Jobs", "/admin/jobs", "schedule", AdminOnly: true),
        new("Users", "/admin/users", "group", AdminOnly: true),
        new("Chat audit", "/admin/chat-audit", "manage_search", AdminOnly: true),
        new("Chat data sharing", "/admin/chat-egress", "shield", AdminOnly: true),
        new("Audit trail", "/admin/audit", "policy", AdminOnly: true),
    ];

    public static IEnumerable<NavItem> For(bool isAdmin) => All.Where(i => isAdmin || !i.AdminOnly);
}
