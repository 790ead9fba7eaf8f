using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

public sealed record DashboardSummary(string Id, string Name, string Description, string OwnerId, string OwnerName, int WidgetCount,
    DateTimeOffset UpdatedAt, bool CanEdit, string Permission, bool Favorite, bool Shared, string? FolderId, string? FolderName);

public sealed record DashboardListQuery(string? Search = null, string? Scope = null, string? FolderId = null);

/// <summary>A dashboard as its viewer gets it: the definition, what they may do with it, and the public link when they manage it.</summary>
public sealed record DashboardView(string Id, string Name, string Description, int RefreshSeconds, IReadOnlyList<DashboardFilter> Filters,
    DashboardSettings Settings, string? FolderId, IReadOnlyList<WidgetView> Widgets, string OwnerId, string OwnerName, int Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? UpdatedBy, string Permission, bool CanEdit, bool CanManage, bool Favorite,
    string? PublicToken);

public sealed record WidgetView(string Id, string Type, WidgetPosition Position, WidgetConfig Config);

/// <summary>What a save did: the saved dashboard, and who saved in between when the editor's version was behind (last write wins).</summary>
public sealed record DashboardSaveResult(DashboardView Dashboard, string? OverwroteChangesBy);

public sealed record ShareInput(string? UserId, string? TeamId, string? Permission, bool? Public);

public sealed record ShareView(string Id, string Target, string TargetId, string PrincipalKind, string PrincipalId, string PrincipalName,
    string Permission, DateTimeOffset CreatedAt);

/// <param name="PublicPublishedAt">When the public link's view was published (it shows the dashboard as it was then).</param>
/// <param name="PublicPublishedVersion">The dashboard version the public link shows.</param>
/// <param name="Version">The dashboard's current version: when it differs, the link shows an older version until its owner updates it.</param>
public sealed record SharesView(IReadOnlyList<ShareView> Shares, string? PublicToken, DateTimeOffset? PublicPublishedAt = null,
    int? PublicPublishedVersion = null, int Version = 0)
{
    /// <summary>The dashboard changed since the public link's view was published.</summary>
    public bool PublicOutdated => PublicToken is not null && PublicPublishedVersion != Version;
}

/// <summary>A public link's dashboard as published, and whose access its widgets are computed with (the owner's).</summary>
public sealed record PublishedDashboard(DashboardView View, string OwnerId);

public sealed record CommentView(string Id, string? WidgetId, string AuthorId, string AuthorName, string Body, DateTimeOffset CreatedAt);

/// <param name="ParentId">The folder it sits in, when the caller sees that one too; null at (the caller's) top level.</param>
public sealed record FolderView(string Id, string Name, string OwnerId, int DashboardCount, bool CanManage, string? ParentId = null);

public sealed record TeamView(string Id, string Name, IReadOnlyList<string> MemberIds);

/// <summary>
/// Dashboards and their widgets, favourites and the public link's snapshot (sharing: <see cref="DashboardSharing"/>;
/// comments: <see cref="DashboardComments"/>). Every operation takes the <see cref="Actor"/> and applies
/// <see cref="DashboardAccess"/>, so the UI, the API, exports and chat share one set of rules; saves publish a
/// <see cref="DashboardChange"/> so open pages (in this process and, on PostgreSQL, in others) see them.
/// </summary>
public sealed partial class DashboardService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardChangeNotifier changes,
    TimeProvider clock)
{
    // ---- reading -------------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<DashboardSummary>> ListAsync(Actor actor, CancellationToken ct) => await ListAsync(actor, new DashboardListQuery(), ct);

    public async Task<IReadOnlyList<DashboardSummary>> ListAsync(Actor actor, DashboardListQuery query, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var teams = await TeamsOfAsync(db, actor, ct);
        var (rows, shares) = await VisibleAsync(db, actor.UserId, actor.IsAdmin, teams, ct);
        var tree = await FolderTreeAsync(db, ct);
        var sharedDashboards = shares.Where(s => s.TargetKind == ShareTarget.Dashboard).Select(s => s.TargetId).ToList();
        var sharedFolders = tree.Expand(shares.Where(s => s.TargetKind == ShareTarget.Folder).Select(s => s.TargetId));
        if (query.FolderId is { } folder) rows = rows.Where(d => d.FolderId == folder);
        var list = await rows.Select(d => new { Dashboard = d, Widgets = d.Widgets.Count }).ToListAsync(ct);
        var favorites = (await db.DashboardFavorites.AsNoTracking().Where(f => f.UserId == actor.UserId).Select(f => f.DashboardId).ToListAsync(ct)).ToHashSet();
        var ownerIds = list.Select(r => r.Dashboard.OwnerId).Distinct().ToList();
        var owners = await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var folderIds = list.Select(r => r.Dashboard.FolderId).OfType<string>().Distinct().ToList();
        var folders = await db.DashboardFolders.AsNoTracking().Where(f => folderIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, f => f.Name, ct);
        var allShared = (await db.DashboardShares.AsNoTracking().Where(s => s.TargetKind == ShareTarget.Dashboard).Select(s => s.TargetId).Distinct().ToListAsync(ct)).ToHashSet();

        var search = query.Search?.Trim();
        return list
            .Select(r =>
            {
                var d = r.Dashboard;
                var permission = actor.PermissionOf(d, shares, teams, tree.SelfAndAncestors(d.FolderId)) ?? SharePermission.View;
                return new DashboardSummary(d.Id, d.Name, d.Description, d.OwnerId, OwnerName(d.OwnerId, owners), r.Widgets, d.UpdatedAt,
                    permission == SharePermission.Edit, permission.ToString().ToLowerInvariant(), favorites.Contains(d.Id),
                    allShared.Contains(d.Id) || d.PublicToken is not null, d.FolderId, d.FolderId is { } f && folders.TryGetValue(f, out var n) ? n : null);
            })
            .Where(s => string.IsNullOrEmpty(search) || s.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || s.Description.Contains(search, StringComparison.OrdinalIgnoreCase) || s.OwnerName.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Where(s => query.Scope switch
            {
                "mine" => s.OwnerId == actor.UserId,
                "shared" => s.OwnerId != actor.UserId && s.OwnerId != DashboardAccess.WorkspaceOwner && (sharedDashboards.Contains(s.Id) || (s.FolderId is { } f && sharedFolders.Contains(f))),
                "favorites" => s.Favorite,
                "workspace" => s.OwnerId == DashboardAccess.WorkspaceOwner,
                _ => true,
            })
            .OrderByDescending(s => s.Favorite).ThenByDescending(s => s.UpdatedAt)
            .ToList();
    }

    public async Task<DashboardView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, permission) = await LoadVisibleAsync(db, actor, id, tracking: false, ct);
        return await ViewAsync(db, actor, dashboard, permission, ct);
    }

    /// <summary>
    /// The dashboard behind a public link as its owner published it (not as it is now: an editor's later change is not
    /// public until the owner saves or updates the link), and whose access its widgets are computed with.
    /// </summary>
    public async Task<PublishedDashboard> GetPublicAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 64) throw new NotFoundException("Public dashboard", "link");
        await using var db = await factory.CreateDbContextAsync(ct);
        var dashboard = await db.Dashboards.AsNoTracking().FirstOrDefaultAsync(d => d.PublicToken == token, ct);
        if (dashboard?.PublicSnapshotJson is not { } json) throw new NotFoundException("Public dashboard", "link");
        var published = System.Text.Json.JsonSerializer.Deserialize<DashboardDefinition>(json, DashboardDefinition.Json)!;
        var view = new DashboardView(dashboard.Id, published.Name ?? "", published.Description ?? "", published.RefreshSeconds ?? 0, published.Filters ?? [],
            published.Settings ?? new DashboardSettings(), null,
            (published.Widgets ?? []).Select(w => new WidgetView(w.Id!, w.Type!, w.Position!, w.Config ?? new WidgetConfig())).ToList(),
            dashboard.OwnerId, "", dashboard.PublicSnapshotVersion ?? 0, dashboard.CreatedAt, dashboard.PublicSnapshotAt ?? dashboard.UpdatedAt, null,
            "view", CanEdit: false, CanManage: false, Favorite: false, PublicToken: null);
        return new PublishedDashboard(view, dashboard.OwnerId);
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    public async Task<DashboardView> CreateAsync(Actor actor, DashboardDefinition definition, CancellationToken ct)
    {
        actor.EnsureCanAuthor("create dashboards");
        definition.Validate();
        actor.EnsureCanPinInstances(definition, stored: null);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (definition.FolderId is { } folderId) await EnsureFolderUsableAsync(db, actor, folderId, ct);
        var now = clock.GetUtcNow();
        var dashboard = new Dashboard { Id = Ids.New(), Name = definition.Name!.Trim(), OwnerId = actor.UserId, CreatedAt = now, UpdatedAt = now, UpdatedBy = actor.UserId };
        Apply(dashboard, definition);
        db.Dashboards.Add(dashboard);
        await db.SaveChangesAsync(ct);
        changes.Publish(new DashboardChange(dashboard.Id, dashboard.Version, actor.UserId, actor.DisplayName));
        return await ViewAsync(db, actor, dashboard, SharePermission.Edit, ct);
    }

    /// <summary>
    /// Replaces the dashboard with <paramref name="definition"/> (last write wins). When the editor's
    /// <see cref="DashboardDefinition.Version"/> is behind, the result names who saved in between.
    /// </summary>
    public async Task<DashboardSaveResult> UpdateAsync(Actor actor, string id, DashboardDefinition definition, CancellationToken ct)
    {
        definition.Validate();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (dashboard, permission) = await LoadVisibleAsync(db, actor, id, tracking: true, ct);
        actor.EnsureCanEdit(dashboard, permission);
        actor.EnsureCanPinInstances(definition, dashboard);
        if (definition.FolderId is { } folderId && folderId != dashboard.FolderId)
        {
            if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner can move it to another folder.");
            await EnsureFolderUsableAsync(db, actor, folderId, ct);
        }
        string? overwrote = null;
        if (definition.Version is { } v && v < dashboard.Version && dashboard.UpdatedBy is { } by && by != actor.UserId)
            overwrote = await db.Users.AsNoTracking().Where(u => u.Id == by).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "another user";
        dashboard.Name = definition.Name!.Trim();
        Apply(dashboard, definition);
        if (definition.FolderId is null && actor.CanManage(dashboard)) dashboard.FolderId = null;
        await CommitChangeAsync(db, tx, dashboard, actor, ct);
        return new DashboardSaveResult(await ViewAsync(db, actor, dashboard, permission, ct), overwrote);
    }

    public async Task<DashboardView> DuplicateAsync(Actor actor, string id, string? name, CancellationToken ct)
    {
        var source = await GetAsync(actor, id, ct);
        return await CreateAsync(actor, ToDefinition(source) with { Name = string.IsNullOrWhiteSpace(name) ? $"{source.Name} (copy)" : name, FolderId = null }, ct);
    }

    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await LoadVisibleAsync(db, actor, id, tracking: true, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin can delete it.");
        db.DashboardShares.RemoveRange(db.DashboardShares.Where(s => s.TargetKind == ShareTarget.Dashboard && s.TargetId == id));
        db.DashboardComments.RemoveRange(db.DashboardComments.Where(c => c.DashboardId == id));
        db.DashboardFavorites.RemoveRange(db.DashboardFavorites.Where(f => f.DashboardId == id));
        db.DashboardVisits.RemoveRange(db.DashboardVisits.Where(v => v.DashboardId == id));
        db.Dashboards.Remove(dashboard);
        await db.SaveChangesAsync(ct);
        changes.Publish(new DashboardChange(id, -1, actor.UserId, actor.DisplayName));
    }

    public async Task<DashboardView> InstantiateTemplateAsync(Actor actor, string templateId, string? name, IReadOnlyList<string>? sourceIds, CancellationToken ct)
    {
        var template = DashboardTemplates.Find(templateId) ?? throw new NotFoundException("Dashboard template", templateId);
        foreach (var sourceId in sourceIds ?? []) actor.EnsureCanReadInstance(sourceId);
        return await CreateAsync(actor, template.Instantiate(name, template.NeedsInstances ? sourceIds ?? [] : []), ct);
    }

    public async Task SetFavoriteAsync(Actor actor, string id, bool favorite, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await LoadVisibleAsync(db, actor, id, tracking: false, ct);
        var existing = await db.DashboardFavorites.FirstOrDefaultAsync(f => f.UserId == actor.UserId && f.DashboardId == id, ct);
        if (favorite && existing is null) db.DashboardFavorites.Add(new DashboardFavorite { UserId = actor.UserId, DashboardId = id });
        if (!favorite && existing is not null) db.DashboardFavorites.Remove(existing);
        await db.SaveChangesAsync(ct);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    public static DashboardDefinition ToDefinition(DashboardView view) => new()
    {
        Name = view.Name, Description = view.Description, RefreshSeconds = view.RefreshSeconds, Filters = view.Filters,
        Settings = view.Settings, FolderId = view.FolderId, Version = view.Version,
        Widgets = view.Widgets.Select(w => new WidgetDefinition { Id = w.Id, Type = w.Type, Position = w.Position, Config = w.Config }).ToList(),
    };

    internal async Task<(Dashboard Dashboard, SharePermission Permission)> LoadVisibleAsync(AnalyticsDbContext db, Actor actor, string id, bool tracking, CancellationToken ct)
    {
        var query = tracking ? db.Dashboards : db.Dashboards.AsNoTracking();
        var dashboard = await query.Include(d => d.Widgets).FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("Dashboard", id);
        var (shares, folders) = await SharesForAsync(db, dashboard, ct);
        var permission = actor.PermissionOf(dashboard, shares, await TeamsOfAsync(db, actor, ct), folders) ?? throw new NotFoundException("Dashboard", id);
        return (dashboard, permission);
    }

    /// <summary>
    /// Ids of the dashboards a user may open — their own, the workspace's, those shared with them or one of their teams
    /// directly or through a folder; every one for an admin. For what hangs off a dashboard elsewhere (its insights).
    /// </summary>
    public static async Task<IReadOnlySet<string>> VisibleIdsAsync(AnalyticsDbContext db, string userId, bool isAdmin, CancellationToken ct)
    {
        var teams = (await db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.TeamId).ToListAsync(ct)).ToHashSet();
        var (rows, _) = await VisibleAsync(db, userId, isAdmin, teams, ct);
        return (await rows.Select(d => d.Id).ToListAsync(ct)).ToHashSet();
    }

    /// <summary>The dashboards a user may open, and the shares (to them or their teams) that open some of them.</summary>
    private static async Task<(IQueryable<Dashboard> Rows, List<DashboardShare> Shares)> VisibleAsync(
        AnalyticsDbContext db, string userId, bool isAdmin, IReadOnlySet<string> teams, CancellationToken ct)
    {
        var shares = await db.DashboardShares.AsNoTracking()
            .Where(s => (s.PrincipalKind == SharePrincipal.User && s.PrincipalId == userId) || (s.PrincipalKind == SharePrincipal.Team && teams.Contains(s.PrincipalId)))
            .ToListAsync(ct);
        var rows = db.Dashboards.AsNoTracking();
        if (isAdmin) return (rows, shares);
        var sharedDashboards = shares.Where(s => s.TargetKind == ShareTarget.Dashboard).Select(s => s.TargetId).ToList();
        var folderShares = shares.Where(s => s.TargetKind == ShareTarget.Folder).Select(s => s.TargetId).ToList();
        // A folder's share opens the dashboards in it and in every folder below it.
        var sharedFolders = folderShares.Count == 0 ? [] : (await FolderTreeAsync(db, ct)).Expand(folderShares).ToList();
        return (rows.Where(d => d.OwnerId == userId || d.OwnerId == DashboardAccess.WorkspaceOwner || sharedDashboards.Contains(d.Id)
            || (d.FolderId != null && sharedFolders.Contains(d.FolderId))), shares);
    }

    /// <summary>A saved change: the next version, by whom and when, committed, then announced to the dashboard's open viewers and editors.</summary>
    private async Task CommitChangeAsync(AnalyticsDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, Dashboard dashboard, Actor actor, CancellationToken ct)
    {
        dashboard.Version++;
        dashboard.UpdatedAt = clock.GetUtcNow();
        dashboard.UpdatedBy = actor.UserId;
        // The owner's own save is what the owner publishes; anyone else's waits for the owner (PublishAsync).
        if (dashboard.PublicToken is not null && dashboard.OwnerId == actor.UserId) Publish(dashboard);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        changes.Publish(new DashboardChange(dashboard.Id, dashboard.Version, actor.UserId, actor.DisplayName));
    }

    /// <summary>The shares that reach a dashboard (its own, its folder's and those of the folders above), and those folders.</summary>
    internal static async Task<(List<DashboardShare> Shares, IReadOnlyList<string> Folders)> SharesForAsync(AnalyticsDbContext db, Dashboard dashboard, CancellationToken ct)
    {
        IReadOnlyList<string> folders = dashboard.FolderId is null ? [] : (await FolderTreeAsync(db, ct)).SelfAndAncestors(dashboard.FolderId);
        var shares = await db.DashboardShares.AsNoTracking()
            .Where(s => (s.TargetKind == ShareTarget.Dashboard && s.TargetId == dashboard.Id) || (s.TargetKind == ShareTarget.Folder && folders.Contains(s.TargetId)))
            .ToListAsync(ct);
        return (shares, folders);
    }

    /// <summary>Every folder's place (a small table: read whole).</summary>
    internal static async Task<FolderTree> FolderTreeAsync(AnalyticsDbContext db, CancellationToken ct) =>
        new((await db.DashboardFolders.AsNoTracking().Select(f => new { f.Id, f.ParentId }).ToListAsync(ct)).Select(f => (f.Id, f.ParentId)));

    internal static async Task<IReadOnlySet<string>> TeamsOfAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct) =>
        (await db.TeamMembers.AsNoTracking().Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct)).ToHashSet();

    /// <summary>A folder the actor may put things in: one of theirs (admins: any). A 400 on <paramref name="field"/> otherwise.</summary>
    internal static async Task EnsureFolderUsableAsync(AnalyticsDbContext db, Actor actor, string folderId, CancellationToken ct, string field = "folderId")
    {
        var folder = await db.DashboardFolders.AsNoTracking().FirstOrDefaultAsync(f => f.Id == folderId, ct);
        if (folder is null || !actor.CanEditOwnedBy(folder.OwnerId)) throw new ValidationException(field, $"No folder '{folderId}' of yours exists.");
    }

    private async Task<DashboardView> ViewAsync(AnalyticsDbContext db, Actor actor, Dashboard dashboard, SharePermission permission, CancellationToken ct)
    {
        var favorite = await db.DashboardFavorites.AsNoTracking().AnyAsync(f => f.UserId == actor.UserId && f.DashboardId == dashboard.Id, ct);
        var owners = await db.Users.AsNoTracking().Where(u => u.Id == dashboard.OwnerId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var canManage = actor.CanManage(dashboard);
        var view = ToView(dashboard, permission, canManage, favorite, OwnerName(dashboard.OwnerId, owners));
        return canManage ? view : view with { PublicToken = null };
    }

    private static DashboardView ToView(Dashboard d, SharePermission permission, bool canManage, bool favorite, string ownerName) =>
        new(d.Id, d.Name, d.Description, d.RefreshSeconds, DashboardFilters.Parse(d.FiltersJson), DashboardSettings.Parse(d.SettingsJson), d.FolderId,
            d.Widgets.OrderBy(w => w.Y).ThenBy(w => w.X).Select(w => new WidgetView(w.Id, w.Type, new WidgetPosition(w.X, w.Y, w.W, w.H), WidgetConfig.Parse(w.ConfigJson))).ToList(),
            d.OwnerId, ownerName, d.Version, d.CreatedAt, d.UpdatedAt, d.UpdatedBy, permission.ToString().ToLowerInvariant(),
            permission == SharePermission.Edit, canManage, favorite, d.PublicToken);

    private static void Apply(Dashboard dashboard, DashboardDefinition definition)
    {
        dashboard.Description = (definition.Description ?? "").Trim();
        dashboard.RefreshSeconds = definition.RefreshSeconds ?? 0;
        dashboard.FiltersJson = DashboardFilters.ToJson(definition.Filters ?? []);
        dashboard.SettingsJson = System.Text.Json.JsonSerializer.Serialize(definition.Settings ?? new DashboardSettings(), DashboardDefinition.Json);
        if (definition.FolderId is not null) dashboard.FolderId = definition.FolderId;
        var kept = (definition.Widgets ?? []).Where(w => w.Id is not null).Select(w => w.Id!).ToHashSet();
        dashboard.Widgets.RemoveAll(w => !kept.Contains(w.Id));
        foreach (var w in definition.Widgets ?? [])
        {
            var p = w.Position!;
            var widget = w.Id is null ? null : dashboard.Widgets.FirstOrDefault(x => x.Id == w.Id);
            if (widget is null)
            {
                widget = new Widget { Id = w.Id ?? Ids.New(), DashboardId = dashboard.Id, Type = w.Type! };
                dashboard.Widgets.Add(widget);
            }
            widget.Type = w.Type!;
            (widget.X, widget.Y, widget.W, widget.H) = (p.X, p.Y, p.W, p.H);
            widget.ConfigJson = (w.Config ?? new WidgetConfig()).ToJson();
        }
    }

    /// <summary>Takes the public link's view: the dashboard as it is now.</summary>
    internal void Publish(Dashboard dashboard)
    {
        var definition = new DashboardDefinition
        {
            Name = dashboard.Name, Description = dashboard.Description, RefreshSeconds = dashboard.RefreshSeconds,
            Filters = DashboardFilters.Parse(dashboard.FiltersJson), Settings = DashboardSettings.Parse(dashboard.SettingsJson),
            Widgets = dashboard.Widgets.OrderBy(w => w.Y).ThenBy(w => w.X)
                .Select(w => new WidgetDefinition { Id = w.Id, Type = w.Type, Position = new WidgetPosition(w.X, w.Y, w.W, w.H), Config = WidgetConfig.Parse(w.ConfigJson) }).ToList(),
            Version = dashboard.Version,
        };
        dashboard.PublicSnapshotJson = System.Text.Json.JsonSerializer.Serialize(definition, DashboardDefinition.Json);
        dashboard.PublicSnapshotAt = clock.GetUtcNow();
        dashboard.PublicSnapshotVersion = dashboard.Version;
    }

    internal static string OwnerName(string ownerId, IReadOnlyDictionary<string, string> names) =>
        ownerId == DashboardAccess.WorkspaceOwner ? "Workspace" : names.GetValueOrDefault(ownerId, "Unknown user");
}
