using Analytics.Data.Chat;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Domain;
using Analytics.Domain.Access;

namespace Analytics.Data.Notifications;

/// <summary>Who to tell and what to add: user ids from the directory and an optional note.</summary>
public sealed record ShareWithInput(IReadOnlyList<string>? UserIds, string? Note);

/// <summary>The colleagues who were told (a bell notification each).</summary>
public sealed record ShareWithResult(IReadOnlyList<string> Notified);

/// <summary>
/// Sends an insight or a chat answer to colleagues: a bell notification with a link that opens it. Nothing of the
/// sender's data travels: an insight's link opens it only for someone who may read its instances (refused up front
/// for anyone who may not, so the notification itself leaks nothing), and an answer's link asks its question again as
/// the recipient, over the instances they may read.
/// </summary>
public sealed class ContentSharing(InsightFeed insights, ChatService chat, ActorResolver actors, NotificationService notifications)
{
    public const int MaxRecipients = 50;
    public const int MaxNote = 500;

    public async Task<ShareWithResult> ShareInsightAsync(Actor actor, string insightId, ShareWithInput input, CancellationToken ct)
    {
        var insight = await insights.GetAsync(actor, insightId, ct);
        var recipients = await RecipientsAsync(actor, input, ct);
        var blind = new List<string>();
        foreach (var recipient in recipients)
        {
            try
            {
                await insights.GetAsync(recipient, insightId, ct);
            }
            catch (NotFoundException)
            {
                blind.Add($"{recipient.DisplayName} may not read {(insight.DashboardId is null ? "this insight's instances" : "this insight's dashboard")}; share it with someone who may, or ask an admin to grant access.");
            }
        }
        if (blind.Count > 0) throw new ValidationException(new Dictionary<string, string[]> { ["userIds"] = [.. blind] });
        foreach (var recipient in recipients)
        {
            await notifications.NotifyAsync(recipient.UserId, "share", $"{actor.DisplayName} shared an insight: {insight.Title}", Note(input),
                $"/insights?id={Uri.EscapeDataString(insight.Id)}", ct);
        }
        return new ShareWithResult(recipients.Select(r => r.UserId).ToList());
    }

    /// <summary>Shares the question behind one of the actor's own answers: opening the link asks it as the recipient.</summary>
    public async Task<ShareWithResult> ShareAnswerAsync(Actor actor, string conversationId, string messageId, ShareWithInput input, CancellationToken ct)
    {
        var conversation = await chat.GetAsync(actor, conversationId, ct);
        var index = conversation.Messages.ToList().FindIndex(m => m.Id == messageId);
        if (index < 0 || conversation.Messages[index].Role != "assistant") throw new NotFoundException("Answer", messageId);
        var question = conversation.Messages.Take(index).LastOrDefault(m => m.Role == "user")?.Content
            ?? throw new NotFoundException("Answer", messageId);
        var recipients = await RecipientsAsync(actor, input, ct);
        foreach (var recipient in recipients)
        {
            await notifications.NotifyAsync(recipient.UserId, "share", $"{actor.DisplayName} shared an answer: {Shorten(question, 160)}",
                Note(input) is { Length: > 0 } note ? note : "Opens the question in your chat, answered from the instances you can see.",
                $"/chat?ask={Uri.EscapeDataString(Shorten(question, 1000))}", ct);
        }
        return new ShareWithResult(recipients.Select(r => r.UserId).ToList());
    }

    /// <summary>The recipients as actors (their role and grants), validated: known, enabled, not the sender, a bounded list.</summary>
    private async Task<List<Actor>> RecipientsAsync(Actor actor, ShareWithInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var ids = (input.UserIds ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct().ToList();
        if (ids.Count == 0) errors["userIds"] = ["Pick at least one colleague to share with."];
        else if (ids.Count > MaxRecipients) errors["userIds"] = [$"At most {MaxRecipients} people at a time."];
        else if (ids.Contains(actor.UserId)) errors["userIds"] = ["You already have it: pick someone else."];
        if ((input.Note?.Length ?? 0) > MaxNote) errors["note"] = [$"At most {MaxNote} characters."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var recipients = new List<Actor>();
        var unknown = new List<string>();
        foreach (var id in ids)
        {
            if (await actors.ResolveAsync(id, ct) is { } recipient) recipients.Add(recipient);
            else unknown.Add(id);
        }
        if (unknown.Count > 0) throw new ValidationException("userIds", $"No active user with id {string.Join(", ", unknown)}.");
        return recipients;
    }

    private static string Note(ShareWithInput input) => input.Note?.Trim() ?? "";

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
