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
            new PagedResponse<TemplateView>(await service.ListAsync(http.Actor(), category, reportType, sourceKind, ct), null));
        templates.MapPost("/", async (HttpContext http, TemplateService service, TemplateInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return Results.Created($"/api/v1/templates/{created.Id}", created);
        });
        templates.MapGet("/{id}", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));
        templates.MapGet("/{id}/versions", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
            new { items = await service.ListVersionsAsync(http.Actor(), id, ct) });
        templates.MapPut("/{id}", async (HttpContext http, TemplateService service, string id, TemplateInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct));
        templates.MapDelete("/{id}", async (HttpContext http, TemplateService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return Results.NoContent();
        });

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/", async (HttpContext http, ReportService service, int? limit, string? cursor, string? sourceId, string? search, CancellationToken ct) =>
            PagedResponse<ReportView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), sourceId, search, ct)));
        reports.MapPost("/", async (HttpContext http, ReportService service, ReportInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return Results.Created($"/api/v1/reports/{created.Id}", created);
        });
        reports.MapGet("/{id}", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));
        reports.MapPut("/{id}", async (HttpContext http, ReportService service, string id, ReportInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct));
        reports.MapDelete("/{id}", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return Results.NoContent();
        });
        reports.MapPost("/{id}/duplicate", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
        {
            var created = await service.DuplicateAsync(http.Actor(), id, ct);
            return Results.Created($"/api/v1/reports/{created.Id}", created);
        });
        reports.MapGet("/{id}/template-update", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.TemplateUpdateAsync(http.Actor(), id, ct) is { } update ? Results.Ok(update) : Results.NoContent());
        // The body is optional (no body accepts the newest version with the report's parameters), so it is read here.
        reports.MapPost("/{id}/accept-template-version", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.AcceptTemplateVersionAsync(http.Actor(), id, await OptionalBodyAsync<AcceptTemplateVersionInput>(http, ct) ?? new AcceptTemplateVersionInput(), ct));
        reports.MapPost("/{id}/schedule/pause", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.SetSchedulePausedAsync(http.Actor(), id, paused: true, ct));
        reports.MapPost("/{id}/schedule/resume", async (HttpContext http, ReportService service, string id, CancellationToken ct) =>
            await service.SetSchedulePausedAsync(http.Actor(), id, paused: false, ct));
        reports.MapPost("/{id}/executions", async (HttpContext http, ExecutionService service, string id, ExecutionRequest body, CancellationToken ct) =>
        {
            var execution = await service.StartAsync(http.Actor(), id, body, ct);
            return Results.Accepted($"/api/v1/executions/{execution.Id}", new { executionId = execution.Id, execution.Status });
        });
        reports.MapGet("/{id}/executions", async (HttpContext http, ExecutionService service, string id, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<ExecutionView>.From(await service.ListAsync(http.Actor(), id, PageRequest.Parse(limit, cursor), ct)));

        var executions = api.MapGroup("/executions").WithTags("Reports");
        executions.MapGet("/{id}", async (HttpContext http, ExecutionService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));
        executions.MapPost("/{id}/cancel", async (HttpContext http, ExecutionService service, string id, CancellationToken ct) =>
            await service.CancelAsync(http.Actor(), id, ct));
        // A run (or a backfill segment's run) awaiting a choice of AMC execution after a crash: { remoteExecutionId } or { submitNew: true }.
        executions.MapPost("/{id}/remote-choice", async (HttpContext http, ExecutionService service, string id, RemoteChoiceInput body, CancellationToken ct) =>
            await service.ChooseRemoteAsync(http.Actor(), id, body, ct));
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
