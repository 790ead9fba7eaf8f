namespace Analytics.Domain.Dashboards;

/// <summary>A dashboard on a 12-column grid.</summary>
public sealed class Dashboard
{
    public const int GridColumns = 12;
    public const int MaxWidgets = 100;

    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public required string OwnerId { get; set; }
    /// <summary>0 = no auto-refresh.</summary>
    public int RefreshSeconds { get; set; }
    /// <summary>The dashboard's global filters: a JSON array of <see cref="DashboardFilter"/>.</summary>
    public string FiltersJson { get; set; } = "[]";
    /// <summary><see cref="DashboardSettings"/> as JSON.</summary>
    public string SettingsJson { get; set; } = "{}";
    public string? FolderId { get; set; }
    /// <summary>The public read-only link's token (unguessable), or null when the dashboard has no public link.</summary>
    public string? PublicToken { get; set; }
    /// <summary>
    /// What the public link shows: the dashboard as published (a <see cref="DashboardDefinition"/> as JSON — name,
    /// description, filters, settings, widgets), taken when the link is created and refreshed only by the owner's own
    /// saves or an explicit "update public link", so an editor's change never reaches the public view on its own.
    /// </summary>
    public string? PublicSnapshotJson { get; set; }
    /// <summary>When <see cref="PublicSnapshotJson"/> was taken.</summary>
    public DateTimeOffset? PublicSnapshotAt { get; set; }
    /// <summary>The <see cref="Version"/> the public link shows; behind <see cref="Version"/> when someone else saved since.</summary>
    public int? PublicSnapshotVersion { get; set; }
    /// <summary>Incremented by every save; editors send the version they started from and learn when someone saved in between.</summary>
    public int Version { get; set; } = 1;
    public string? UpdatedBy { get; set; }
    public List<Widget> Widgets { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One tile of a dashboard. <see cref="Type"/> names a <see cref="WidgetKind"/> (line, bar, kpi, table, text, …).</summary>
public sealed class Widget
{
    public required string Id { get; init; }
    public required string DashboardId { get; init; }
    public required string Type { get; set; }
    public int X { get; set; }
    public int Y { get; set; }
    public int W { get; set; } = 4;
    public int H { get; set; } = 3;
    /// <summary><c>{ query, title, options }</c> as JSON (CONTRACT.md).</summary>
    public string ConfigJson { get; set; } = "{}";
}

/// <summary>
/// A folder of dashboards, inside another folder or at the top (<see cref="ParentId"/> null); sharing a folder shares
/// every dashboard in it and in its subfolders (<see cref="FolderTree"/>).
/// </summary>
public sealed class DashboardFolder
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string OwnerId { get; init; }
    /// <summary>The folder this one sits in; null at the top level.</summary>
    public string? ParentId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

public enum SharePermission { View = 1, Edit = 2 }

public enum SharePrincipal { User, Team }

public enum ShareTarget { Dashboard, Folder }

/// <summary>A grant of view or edit on a dashboard or a folder to a user or a team.</summary>
public sealed class DashboardShare
{
    public required string Id { get; init; }
    public ShareTarget TargetKind { get; init; }
    public required string TargetId { get; init; }
    public SharePrincipal PrincipalKind { get; init; }
    public required string PrincipalId { get; init; }
    public SharePermission Permission { get; set; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A group of users that folders and dashboards can be shared with.</summary>
public sealed class Team
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<TeamMember> Members { get; set; } = [];
}

public sealed class TeamMember
{
    public required string TeamId { get; init; }
    public required string UserId { get; init; }
}

/// <summary>A comment on a dashboard, or on one of its widgets; <c>@name</c> mentions notify.</summary>
public sealed class DashboardComment
{
    public required string Id { get; init; }
    public required string DashboardId { get; init; }
    public string? WidgetId { get; init; }
    public required string AuthorId { get; init; }
    public required string Body { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class DashboardFavorite
{
    public required string UserId { get; init; }
    public required string DashboardId { get; init; }
}

/// <summary>When a user last opened a dashboard: one row per user and dashboard, so Home can list their recent ones.</summary>
public sealed class DashboardVisit
{
    public required string UserId { get; init; }
    public required string DashboardId { get; init; }
    public DateTimeOffset OpenedAt { get; set; }
}
