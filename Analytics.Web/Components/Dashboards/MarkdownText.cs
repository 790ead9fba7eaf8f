using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// Markdown of text widgets to HTML that is safe to show: raw HTML in the source is escaped (never passed through),
/// and links or images whose address uses a scheme other than http, https or mailto (<c>javascript:</c>,
/// <c>data:</c>, …) lose their address.
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

    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafeUrl(link.Url)) link.Url = "#";
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

    [GeneratedRegex(@"[\s\x00-\x1f\x7f]+")]
    private static partial Regex Invisible();

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex Scheme();
}
