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
            await catalog.GetAsync(http.Actor(), ct)).WithTags("Query");

        api.MapPost("/query", async (HttpContext http, FactQueryService engine, SemanticQuery body, CancellationToken ct) =>
            await engine.ExecuteAsync(http.Actor(), body, ct)).WithTags("Query");

        api.MapPost("/forecast", async (HttpContext http, ForecastService forecasts, ForecastRequest body, CancellationToken ct) =>
            await forecasts.ForecastAsync(http.Actor(), body, ct)).WithTags("Query");

        // The caller's own settings: the time zone queries bucket in when they name none.
        api.MapGet("/me/preferences", async (HttpContext http, UserPreferencesService preferences, CancellationToken ct) =>
            await preferences.GetAsync(http.Actor(), ct)).WithTags("Users");
        api.MapPut("/me/preferences", async (HttpContext http, UserPreferencesService preferences, UserPreferences body, CancellationToken ct) =>
            await preferences.UpdateAsync(http.Actor(), body, ct)).WithTags("Users");

        var definitions = api.MapGroup("/metrics/definitions").WithTags("Metrics");

        definitions.MapGet("/", async (HttpContext http, CatalogService catalog, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<MetricView>.From(await catalog.ListDefinitionsAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)));

        definitions.MapGet("/{name}", async (HttpContext http, CatalogService catalog, string name, CancellationToken ct) =>
            await catalog.GetDefinitionAsync(http.Actor(), name, ct));

        definitions.MapPost("/", async (HttpContext http, CatalogService catalog, MetricDefinitionInput body, CancellationToken ct) =>
        {
            var created = await catalog.CreateDefinitionAsync(http.Actor(), body, ct);
            return Results.Created($"/api/v1/metrics/definitions/{created.Name}", created);
        });

        definitions.MapPut("/{name}", async (HttpContext http, CatalogService catalog, string name, MetricDefinitionInput body, CancellationToken ct) =>
            await catalog.UpdateDefinitionAsync(http.Actor(), name, body, ct));

        definitions.MapDelete("/{name}", async (HttpContext http, CatalogService catalog, string name, CancellationToken ct) =>
        {
            await catalog.DeleteDefinitionAsync(http.Actor(), name, ct);
            return Results.NoContent();
        });
        return api;
    }
}
