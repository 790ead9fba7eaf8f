using System.Net.Http.Headers;
using System.Text;
using Analytics.Data.Sources;
using Analytics.Domain;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

/// <summary>Sources (CONTRACT.md: Sources): everyone reads the sources granted to them; admins create, change and delete them.</summary>
public static class SourcesEndpoints
{
    public static RouteGroupBuilder MapSourcesEndpoints(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");

        sources.MapGet("/", async (HttpContext http, SourceService service, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<SourceView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Lists the sources (data instances) the caller may read, paged; secrets are never returned.");

        sources.MapPost("/", async (HttpContext http, SourceService service, SourceInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/sources/{created.Id}", created);
        })
            .WithSummary("Creates a source (admins): demo, sqlite, postgres, amc or csv.")
            .WithDescription("`settings` depend on `kind`; secrets are encrypted at rest and never returned.");

        sources.MapGet("/{id}", async (HttpContext http, SourceService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One source, with its datasets; secrets removed (`secretsSet` names those stored).");

        sources.MapPut("/{id}", async (HttpContext http, SourceService service, string id, SourceInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes a source (admins).")
            .WithDescription("409 when a CSV source holds rows in the old shape.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        sources.MapDelete("/{id}", async (HttpContext http, SourceService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a source (admins).")
            .WithDescription("409 while reports still use it.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        sources.MapPost("/{id}/rows", UploadRowsAsync)
            .WithSummary("Uploads rows to a CSV source (text/csv, UTF-8, header row first).")
            .WithDescription("The body is `text/csv` (UTF-8): a header row, then one row per line. The whole upload is validated and written in one transaction or not at all; rows with the same time and dimensions as earlier rows replace them. Bounded by `Analytics:Sources:MaxUploadBytes` (413).")
            .ProducesValidationProblem()
            .Produces<CsvUploadResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    /// <summary>
    /// <c>text/csv</c> rows for a CSV source → <c>{ rowsWritten }</c>. Who may upload is checked before the body is read;
    /// the body is bounded by <c>Analytics:Sources:MaxUploadBytes</c> (413 beyond) and must be UTF-8.
    /// </summary>
    private static async Task<IResult> UploadRowsAsync(HttpContext http, CsvRowUploader uploader, IOptions<SourceOptions> options, string id, CancellationToken ct)
    {
        var target = await uploader.FindTargetAsync(http.Actor(), id, ct);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType) || !string.Equals(mediaType.MediaType, "text/csv", StringComparison.OrdinalIgnoreCase))
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", type: "https://httpstatuses.io/415",
                detail: "Send the rows as Content-Type: text/csv (UTF-8): a header row, then one row per line.");

        var limit = options.Value.MaxUploadBytes;
        var tooLarge = Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", type: "https://httpstatuses.io/413",
            detail: $"The upload exceeds {limit} bytes (Analytics:Sources:MaxUploadBytes); split it into several uploads.");
        if (http.Request.ContentLength > limit) return tooLarge;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream((int)Math.Min(http.Request.ContentLength ?? 81_920, limit));
        var chunk = new byte[81_920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return tooLarge;
            buffer.Write(chunk, 0, read);
        }
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationException("body", "The upload is not UTF-8 text; save the CSV as UTF-8 and upload it again. Nothing was written.");
        }
        var result = await uploader.UploadAsync(target, text, ct);
        return Results.Ok(result); // { rowsWritten, dataVersion }
    }
}
