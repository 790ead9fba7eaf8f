using Analytics.Data.Sources;
using Analytics.Domain;

namespace Analytics.Web.Api;

public static class SourcesEndpoints
{
    public static RouteGroupBuilder MapSourcesEndpoints(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");

        sources.MapGet("/", async (HttpContext http, SourceService service, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<SourceView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)));

        sources.MapGet("/{id}", async (HttpContext http, SourceService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));

        return api;
    }
}
