using System.Text;
using System.Text.Json;
using Analytics.Data.Chat;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Chat.Egress;

namespace Analytics.Web.Api;

public sealed record ChatRequest(string? ConversationId, string? Message, ChatContextInput? Context = null);

public sealed record ChatBookmarkRequest(string? ConversationId, string? MessageId, string? Note);

public sealed record AddToDashboardRequest(string? DashboardId, int? Index, string? Title);

public sealed record ChatRename(string? Title);

/// <summary>The JSON answer of <c>POST /chat</c> (without <c>Accept: text/event-stream</c>).</summary>
public sealed record ChatAnswer(string ConversationId, string? MessageId, string Answer, IReadOnlyList<ChatToolCallView> ToolCalls,
    IReadOnlyList<ChatVisualization> Visualizations, string? Error, ChatEgressNotice? Egress, IReadOnlyList<ChatChoice> Choices);

/// <summary>Chat with your data (CONTRACT.md, Chat): one question per POST, answered as JSON or as server-sent events.</summary>
public static class ChatEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapChatEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/chat", async (HttpContext http, ChatService chat, ChatDashboardService chatDashboards, ChatRequest? body, CancellationToken ct) =>
        {
            if (body is null) throw new ValidationException("message", "Send { conversationId?, message, context? }.");
            var scope = await chatDashboards.ScopeAsync(http.Actor(), body.Context, ct);
            var session = await chat.StartAsync(http.Actor(), body.ConversationId, body.Message, scope, ct);
            if (http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                await StreamAsync(http, session, ct);
                return Results.Empty;
            }
            var answer = new StringBuilder();
            var calls = new List<ChatToolCallView>();
            var visualizations = new List<ChatVisualization>();
            string? pending = null;
            string? error = null;
            string? messageId = null;
            ChatEgressNotice? egress = null;
            IReadOnlyList<ChatChoice> choices = [];
            await foreach (var e in session.RunAsync(ct))
            {
                switch (e)
                {
                    case ChatEvent.Delta d: answer.Append(d.Text); break;
                    case ChatEvent.ToolCall c: pending = c.Arguments; break;
                    case ChatEvent.ToolResult r: calls.Add(new ChatToolCallView(r.Name, ChatService.ParseArguments(pending ?? "{}"), r.RowCount, r.Ms, r.Outcome)); break;
                    case ChatEvent.Visualization v: visualizations.Add(v.Value); break;
                    case ChatEvent.Error x: error = x.Message; break;
                    case ChatEvent.Done d: messageId = d.MessageId; break;
                    case ChatEvent.Egress g: egress = g.Notice; break;
                    case ChatEvent.Choices c: choices = c.Options; break;
                }
            }
            return Results.Ok(new ChatAnswer(session.ConversationId, messageId, answer.ToString(), calls, visualizations, error, egress, choices));
        })
            .WithSummary("Asks a question about the data; answered as JSON or, with `Accept: text/event-stream`, as server-sent events.")
            .WithDescription("The JSON answer is below. With `Accept: text/event-stream` the answer streams as server-sent events instead: `egress`, `delta` { text }, `toolCall` { name, arguments }, `toolResult` { name, rowCount, ms, outcome }, `visualization`, `choices`, `done` { conversationId, messageId }, `error` { message }. 429 past the hourly question quota.")
            .Produces<ChatAnswer>(StatusCodes.Status200OK).WithTags("Chat");

        api.MapGet("/chat/quota", async (HttpContext http, ChatService chat, CancellationToken ct) => await chat.QuotaAsync(http.Actor(), ct))
            .WithSummary("The caller's question quota: used, limit, and when it resets.").WithTags("Chat");

        api.MapGet("/chat/audit", async (HttpContext http, ChatService chat, string? userId, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<ChatAuditView>.From(await chat.AuditAsync(http.Actor(), userId, PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Every chat function call (admins), newest first, paged; optionally of one user.").WithTags("Chat");

        api.MapGet("/chat/bookmarks", async (HttpContext http, ChatBookmarkService bookmarks, CancellationToken ct) =>
            new { items = await bookmarks.ListAsync(http.Actor(), ct) })
            .WithSummary("The caller's bookmarked answers.").WithTags("Chat");
        api.MapPost("/chat/bookmarks", async (HttpContext http, ChatBookmarkService bookmarks, ChatBookmarkRequest? body, CancellationToken ct) =>
        {
            var (bookmark, created) = await bookmarks.AddAsync(http.Actor(), body?.ConversationId, body?.MessageId, body?.Note, ct);
            return created ? Results.Created($"/api/v1/chat/bookmarks/{bookmark.Id}", bookmark) : Results.Ok(bookmark);
        })
            .WithSummary("Bookmarks an answer (201; 200 with the existing bookmark when already bookmarked).")
            .Produces<ChatBookmarkView>(StatusCodes.Status201Created)
            .Produces<ChatBookmarkView>(StatusCodes.Status200OK).WithTags("Chat");
        api.MapDelete("/chat/bookmarks/{id}", async (HttpContext http, ChatBookmarkService bookmarks, string id, CancellationToken ct) =>
        {
            await bookmarks.RemoveAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Removes a bookmark.").WithTags("Chat");

        var conversations = api.MapGroup("/conversations").WithTags("Chat");
        conversations.MapPost("/{id}/messages/{messageId}/add-to-dashboard", async (HttpContext http, ChatDashboardService chatDashboards, string id, string messageId,
            AddToDashboardRequest? body, CancellationToken ct) =>
        {
            var added = await chatDashboards.AddToDashboardAsync(http.Actor(), id, messageId, body?.DashboardId, body?.Index, body?.Title, ct);
            return TypedResults.Created($"/api/v1/dashboards/{added.DashboardId}", added);
        })
            .WithSummary("Adds a chart or table of an answer to a dashboard as a widget.");
        conversations.MapPost("/{id}/messages/{messageId}/share", async (HttpContext http, ContentSharing sharing, string id, string messageId,
            ShareWithInput body, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, await sharing.ShareAnswerAsync(http.Actor(), id, messageId, body, ct)))
            .WithSummary("Sends an answer to colleagues (userIds, note): a bell notification each whose link asks the question again as them, over the instances they may read.")
            .ProducesValidationProblem();
        conversations.MapGet("/", async (HttpContext http, ChatService chat, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<ConversationSummary>.From(await chat.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("The caller's conversations, newest first, paged.");
        conversations.MapGet("/{id}", async (HttpContext http, ChatService chat, string id, CancellationToken ct) => await chat.GetAsync(http.Actor(), id, ct))
            .WithSummary("One conversation with its messages.");
        conversations.MapPatch("/{id}", async (HttpContext http, ChatService chat, string id, ChatRename? body, CancellationToken ct) =>
            await chat.RenameAsync(http.Actor(), id, body?.Title, ct))
            .WithSummary("Renames a conversation.");
        conversations.MapDelete("/{id}", async (HttpContext http, ChatService chat, string id, CancellationToken ct) =>
        {
            await chat.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a conversation.");
        conversations.MapGet("/{id}/export", async (HttpContext http, ChatService chat, string id, string? format, string? messageId, int? index, CancellationToken ct) =>
        {
            switch ((format ?? "json").ToLowerInvariant())
            {
                case "json":
                    return Results.File(Encoding.UTF8.GetBytes(await chat.ExportJsonAsync(http.Actor(), id, ct)), "application/json", $"conversation-{id}.json");
                case "csv":
                    return Results.File(Encoding.UTF8.GetBytes(await chat.ExportCsvAsync(http.Actor(), id, messageId, index, ct)), "text/csv", $"conversation-{id}.csv");
                default:
                    throw new ValidationException("format", "format must be json or csv.");
            }
        })
            .WithSummary("Exports a conversation as JSON, or one result's rows as CSV.")
            .WithDescription("`format=json|csv`; for CSV, `messageId=` and `index=` pick the result (default: the last).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/json", "text/csv");
        return api;
    }

    /// <summary>Server-sent events: <c>egress</c> (first: the data-sharing mode in force), <c>delta</c>, <c>toolCall</c>, <c>toolResult</c>, <c>visualization</c>, <c>done</c>, <c>error</c>.</summary>
    private static async Task StreamAsync(HttpContext http, ChatSession session, CancellationToken ct)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(ct);
        await foreach (var e in session.RunAsync(ct))
        {
            var (name, data) = e switch
            {
                ChatEvent.Delta d => ("delta", (object?)new { text = d.Text }),
                ChatEvent.ToolCall c => ((string?)"toolCall", new { name = c.Name, arguments = ChatService.ParseArguments(c.Arguments) }),
                ChatEvent.ToolResult r => ("toolResult", new { name = r.Name, rowCount = r.RowCount, ms = r.Ms, outcome = r.Outcome }),
                ChatEvent.Visualization v => ("visualization", v.Value),
                ChatEvent.Done d => ("done", new { conversationId = d.ConversationId, messageId = d.MessageId }),
                ChatEvent.Error x => ("error", new { message = x.Message }),
                ChatEvent.Egress g => ("egress", g.Notice),
                ChatEvent.Choices c => ("choices", new { choices = c.Options }),
                _ => ((string?)null, (object?)null),
            };
            if (name is null) continue;
            await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
    }
}
