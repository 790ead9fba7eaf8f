using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Chat;

public sealed record ChatBookmarkView(string Id, string ConversationId, string ConversationTitle, string MessageId, string Excerpt, string? Note, DateTimeOffset CreatedAt);

/// <summary>
/// Bookmarked answers, per user: listed on the chat page (newest first), each opening its conversation at that message.
/// Only the user's own answers in conversations they still have can be bookmarked; an archived conversation's
/// bookmarks stop being listed.
/// </summary>
public sealed class ChatBookmarkService(IDbContextFactory<AnalyticsDbContext> factory, TimeProvider clock)
{
    public const int MaxBookmarks = 500;
    private const int ExcerptLength = 140;

    public async Task<IReadOnlyList<ChatBookmarkView>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from b in db.Set<ChatBookmark>().AsNoTracking()
                          where b.UserId == actor.UserId
                          join c in db.Set<ChatConversation>() on b.ConversationId equals c.Id
                          where c.UserId == actor.UserId && c.ArchivedAt == null
                          join m in db.Set<ChatMessage>() on b.MessageId equals m.Id
                          orderby b.Id descending
                          select new { b.Id, b.ConversationId, c.Title, b.MessageId, m.Content, b.Note, b.CreatedAt })
            .Take(MaxBookmarks).ToListAsync(ct);
        return rows.Select(r => new ChatBookmarkView(r.Id, r.ConversationId, r.Title, r.MessageId, Excerpt(r.Content), r.Note, r.CreatedAt)).ToList();
    }

    /// <summary>Bookmarks an answer (bookmarking it again returns the existing bookmark with <c>Created</c> false).</summary>
    public async Task<(ChatBookmarkView Bookmark, bool Created)> AddAsync(Actor actor, string? conversationId, string? messageId, string? note, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(conversationId)) errors["conversationId"] = ["Required: the conversation of the answer."];
        if (string.IsNullOrWhiteSpace(messageId)) errors["messageId"] = ["Required: the answer (an assistant message) to bookmark."];
        if (note is { Length: > 200 }) errors["note"] = ["At most 200 characters."];
        if (errors.Count > 0) throw new ValidationException(errors);
        await using var db = await factory.CreateDbContextAsync(ct);
        var conversation = await db.Set<ChatConversation>().AsNoTracking()
                               .FirstOrDefaultAsync(c => c.Id == conversationId && c.UserId == actor.UserId && c.ArchivedAt == null, ct)
                           ?? throw new NotFoundException("Conversation", conversationId!);
        var message = await db.Set<ChatMessage>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversation.Id, ct)
                      ?? throw new NotFoundException("Message", messageId!);
        if (message.Role != "assistant") throw new ValidationException("messageId", "Only answers can be bookmarked, not questions.");
        var existing = await db.Set<ChatBookmark>().AsNoTracking().FirstOrDefaultAsync(b => b.UserId == actor.UserId && b.MessageId == message.Id, ct);
        if (existing is not null) return (View(existing, conversation.Title, message.Content), false);
        if (await db.Set<ChatBookmark>().CountAsync(b => b.UserId == actor.UserId, ct) >= MaxBookmarks)
            throw new ValidationException("messageId", $"You have {MaxBookmarks} bookmarks, the most kept; remove some first.");
        var bookmark = new ChatBookmark
        {
            Id = Ids.New(), UserId = actor.UserId, ConversationId = conversation.Id, MessageId = message.Id,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), CreatedAt = clock.GetUtcNow(),
        };
        db.Set<ChatBookmark>().Add(bookmark);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Bookmarked twice at once: the other request's bookmark stands.
            await using var again = await factory.CreateDbContextAsync(ct);
            var winner = await again.Set<ChatBookmark>().AsNoTracking().FirstAsync(b => b.UserId == actor.UserId && b.MessageId == message.Id, ct);
            return (View(winner, conversation.Title, message.Content), false);
        }
        return (View(bookmark, conversation.Title, message.Content), true);
    }

    public async Task RemoveAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var removed = await db.Set<ChatBookmark>().Where(b => b.Id == id && b.UserId == actor.UserId).ExecuteDeleteAsync(ct);
        if (removed == 0) throw new NotFoundException("Bookmark", id);
    }

    private static ChatBookmarkView View(ChatBookmark b, string title, string content) =>
        new(b.Id, b.ConversationId, title, b.MessageId, Excerpt(content), b.Note, b.CreatedAt);

    private static string Excerpt(string content)
    {
        var text = string.Join(' ', content.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length <= ExcerptLength ? text : text[..(ExcerptLength - 1)] + "…";
    }
}
