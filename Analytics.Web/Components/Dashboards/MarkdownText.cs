using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// Markdown of text widgets to HTML that is safe to show: raw HTML in the source is escaped (never passed through),
/// and links or images whose address uses a scheme other than http, https or mailto (<c>javascript:</c>,
/// <c>data:</c>, …) lose their address. Images load only from the app itself — a relative address, or one on
/// <c>appOrigin</c>: an external image would tell its server who reads the dashboard and when, so it is shown as a link
/// instead (the Content-Security-Policy's <c>img-src 'self'</c> would block it anyway).
/// </summary>
public static partial class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .Build();

    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    /// <param name="appOrigin">The app's own origin (e.g. <c>https://analytics.example.com/</c>): absolute image addresses on it load too.</param>
    public static string ToHtml(string? markdown, Uri? appOrigin = null)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsSafeUrl(link.Url)) link.Url = "#";
            if (link.IsImage && !IsOwnImage(link.Url, appOrigin))
            {
                link.IsImage = false;
                if (link.FirstChild is null) link.AppendChild(new LiteralInline(link.Url ?? ""));
            }
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeUrl(link.Url)) link.Url = "#";
        }
        return document.ToHtml(Pipeline);
    }

    /// <summary>Relative addresses and http(s)/mailto ones. Browsers ignore whitespace and control characters inside a scheme, so this does too.</summary>
    public static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return true;
        var compact = Invisible().Replace(url, "");
        var scheme = Scheme().Match(compact);
        return !scheme.Success || AllowedSchemes.Contains(scheme.Groups[1].Value.ToLowerInvariant());
    }

    /// <summary>
    /// A relative address (not <c>//host</c>, nor <c>/\host</c>, which browsers read as one), or an http(s) address on
    /// <paramref name="appOrigin"/>.
    /// </summary>
    public static bool IsOwnImage(string? url, Uri? appOrigin)
    {
        if (string.IsNullOrEmpty(url) || url == "#") return false;
        var compact = Invisible().Replace(url, "").Replace('\\', '/');
        if (compact.StartsWith("//", StringComparison.Ordinal)) return false;
        if (!Scheme().IsMatch(compact)) return true;
        return appOrigin is not null && Uri.TryCreate(compact, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.Equals(uri.GetLeftPart(UriPartial.Authority), appOrigin.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"[\s\x00-\x1f\x7f]+")]
    private static partial Regex Invisible();

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex Scheme();
}
