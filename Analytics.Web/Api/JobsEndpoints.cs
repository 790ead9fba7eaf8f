using Analytics.Data.Collections;
using Analytics.Domain;
using Analytics.Jobs;

namespace Analytics.Web.Api;

/// <summary>Data collections (backfills), report schedules and the job console (CONTRACT.md: Data collections; Jobs).</summary>
public static class JobsEndpoints
{
    public static RouteGroupBuilder MapJobsEndpoints(this RouteGroupBuilder api)
    {
        var collections = api.MapGroup("/data-collections").WithTags("Collections");
        collections.MapPost("/", async (HttpContext http, CollectionService service, CollectionInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Accepted($"/api/v1/data-collections/{created.Id}", created);
        })
            .WithSummary("Starts a data collection (backfill) of a report over a range, segment by segment.");
        collections.MapGet("/", async (HttpContext http, CollectionService service, int? limit, string? cursor, string? reportId, CancellationToken ct) =>
            PagedResponse<CollectionView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), reportId, ct)))
            .WithSummary("Lists data collections, paged; optionally of one report.");
        collections.MapGet("/{id}", async (HttpContext http, CollectionService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One data collection with its segments.");
        collections.MapPost("/{id}/pause", async (HttpContext http, CollectionService service, string id, CancellationToken ct) =>
            await service.PauseAsync(http.Actor(), id, ct))
            .WithSummary("Pauses a data collection.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        collections.MapPost("/{id}/resume", async (HttpContext http, CollectionService service, string id, CancellationToken ct) =>
            await service.ResumeAsync(http.Actor(), id, ct))
            .WithSummary("Resumes a paused data collection.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        collections.MapPost("/{id}/cancel", async (HttpContext http, CollectionService service, string id, CancellationToken ct) =>
            await service.CancelAsync(http.Actor(), id, ct))
            .WithSummary("Cancels a data collection.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        collections.MapPost("/{id}/retry-failed", async (HttpContext http, CollectionService service, string id, CancellationToken ct) =>
            await service.RetryFailedAsync(http.Actor(), id, ct))
            .WithSummary("Retries the failed and cancelled segments of a finished collection.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/", async (HttpContext http, JobConsole console, CancellationToken ct) => await console.ListAsync(http.Actor(), ct))
            .WithSummary("The scheduled jobs: cron, next and previous fire time, state, last outcome.");
        jobs.MapGet("/{key}/history", async (HttpContext http, JobConsole console, string key, int? limit, string? cursor, bool? failed, CancellationToken ct) =>
            PagedResponse<JobRunView>.From(await console.HistoryAsync(http.Actor(), key, PageRequest.Parse(limit, cursor), failed ?? false, ct)))
            .WithSummary("One job's runs, newest first, paged; `failed=true` for failures only.");
        jobs.MapGet("/history", async (HttpContext http, JobConsole console, int? limit, string? cursor, bool? failed, CancellationToken ct) =>
            PagedResponse<JobRunView>.From(await console.HistoryAsync(http.Actor(), null, PageRequest.Parse(limit, cursor), failed ?? false, ct)))
            .WithSummary("All jobs' runs, newest first, paged; `failed=true` for failures only.");
        jobs.MapPost("/{key}/trigger", async (HttpContext http, JobConsole console, string key, CancellationToken ct) =>
        {
            await console.TriggerAsync(http.Actor(), key, ct);
            return Results.Accepted();
        })
            .WithSummary("Runs a job now (admins).")
            .Produces(StatusCodes.Status202Accepted);
        jobs.MapPost("/{key}/pause", async (HttpContext http, JobConsole console, string key, CancellationToken ct) =>
        {
            await console.PauseAsync(http.Actor(), key, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Pauses a job's schedule (admins).");
        jobs.MapPost("/{key}/resume", async (HttpContext http, JobConsole console, string key, CancellationToken ct) =>
        {
            await console.ResumeAsync(http.Actor(), key, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Resumes a job's schedule (admins).");
        return api;
    }
}
