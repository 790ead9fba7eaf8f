using Analytics.Data.Chat;
using Analytics.Domain;

namespace Analytics.Web.Api;

public sealed record ChatEgressModeInput(string? Mode);

/// <summary>
/// What the chat sends to an external model: the mode for the asking user (<c>GET /chat/egress</c>), and for admins the
/// per-instance modes (<c>GET/PUT /admin/chat-egress/instances</c>) and the audit of every call (<c>GET /admin/chat-egress/audit</c>).
/// Permissions are enforced in <see cref="ChatEgressService"/>.
/// </summary>
public static class ChatEgressEndpoints
{
    public static RouteGroupBuilder MapChatEgressEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/chat/egress", async (HttpContext http, ChatEgressService egress, CancellationToken ct) => await egress.NoticeAsync(http.Actor(), ct))
            .WithSummary("What the chat sends to the external model for the caller (the data-sharing mode in force).").WithTags("Chat");

        var admin = api.MapGroup("/admin/chat-egress").WithTags("Chat");
        admin.MapGet("/instances", async (HttpContext http, ChatEgressService egress, CancellationToken ct) => await egress.ListAsync(http.Actor(), ct))
            .WithSummary("The data-sharing mode per source (admins).");
        admin.MapPut("/instances/{sourceId}", async (HttpContext http, ChatEgressService egress, string sourceId, ChatEgressModeInput? body, CancellationToken ct) =>
        {
            if (body is null) throw new ValidationException("mode", "Send { mode }: none, schema-only, anonymized, full, or default.");
            if (string.IsNullOrWhiteSpace(body.Mode)) throw new ValidationException("mode", "mode is required: none, schema-only, anonymized, full, or default.");
            return await egress.SetAsync(http.Actor(), sourceId, body.Mode, ct);
        })
            .WithSummary("Sets a source's data-sharing mode: none, schema-only, anonymized, full, or default (admins).");
        admin.MapGet("/audit", async (HttpContext http, ChatEgressService egress, string? userId, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<ChatEgressAuditView>.From(await egress.AuditAsync(http.Actor(), userId, PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Every call to the external model (admins), newest first, paged; optionally of one user.");
        return api;
    }
}
