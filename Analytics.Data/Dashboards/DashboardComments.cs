using System.Text.RegularExpressions;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>Comments on a dashboard or its widgets, by anyone who may view it, with <c>@mentions</c> that notify.</summary>
public sealed partial class DashboardComments(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    NotificationService notifications,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<CommentView>> ListCommentsAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await dashboards.LoadVisibleAsync(db, actor, id, tracking: false, ct);
        var comments = await db.DashboardComments.AsNoTracking().Where(c => c.DashboardId == id).ToListAsync(ct);
        var authorIds = comments.Select(c => c.AuthorId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return comments.OrderBy(c => c.CreatedAt)
            .Select(c => new CommentView(c.Id, c.WidgetId, c.AuthorId, DashboardService.OwnerName(c.AuthorId, names), c.Body, c.CreatedAt)).ToList();
    }

    /// <summary>
    /// Adds a comment on the dashboard or one of its widgets; anyone who may view the dashboard may comment. Each
    /// <c>@mention</c> (the part of a user's e-mail before the @, or their display name without spaces) notifies that user
    /// if they may view the dashboard too.
    /// </summary>
    public async Task<CommentView> AddCommentAsync(Actor actor, string id, string? widgetId, string? body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body)) throw new ValidationException("body", "Required: the comment's text.");
        if (body.Length > 4000) throw new ValidationException("body", "At most 4,000 characters.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var (dashboard, _) = await dashboards.LoadVisibleAsync(db, actor, id, tracking: false, ct);
        if (widgetId is not null && !dashboard.Widgets.Any(w => w.Id == widgetId)) throw new ValidationException("widgetId", $"The dashboard has no widget '{widgetId}'.");
        var comment = new DashboardComment { Id = Ids.New(), DashboardId = id, WidgetId = widgetId, AuthorId = actor.UserId, Body = body.Trim(), CreatedAt = clock.GetUtcNow() };
        db.DashboardComments.Add(comment);
        await db.SaveChangesAsync(ct);

        var handles = MentionPattern().Matches(body).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();
        if (handles.Count > 0)
        {
            var users = await db.Users.AsNoTracking().Where(u => !u.Disabled).Select(u => new { u.Id, u.Email, u.DisplayName, u.Role }).ToListAsync(ct);
            var (shares, folders) = await DashboardService.SharesForAsync(db, dashboard, ct);
            foreach (var user in users.Where(u => u.Id != actor.UserId && (handles.Contains((u.Email ?? "").Split('@')[0].ToLowerInvariant())
                         || handles.Contains(u.DisplayName.Replace(" ", "").ToLowerInvariant()))))
            {
                var mentioned = new Actor(user.Id, user.DisplayName, user.Role, new HashSet<string>());
                if (mentioned.PermissionOf(dashboard, shares, await DashboardService.TeamsOfAsync(db, mentioned, ct), folders) is null) continue;
                await notifications.NotifyAsync(user.Id, "mention", $"{actor.DisplayName} mentioned you on {dashboard.Name}",
                    comment.Body.Length > 200 ? comment.Body[..200] + "…" : comment.Body, $"/dashboards/{id}", ct);
            }
        }
        return new CommentView(comment.Id, widgetId, actor.UserId, actor.DisplayName, comment.Body, comment.CreatedAt);
    }

    [GeneratedRegex(@"(?<![\w.])@([A-Za-z0-9._-]+)")]
    private static partial Regex MentionPattern();
}
