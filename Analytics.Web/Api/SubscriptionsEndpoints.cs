using Analytics.Data.Subscriptions;
using Analytics.Domain;

namespace Analytics.Web.Api;

/// <summary>Dashboard subscriptions (scheduled e-mail delivery), their run history and the delivered files.</summary>
public static class SubscriptionsEndpoints
{
    public static RouteGroupBuilder MapSubscriptionsEndpoints(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup("/subscriptions").WithTags("Subscriptions");

        subscriptions.MapGet("/", async (HttpContext http, SubscriptionService service, bool? all, CancellationToken ct) =>
            new { items = await service.ListAsync(http.Actor(), all ?? false, ct), nextCursor = (string?)null })
            .WithSummary("The caller's dashboard subscriptions (`all=true`: everyone's, admins).");

        subscriptions.MapPost("/", async (HttpContext http, SubscriptionService service, SubscriptionInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/subscriptions/{created.Id}", created);
        })
            .WithSummary("Subscribes recipients to a dashboard delivered by e-mail on a schedule.");

        subscriptions.MapGet("/{id}", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One subscription.");

        subscriptions.MapPut("/{id}", async (HttpContext http, SubscriptionService service, string id, SubscriptionInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes a subscription.");

        subscriptions.MapDelete("/{id}", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a subscription.");

        // Runs at once and answers with the finished run: outcome sent or failed (with the reason).
        subscriptions.MapPost("/{id}/run", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
            await service.RunNowAsync(http.Actor(), id, ct))
            .WithSummary("Delivers a subscription now and answers with the finished run (sent, or failed with the reason).");

        subscriptions.MapGet("/{id}/runs", async (HttpContext http, SubscriptionService service, string id, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<SubscriptionRunView>.From(await service.RunsAsync(http.Actor(), id, PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("A subscription's runs, newest first, paged.");

        api.MapGet("/exports/{runId}/file", DownloadAsync)
            .WithSummary("The file a subscription run delivered (404 when it was not kept).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv").WithTags("Subscriptions");
        return api;
    }

    /// <summary>The same download for signed-in pages (cookie), so the history's links work in the browser.</summary>
    public static IEndpointRouteBuilder MapSubscriptionDownloads(this IEndpointRouteBuilder app)
    {
        app.MapCookieDownload("/exports/{runId}/file", DownloadAsync);
        return app;
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, SubscriptionService service, string runId, CancellationToken ct)
    {
        var file = await service.FileAsync(http.Actor(), runId, ct);
        return Downloads.FileOrNotKept(file.Content, file.ContentType, file.FileName, file.Note);
    }
}
