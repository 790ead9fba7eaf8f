using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Reports;

namespace Analytics.Web.Api;

/// <summary>Templates, reports and executions (CONTRACT.md: Templates, reports, executions).</summary>
public static class ReportsEndpoints
{
    public static RouteGroupBuilder MapReportsEndpoints(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates").WithTags("Reports");
        templates.MapGet("/", async (HttpContext http, TemplateService service, string? category, string? reportType, string? sourceKind, CancellationToken ct) =>
            new PagedResponse<TemplateView>(await service.ListAsync(http.Actor(), category, reportType, sourceKind, ct), null))
            .WithSummary("Lists report templates, optionally by category, report type or source kind.");
        templates.MapPost("/", async (HttpContext http, TemplateService service, TemplateInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/templates/{created.Id}", created);
        })
            .WithSummary("Creates a report template: SQL with {{placeholders}}, parameters and the result's shape.");
        templates.MapGet("/{id}", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One report template.");
        templates.MapGet("/{id}/versions", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
            new { items = await service.ListVersionsAsync(http.Actor(), id, ct) })
            .WithSummary("A template's versions, newest first.");
        templates.MapPut("/{id}", async (HttpContext http, TemplateService service, string id, TemplateInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes a template (a new version).")
            .WithDescription("409 when reports use it and the result's shape would change.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapDelete("/{id}", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a template.")
            .WithDescription("409 while reports use it.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/", async (HttpContext http, ReportService service, int? limit, string? cursor, string? sourceId, string? search, CancellationToken ct) =>
            PagedResponse<ReportView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), sourceId, search, ct)))
            .WithSummary("Lists reports the caller may read, paged; filter by source or search text.");
        reports.MapPost("/", async (HttpContext http, ReportService service, ReportInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/reports/{created.Id}", created);
        })
            .WithSummary("Creates a report: a template, a source and parameter values (optionally a schedule).");
        reports.MapGet("/{id}", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One report.");
        reports.MapPut("/{id}", async (HttpContext http, ReportService service, string id, ReportInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes a report.");
        reports.MapDelete("/{id}", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a report.")
            .WithDescription("409 while an execution is in progress.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{id}/duplicate", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
        {
            var created = await service.DuplicateAsync(http.Actor(), id, ct);
            return TypedResults.Created($"/api/v1/reports/{created.Id}", created);
        })
            .WithSummary("Copies a report.");
        reports.MapGet("/{id}/template-update", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.TemplateUpdateAsync(http.Actor(), id, ct) is { } update ? Results.Ok(update) : Results.NoContent())
            .WithSummary("Whether a newer template version is available for the report (204 when not).")
            .Produces<TemplateUpdateView>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status204NoContent);
        // The body is optional (no body accepts the newest version with the report's parameters), so it is read here.
        reports.MapPost("/{id}/accept-template-version", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.AcceptTemplateVersionAsync(http.Actor(), id, await OptionalBodyAsync<AcceptTemplateVersionInput>(http, ct) ?? new AcceptTemplateVersionInput(), ct))
            .WithSummary("Moves the report to a newer template version.")
            .WithDescription("The JSON body `{ version?, parameters? }` is optional: without one the newest version is taken with the report's parameters.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{id}/schedule/pause", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.SetSchedulePausedAsync(http.Actor(), id, paused: true, ct))
            .WithSummary("Pauses the report's schedule.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{id}/schedule/resume", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.SetSchedulePausedAsync(http.Actor(), id, paused: false, ct))
            .WithSummary("Resumes the report's schedule.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{id}/executions", async (HttpContext http, ExecutionService service, string id, ExecutionRequest body, CancellationToken ct) =>
        {
            var execution = await service.StartAsync(http.Actor(), id, body, ct);
            return TypedResults.Accepted($"/api/v1/executions/{execution.Id}", new { executionId = execution.Id, execution.Status });
        })
            .WithSummary("Starts an execution of the report for a time window.")
            .WithDescription("202 with `executionId`; poll `GET /executions/{id}`. 409 when the same window is already running; 429 past the per-user or per-instance limit.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapGet("/{id}/executions", async (HttpContext http, ExecutionService service, string id, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<ExecutionView>.From(await service.ListAsync(http.Actor(), id, PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Lists a report's executions, newest first, paged.");

        var executions = api.MapGroup("/executions").WithTags("Reports");
        executions.MapGet("/{id}", async (HttpContext http, ExecutionService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One execution: status, attempts, rows, error.");
        executions.MapPost("/{id}/cancel", async (HttpContext http, ExecutionService service, string id, CancellationToken ct) =>
            await service.CancelAsync(http.Actor(), id, ct))
            .WithSummary("Cancels a pending or running execution.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        // A run (or a backfill segment's run) awaiting a choice of AMC execution after a crash: { remoteExecutionId } or { submitNew: true }.
        executions.MapPost("/{id}/remote-choice", async (HttpContext http, ExecutionService service, string id, RemoteChoiceInput body, CancellationToken ct) =>
            await service.ChooseRemoteAsync(http.Actor(), id, body, ct))
            .WithSummary("Chooses the AMC execution of a run that lost its answer in a crash, or submits a new one.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>A JSON body when there is one; a body that is not valid JSON for <typeparamref name="T"/> is a 400.</summary>
    private static async Task<T?> OptionalBodyAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.HasJsonContentType())) return null;
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ValidationException("body", $"The request body is not valid JSON for this endpoint: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            throw new ValidationException("body", "Send the body as application/json.");
        }
    }
}
