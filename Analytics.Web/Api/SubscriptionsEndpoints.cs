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
            new { items = await service.ListAsync(http.Actor(), all ?? false, ct), nextCursor = (string?)null });

        subscriptions.MapPost("/", async (HttpContext http, SubscriptionService service, SubscriptionInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return Results.Created($"/api/v1/subscriptions/{created.Id}", created);
        });

        subscriptions.MapGet("/{id}", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));

        subscriptions.MapPut("/{id}", async (HttpContext http, SubscriptionService service, string id, SubscriptionInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct));

        subscriptions.MapDelete("/{id}", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return Results.NoContent();
        });

        // Runs at once and answers with the finished run: outcome sent or failed (with the reason).
        subscriptions.MapPost("/{id}/run", async (HttpContext http, SubscriptionService service, string id, CancellationToken ct) =>
            await service.RunNowAsync(http.Actor(), id, ct));

        subscriptions.MapGet("/{id}/runs", async (HttpContext http, SubscriptionService service, string id, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<SubscriptionRunView>.From(await service.RunsAsync(http.Actor(), id, PageRequest.Parse(limit, cursor), ct)));

        api.MapGet("/exports/{runId}/file", DownloadAsync).WithTags("Subscriptions");
        return api;
    }

    /// <summary>The same download for signed-in pages (cookie), so the history's links work in the browser.</summary>
    public static IEndpointRouteBuilder MapSubscriptionDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exports/{runId}/file", DownloadAsync).RequireAuthorization().AddEndpointFilter<ActorEndpointFilter>();
        return app;
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, SubscriptionService service, string runId, CancellationToken ct)
    {
        var file = await service.FileAsync(http.Actor(), runId, ct);
        if (file.Content is null)
            return Results.Problem(statusCode: 404, title: "File not kept", detail: file.Note);
        return Results.File(file.Content, file.ContentType, file.FileName);
    }
}
