using Analytics.Data.Schedules;
using Analytics.Domain;

namespace Analytics.Web.Api;

/// <summary>Every schedule in one list (report schedules and dashboard subscriptions), with pause, resume and run-now.</summary>
public static class SchedulesEndpoints
{
    public static RouteGroupBuilder MapSchedulesEndpoints(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");

        schedules.MapGet("/", async (HttpContext http, ScheduleOverview service, int? limit, string? cursor, string? sort, bool? desc, string? kind, CancellationToken ct) =>
            PagedResponse<ScheduleRow>.From(await service.ListAsync(http.Actor(), new ScheduleListRequest(PageRequest.Parse(limit, cursor), sort, desc ?? false, kind), ct)))
            .WithSummary("Report schedules and dashboard subscriptions the caller may see, merged, sorted (`sort=next|name|last|kind|owner`, `desc=true`) and paged; `kind=report|subscription` keeps one kind.");

        schedules.MapGet("/{kind}/{id}/runs", async (HttpContext http, ScheduleOverview service, string kind, string id, int? limit, CancellationToken ct) =>
            await service.RunsAsync(http.Actor(), kind, id, limit ?? 20, ct))
            .WithSummary("A schedule's recent runs, newest first, with their attempts, errors and times.");

        schedules.MapPost("/{kind}/{id}/pause", async (HttpContext http, ScheduleOverview service, string kind, string id, CancellationToken ct) =>
            await service.SetPausedAsync(http.Actor(), kind, id, paused: true, ct))
            .WithSummary("Pauses a schedule (its owner or an admin).");

        schedules.MapPost("/{kind}/{id}/resume", async (HttpContext http, ScheduleOverview service, string kind, string id, CancellationToken ct) =>
            await service.SetPausedAsync(http.Actor(), kind, id, paused: false, ct))
            .WithSummary("Resumes a paused schedule (its owner or an admin).");

        schedules.MapPost("/{kind}/{id}/run", async (HttpContext http, ScheduleOverview service, string kind, string id, CancellationToken ct) =>
        {
            var started = await service.RunNowAsync(http.Actor(), kind, id, ct);
            // A report's execution runs on (202, follow it); a subscription's delivery has finished (200).
            return started.ExecutionId is { } execution ? Results.Accepted($"/api/v1/executions/{execution}", started) : Results.Ok(started);
        })
            .WithSummary("Runs a schedule now: a report's execution starts (202; follow it at /executions/{id}); a subscription answers with its finished delivery (200).")
            .Produces<ScheduleRunStarted>(StatusCodes.Status202Accepted).Produces<ScheduleRunStarted>();
        return api;
    }
}
