using System.Security.Cryptography;
using Analytics.Data.Audit;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>
/// Who else sees a dashboard: shares with users and teams (of a dashboard or a whole folder), the public link and what it
/// shows. Only a dashboard's or folder's owner (or an admin) shares it. Folders themselves: <see cref="DashboardFolders"/>;
/// teams: <see cref="TeamService"/>.
/// </summary>
public sealed class DashboardSharing(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    NotificationService notifications,
    DashboardChangeNotifier changes,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<SharesView> ListSharesAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, id, tracking: false, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin sees and changes its shares.");
        return await SharesViewAsync(db, dashboard, ct);
    }

    /// <summary>
    /// Shares the dashboard with a user or a team (view or edit; sharing again changes the permission), or creates its
    /// public read-only link (<c>public: true</c>; an unguessable token). Recipients are notified.
    /// </summary>
    public async Task<SharesView> ShareAsync(Actor actor, string id, ShareInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, id, tracking: true, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin can share it.");
        if (input.Public == true)
        {
            if (input.UserId is not null || input.TeamId is not null) throw new ValidationException("public", "A public link is shared with nobody in particular: leave userId and teamId out.");
            if (dashboard.PublicToken is null)
            {
                dashboard.PublicToken = NewToken();
                dashboards.Publish(dashboard);
                await db.SaveChangesAsync(ct);
                await audit.RecordAsync(actor, AuditActions.PublicLinkCreated, "dashboard", id, $"public link to {dashboard.Name} (version {dashboard.Version})", ct);
            }
            return await SharesViewAsync(db, dashboard, ct);
        }
        await UpsertShareAsync(db, actor, ShareTarget.Dashboard, id, dashboard.Name, $"/dashboards/{id}", input, ct);
        return await SharesViewAsync(db, dashboard, ct);
    }

    /// <summary>
    /// Updates what the public link shows to the dashboard as it is now (owners and admins): after someone with edit
    /// access changed it, their change reaches the public view only this way (or by the owner's own save).
    /// </summary>
    public async Task<SharesView> PublishAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, id, tracking: true, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin can update its public link.");
        if (dashboard.PublicToken is null) throw new ConflictException($"'{dashboard.Name}' has no public link; create one first.");
        var from = dashboard.PublicSnapshotVersion;
        dashboards.Publish(dashboard);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.PublicLinkPublished, "dashboard", id, $"public link of {dashboard.Name} now shows version {dashboard.Version} (was {from})", ct);
        return await SharesViewAsync(db, dashboard, ct);
    }

    /// <summary>
    /// Public links created before links were published (no snapshot yet) publish the dashboard as it is now. Idempotent;
    /// run at start.
    /// </summary>
    public async Task PublishUnpublishedLinksAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var unpublished = await db.Dashboards.Include(d => d.Widgets).Where(d => d.PublicToken != null && d.PublicSnapshotJson == null).ToListAsync(ct);
        foreach (var dashboard in unpublished) dashboards.Publish(dashboard);
        await db.SaveChangesAsync(ct);
    }

    public async Task RevokeShareAsync(Actor actor, string id, string shareId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, id, tracking: true, ct);
        if (!actor.CanManage(dashboard)) throw new ForbiddenException("Only the dashboard's owner or an admin can revoke its shares.");
        string action, detail;
        if (shareId == "public")
        {
            if (dashboard.PublicToken is null) return;
            (dashboard.PublicToken, dashboard.PublicSnapshotJson, dashboard.PublicSnapshotAt, dashboard.PublicSnapshotVersion) = (null, null, null, null);
            (action, detail) = (AuditActions.PublicLinkRevoked, $"public link to {dashboard.Name}");
        }
        else
        {
            var share = await db.DashboardShares.FirstOrDefaultAsync(s => s.Id == shareId && s.TargetKind == ShareTarget.Dashboard && s.TargetId == id, ct)
                ?? throw new NotFoundException("Share", shareId);
            db.DashboardShares.Remove(share);
            (action, detail) = (AuditActions.ShareRevoked, await DescribeShareAsync(db, share, dashboard.Name, ct));
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, action, "dashboard", id, detail, ct);
        changes.Publish(new DashboardChange(id, dashboard.Version, actor.UserId, actor.DisplayName));
    }

    // ---- folders ---------------------------------------------------------------------------------------

    /// <summary>Shares a folder (every dashboard in it and in the folders below it) with a user or a team.</summary>
    public async Task<IReadOnlyList<ShareView>> ShareFolderAsync(Actor actor, string folderId, ShareInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var folder = await db.DashboardFolders.FirstOrDefaultAsync(f => f.Id == folderId, ct) ?? throw new NotFoundException("Folder", folderId);
        if (!actor.CanEditOwnedBy(folder.OwnerId)) throw new ForbiddenException("Only the folder's owner or an admin can share it.");
        if (input.Public == true) throw new ValidationException("public", "Folders have no public link; share a dashboard publicly instead.");
        await UpsertShareAsync(db, actor, ShareTarget.Folder, folderId, $"folder {folder.Name}", $"/dashboards?folder={folderId}", input, ct);
        return await ShareViewsAsync(db, ShareTarget.Folder, folderId, ct);
    }

    public async Task<IReadOnlyList<ShareView>> ListFolderSharesAsync(Actor actor, string folderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var folder = await db.DashboardFolders.AsNoTracking().FirstOrDefaultAsync(f => f.Id == folderId, ct) ?? throw new NotFoundException("Folder", folderId);
        if (!actor.CanEditOwnedBy(folder.OwnerId)) throw new ForbiddenException("Only the folder's owner or an admin sees and changes its shares.");
        return await ShareViewsAsync(db, ShareTarget.Folder, folderId, ct);
    }

    public async Task RevokeFolderShareAsync(Actor actor, string folderId, string shareId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var folder = await db.DashboardFolders.FirstOrDefaultAsync(f => f.Id == folderId, ct) ?? throw new NotFoundException("Folder", folderId);
        if (!actor.CanEditOwnedBy(folder.OwnerId)) throw new ForbiddenException("Only the folder's owner or an admin can revoke its shares.");
        var share = await db.DashboardShares.FirstOrDefaultAsync(s => s.Id == shareId && s.TargetKind == ShareTarget.Folder && s.TargetId == folderId, ct)
            ?? throw new NotFoundException("Share", shareId);
        db.DashboardShares.Remove(share);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.ShareRevoked, "folder", folderId, await DescribeShareAsync(db, share, $"folder {folder.Name}", ct), ct);
    }

    /// <summary>People a dashboard can be shared with or mentioned: every active user (names and e-mails only).</summary>
    public async Task<IReadOnlyList<(string Id, string Name, string Email)>> DirectoryAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => !u.Disabled).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        return users.OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).Select(u => (u.Id, u.DisplayName, u.Email ?? "")).ToList();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private async Task UpsertShareAsync(AnalyticsDbContext db, Actor actor, ShareTarget target, string targetId, string what, string link, ShareInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if ((input.UserId is null) == (input.TeamId is null)) errors["userId"] = ["Give exactly one of userId, teamId (or public: true for a dashboard's public link)."];
        SharePermission? permission = (input.Permission ?? "view").ToLowerInvariant() switch { "view" => SharePermission.View, "edit" => SharePermission.Edit, _ => null };
        if (permission is null) errors["permission"] = ["One of view, edit."];
        if (errors.Count > 0) throw new ValidationException(errors);
        var kind = input.UserId is not null ? SharePrincipal.User : SharePrincipal.Team;
        var principalId = input.UserId ?? input.TeamId!;
        List<string> recipients;
        if (kind == SharePrincipal.User)
        {
            if (!await db.Users.AnyAsync(u => u.Id == principalId && !u.Disabled, ct)) throw new ValidationException("userId", $"No active user has the id '{principalId}'.");
            if (principalId == actor.UserId) throw new ValidationException("userId", "You already have access to your own dashboard.");
            recipients = [principalId];
        }
        else
        {
            if (!await db.Teams.AnyAsync(t => t.Id == principalId, ct)) throw new ValidationException("teamId", $"No team has the id '{principalId}'.");
            recipients = await db.TeamMembers.Where(m => m.TeamId == principalId && m.UserId != actor.UserId).Select(m => m.UserId).ToListAsync(ct);
        }
        var existing = await db.DashboardShares.FirstOrDefaultAsync(s => s.TargetKind == target && s.TargetId == targetId && s.PrincipalKind == kind && s.PrincipalId == principalId, ct);
        if (existing is not null) existing.Permission = permission!.Value;
        else
        {
            db.DashboardShares.Add(new DashboardShare
            {
                Id = Ids.New(), TargetKind = target, TargetId = targetId, PrincipalKind = kind, PrincipalId = principalId,
                Permission = permission!.Value, CreatedBy = actor.UserId, CreatedAt = clock.GetUtcNow(),
            });
        }
        await db.SaveChangesAsync(ct);
        var verb = permission == SharePermission.Edit ? "edit" : "view";
        var principalName = kind == SharePrincipal.User
            ? await db.Users.AsNoTracking().Where(u => u.Id == principalId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct)
            : await db.Teams.AsNoTracking().Where(t => t.Id == principalId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        await audit.RecordAsync(actor, AuditActions.ShareGranted, target.ToString().ToLowerInvariant(), targetId,
            $"{what}: {verb} for {(kind == SharePrincipal.User ? "user" : "team")} {principalName ?? principalId}", ct);
        foreach (var recipient in recipients)
            await notifications.NotifyAsync(recipient, "share", $"{actor.DisplayName} shared {what} with you", $"You can {verb} it.", link, ct);
    }

    private static async Task<IReadOnlyList<ShareView>> ShareViewsAsync(AnalyticsDbContext db, ShareTarget target, string targetId, CancellationToken ct)
    {
        var shares = await db.DashboardShares.AsNoTracking().Where(s => s.TargetKind == target && s.TargetId == targetId).ToListAsync(ct);
        var userIds = shares.Where(s => s.PrincipalKind == SharePrincipal.User).Select(s => s.PrincipalId).ToList();
        var teamIds = shares.Where(s => s.PrincipalKind == SharePrincipal.Team).Select(s => s.PrincipalId).ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return shares.OrderBy(s => s.CreatedAt).Select(s => new ShareView(s.Id, s.TargetKind.ToString().ToLowerInvariant(), s.TargetId,
            s.PrincipalKind.ToString().ToLowerInvariant(), s.PrincipalId,
            (s.PrincipalKind == SharePrincipal.User ? users : teams).GetValueOrDefault(s.PrincipalId, s.PrincipalId),
            s.Permission.ToString().ToLowerInvariant(), s.CreatedAt)).ToList();
    }

    private static async Task<SharesView> SharesViewAsync(AnalyticsDbContext db, Dashboard dashboard, CancellationToken ct) =>
        new(await ShareViewsAsync(db, ShareTarget.Dashboard, dashboard.Id, ct), dashboard.PublicToken,
            dashboard.PublicToken is null ? null : dashboard.PublicSnapshotAt, dashboard.PublicToken is null ? null : dashboard.PublicSnapshotVersion, dashboard.Version);

    private static async Task<string> DescribeShareAsync(AnalyticsDbContext db, DashboardShare share, string what, CancellationToken ct)
    {
        var name = share.PrincipalKind == SharePrincipal.User
            ? await db.Users.AsNoTracking().Where(u => u.Id == share.PrincipalId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct)
            : await db.Teams.AsNoTracking().Where(t => t.Id == share.PrincipalId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        return $"{what}: {share.Permission.ToString().ToLowerInvariant()} for {(share.PrincipalKind == SharePrincipal.User ? "user" : "team")} {name ?? share.PrincipalId}";
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
