using Analytics.Data.Forecasting;
using Analytics.Data.Identity;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Forecasting;
using Analytics.Domain.Query;

namespace Analytics.Web.Api;

/// <summary>The semantic layer over HTTP: <c>/catalog</c>, <c>/query</c> and custom metric definitions.</summary>
public static class QueryEndpoints
{
    public static RouteGroupBuilder MapQueryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/catalog", async (HttpContext http, CatalogService catalog, CancellationToken ct) =>
            await catalog.GetAsync(http.Actor(), ct))
            .WithSummary("The semantic layer: datasets the caller may read, their dimensions and measures, and metric definitions.").WithTags("Query");

        api.MapPost("/query", async (HttpContext http, FactQueryService engine, SemanticQuery body, CancellationToken ct) =>
            await engine.ExecuteAsync(http.Actor(), body, ct))
            .WithSummary("Runs a semantic query: metrics by dimensions over a time range.")
            .WithDescription("Derived metrics (ctr, cpc, roas, …) are computed from the summed base measures of each output row.").WithTags("Query");

        api.MapPost("/forecast", async (HttpContext http, ForecastService forecasts, ForecastRequest body, CancellationToken ct) =>
            await forecasts.ForecastAsync(http.Actor(), body, ct))
            .WithSummary("Forecasts a metric with prediction intervals and a backtest.").WithTags("Query");

        // The caller's own settings: the time zone queries bucket in when they name none.
        api.MapGet("/me/preferences", async (HttpContext http, UserPreferencesService preferences, CancellationToken ct) =>
            await preferences.GetAsync(http.Actor(), ct))
            .WithSummary("The caller's settings (e.g. the time zone queries bucket in).").WithTags("Users");
        api.MapPut("/me/preferences", async (HttpContext http, UserPreferencesService preferences, UserPreferences body, CancellationToken ct) =>
            await preferences.UpdateAsync(http.Actor(), body, ct))
            .WithSummary("Changes the caller's settings.").WithTags("Users");

        var definitions = api.MapGroup("/metrics/definitions").WithTags("Metrics");

        definitions.MapGet("/", async (HttpContext http, CatalogService catalog, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<MetricView>.From(await catalog.ListDefinitionsAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Lists metric definitions (built-in and custom), paged.");

        definitions.MapGet("/{name}", async (HttpContext http, CatalogService catalog, string name, CancellationToken ct) =>
            await catalog.GetDefinitionAsync(http.Actor(), name, ct))
            .WithSummary("One metric definition.");

        definitions.MapPost("/", async (HttpContext http, CatalogService catalog, MetricDefinitionInput body, CancellationToken ct) =>
        {
            var created = await catalog.CreateDefinitionAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/metrics/definitions/{created.Name}", created);
        })
            .WithSummary("Creates a custom metric from a formula over measures (analysts and admins).")
            .ProducesProblem(StatusCodes.Status409Conflict);

        definitions.MapPut("/{name}", async (HttpContext http, CatalogService catalog, string name, MetricDefinitionInput body, CancellationToken ct) =>
            await catalog.UpdateDefinitionAsync(http.Actor(), name, body, ct))
            .WithSummary("Changes a custom metric.");

        definitions.MapDelete("/{name}", async (HttpContext http, CatalogService catalog, string name, CancellationToken ct) =>
        {
            await catalog.DeleteDefinitionAsync(http.Actor(), name, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a custom metric.")
            .WithDescription("409 while other metrics, widgets or alerts use it.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
