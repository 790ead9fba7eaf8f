using Analytics.Data.Exports;
using Analytics.Domain;

namespace Analytics.Web.Api;

/// <summary>
/// The export history: every dashboard export (downloads and subscription deliveries), newest first, and re-download.
/// The rules (who sees what, who may re-download) live in <see cref="ExportHistoryService"/>.
/// </summary>
public static class ExportsEndpoints
{
    public static RouteGroupBuilder MapExportsEndpoints(this RouteGroupBuilder api)
    {
        var exports = api.MapGroup("/exports").WithTags("Exports");

        exports.MapGet("/", async (HttpContext http, ExportHistoryService service, bool? all, string? dashboardId, string? format, int? limit, string? cursor,
            CancellationToken ct) =>
        {
            var page = PageRequest.Parse(limit, cursor);
            return PagedResponse<ExportRecordView>.From(await service.ListAsync(http.Actor(), new ExportHistoryQuery(all ?? false, dashboardId, format), page, ct));
        })
            .WithSummary("The export history (downloads and subscription deliveries), newest first, paged and filtered.");

        exports.MapGet("/{id}/download", DownloadAsync)
            .WithSummary("Downloads an export again: the kept file, or one made again from its stored parameters (`X-Export-Regenerated: true`).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "application/json", "application/zip");
        return api;
    }

    /// <summary>The same re-download for signed-in pages (cookie), so the history page's links work in the browser.</summary>
    public static IEndpointRouteBuilder MapExportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapCookieDownload("/exports/{id}/download", DownloadAsync).WithTags("Exports");
        return app;
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, ExportHistoryService service, string id, CancellationToken ct)
    {
        var download = await service.RedownloadAsync(http.Actor(), id, ct);
        if (download.File is { } file)
        {
            // Made again from the stored parameters: the numbers are today's for the same window.
            http.Response.Headers["X-Export-Regenerated"] = "true";
            return Downloads.File(http, file.Content, file.ContentType, file.FileName, download);
        }
        return Downloads.FileOrNotKept(download.Content, download.ContentType, download.FileName, download.Note);
    }
}
