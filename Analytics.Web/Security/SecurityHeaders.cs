using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>
/// Response headers that tell the browser what the app's pages may do, added to every response as it starts:
/// <c>X-Content-Type-Options: nosniff</c> everywhere; on HTML, a Content-Security-Policy (<see cref="Policy"/>),
/// <c>Referrer-Policy</c> and <c>X-Frame-Options</c>. The public dashboard page is the one page another site may frame,
/// and only the origins in <c>Analytics:Http:PublicEmbedOrigins</c>; it sends no referrer at all (its address is the
/// link's secret). API responses are JSON: nosniff is what they need. The API reference page (<c>/api/docs</c>) is HTML
/// under <c>/api</c> and gets the pages' policy, its scripts allowed by the per-request nonce Scalar puts on them.
/// </summary>
public sealed class SecurityHeaders(IOptionsMonitor<HttpSecurityOptions> options)
{
    /// <summary>The public dashboard page's route prefix (<c>PublicDashboard.razor</c>).</summary>
    public const string PublicPagePrefix = "/public/d";

    /// <summary>
    /// The policy of an HTML page. Scripts: the app's own files and the inline scripts of <see cref="InlineScripts"/> by
    /// hash, no eval. Styles: 'unsafe-inline' is needed — Blazor and MudBlazor render <c>style</c> attributes (widths, grid
    /// positions), gridstack writes its own rules, and ECharts' tooltips are HTML with style attributes — and a style cannot
    /// run script. Images: the app's own and data: URIs (ECharts' icons); Markdown images are held to the app
    /// by <c>MarkdownText</c>. <c>connect-src 'self'</c> covers the Blazor circuit's WebSocket.
    /// </summary>
    public string Policy(bool publicPage, string? nonce = null)
    {
        var embedders = publicPage ? options.CurrentValue.PublicEmbedOrigins.Select(o => o.Trim()).ToList() : [];
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' {string.Join(' ', InlineScripts.Hashes)}{(nonce is null ? "" : $" 'nonce-{nonce}'")}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            $"frame-ancestors {(embedders.Count > 0 ? string.Join(' ', embedders) : "'none'")}");
    }

    public static bool IsPublicPage(PathString path) => path.StartsWithSegments(PublicPagePrefix, StringComparison.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        var docs = context.Request.Path.StartsWithSegments(Api.ApiReference.DocsPath);
        if (context.Request.Path.StartsWithSegments("/api") && !docs) return;
        var publicPage = IsPublicPage(context.Request.Path);
        headers["Referrer-Policy"] = publicPage ? "no-referrer" : "strict-origin-when-cross-origin";
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true) return;
        var nonce = docs ? context.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] as string : null;
        headers.ContentSecurityPolicy = Policy(publicPage, nonce);
        if (!(publicPage && options.CurrentValue.PublicEmbedOrigins.Length > 0)) headers.XFrameOptions = "DENY";
    }
}
