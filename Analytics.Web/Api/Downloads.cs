namespace Analytics.Web.Api;

/// <summary>
/// The file downloads' one home (backups, export re-downloads, subscription files): each handler is mapped at its
/// <c>/api/v1</c> route (API key) and again, with <see cref="MapCookieDownload"/>, for the signed-in pages' links (cookie);
/// the file is streamed with <see cref="File"/>, or answered 404 "File not kept" with <see cref="FileOrNotKept"/>.
/// </summary>
public static class Downloads
{
    /// <summary>The same download for signed-in pages (cookie), so the pages' links work in the browser.</summary>
    public static RouteHandlerBuilder MapCookieDownload(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapGet(pattern, handler).RequireAuthorization().AddEndpointFilter<ActorEndpointFilter>();

    /// <summary>Streams <paramref name="content"/> as an attachment; <paramref name="owner"/> (what holds it open) is disposed once the response is sent.</summary>
    public static IResult File(HttpContext http, Stream content, string contentType, string fileName, IAsyncDisposable owner)
    {
        http.Response.RegisterForDisposeAsync(owner);
        return Results.File(content, contentType, fileName);
    }

    /// <summary>A kept file's bytes as an attachment, or 404 "File not kept" with the reason when it was not kept.</summary>
    public static IResult FileOrNotKept(byte[]? content, string contentType, string fileName, string? note) =>
        content is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not kept", detail: note)
            : Results.File(content, contentType, fileName);
}
