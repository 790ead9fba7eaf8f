using Analytics.Data.Audit;
using Analytics.Domain;

namespace Analytics.Web.Api;

/// <summary>The audit trail, admins only (the rule lives in <see cref="AuditLog.ListAsync"/>): newest first, filtered.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async (HttpContext http, AuditLog audit, string? action, string? actorId, string? targetId, DateTimeOffset? since,
            int? limit, string? cursor, CancellationToken ct) =>
        {
            var page = PageRequest.Parse(limit, cursor);
            return PagedResponse<AuditEventView>.From(await audit.ListAsync(http.Actor(), new AuditQuery(action, actorId, targetId, since), page, ct));
        }).WithTags("Audit").WithSummary("The audit trail (admins): sign-ins, account and role changes, API keys, sources, shares, public links, backups.");
        return api;
    }
}
