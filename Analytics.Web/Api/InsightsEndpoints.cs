using Analytics.Data.Insights;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Insights;

namespace Analytics.Web.Api;

/// <summary>The insights feed (CONTRACT.md: Jobs, insights, alerts): newest first, paged; marks are per user.</summary>
public static class InsightsEndpoints
{
    public static RouteGroupBuilder MapInsightsEndpoints(this RouteGroupBuilder api)
    {
        var insights = api.MapGroup("/insights").WithTags("Insights");

        insights.MapGet("/", async (HttpContext http, InsightFeed service, DateTimeOffset? since, string? type, string? instance,
            string? priority, bool? pinned, bool? unread, bool? dismissed, int? limit, string? cursor, CancellationToken ct) =>
        {
            var filter = new InsightFilter(since, ParseEnum<InsightType>("type", type), string.IsNullOrWhiteSpace(instance) ? null : instance,
                ParseEnum<InsightPriority>("priority", priority), IncludeDismissed: dismissed ?? false, PinnedOnly: pinned ?? false, UnreadOnly: unread ?? false);
            return PagedResponse<InsightView>.From(await service.ListAsync(http.Actor(), filter, PageRequest.Parse(limit, cursor), ct));
        })
            .WithSummary("The insights feed (trends, anomalies, summaries, opportunities), newest first, paged and filtered.");

        // What reached the caller (bell and e-mail), newest first: sent, pending for a digest, failed with the reason.
        insights.MapGet("/deliveries", async (HttpContext http, InsightDeliveryService deliveries, int? limit, CancellationToken ct) =>
        {
            if (limit is < 1 or > 500) throw new ValidationException("limit", "limit must be between 1 and 500.");
            return await deliveries.ListAsync(http.Actor(), limit ?? 100, ct);
        })
            .WithSummary("What reached the caller (bell and e-mail), newest first: sent, pending for a digest, or failed.");

        insights.MapGet("/{id}", async (HttpContext http, InsightFeed service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One insight.");

        insights.MapPost("/{id}/share", async (HttpContext http, ContentSharing sharing, string id, ShareWithInput body, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, await sharing.ShareInsightAsync(http.Actor(), id, body, ct)))
            .WithSummary("Sends an insight to colleagues (userIds, note): a bell notification each, with a link that opens it; refused for anyone who may not read it.")
            .ProducesValidationProblem();

        insights.MapPost("/{id}/{action}", async (HttpContext http, InsightFeed service, string id, string action, CancellationToken ct) =>
        {
            var mark = ParseEnum<InsightMark>("action", action)
                ?? throw new ValidationException("action", "action must be one of read, unread, dismiss, undismiss, pin, unpin.");
            return await service.MarkAsync(http.Actor(), id, mark, ct);
        })
            .WithSummary("Marks an insight for the caller: read, unread, dismiss, undismiss, pin or unpin.")
            .ProducesValidationProblem();
        return api;
    }

    private static T? ParseEnum<T>(string field, string? value) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && !int.TryParse(value, out _)) return parsed;
        throw new ValidationException(field, $"{field} must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }
}
