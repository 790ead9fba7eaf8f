using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Web.Components.Dashboards;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Analytics.Web.Components.Layout;

/// <summary>
/// The app theme's CSS (what MudBlazor's <see cref="MudThemeProvider"/> writes: the palette, typography and layout
/// variables, and the scrollbars) for light and dark at once, as one stylesheet the page's head links
/// (<c>/theme.css?v=…</c>, cached for good). Dark applies under <c>&lt;html data-theme="dark"&gt;</c>, which
/// theme.js sets. A provider inside the interactive layout would write these 12 KB into every page and again into the
/// circuit's first render, and replacing a <c>:root</c> block restyles the whole page at the moment it becomes
/// interactive; a stylesheet in the head is never replaced.
/// </summary>
public sealed partial class ThemeStylesheet(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    public const string Path = "/theme.css";
    /// <summary>The scheme the browser last applied (theme.js writes it), so the next page is served in it.</summary>
    public const string Cookie = "analytics-theme";
    private const string Dark = ":root[data-theme=dark]";
    private readonly Lazy<Task<(string Css, string Version)>> _built = new(() => BuildAsync(scopes, loggers));

    public async Task<(string Css, string Version)> GetAsync() => await _built.Value;

    /// <summary>The stylesheet's address with its version, so a new theme is never served from a stale cache.</summary>
    public async Task<string> HrefAsync() => $"{Path}?v={(await GetAsync()).Version}";

    private static async Task<(string, string)> BuildAsync(IServiceScopeFactory scopes, ILoggerFactory loggers)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var light = await RenderAsync(renderer, dark: false);
        var dark = await RenderAsync(renderer, dark: true);
        var css = new StringBuilder("/* MudBlazor theme (Components/Layout/AppTheme.cs), light then dark. */\n");
        foreach (var block in StyleBlocks(light)) css.Append(block).Append('\n');
        var lightBlocks = StyleBlocks(light).ToHashSet();
        foreach (var block in StyleBlocks(dark).Where(b => !lightBlocks.Contains(b))) css.Append(UnderDark(block)).Append('\n');
        css.Append("/* The tile header's icons (MaterialIcons.TileIcons). */\n").Append(MaterialIcons.TileIconCss());
        var text = css.ToString();
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        return (text, version);
    }

    private static Task<string> RenderAsync(HtmlRenderer renderer, bool dark) => renderer.Dispatcher.InvokeAsync(async () =>
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(MudThemeProvider.Theme)] = AppTheme.Theme,
            [nameof(MudThemeProvider.IsDarkMode)] = dark,
        });
        return (await renderer.RenderComponentAsync<MudThemeProvider>(parameters)).ToHtmlString();
    });

    private static IEnumerable<string> StyleBlocks(string html) =>
        StyleElement().Matches(html).Select(m => m.Groups["css"].Value.Trim()).Where(css => css.Length > 0);

    /// <summary>Scopes a block's rules to the dark scheme: <c>:root</c> and <c>html</c> become the dark root, others descend from it.</summary>
    internal static string UnderDark(string block) => Rule().Replace(block, rule =>
    {
        var selectors = rule.Groups["selectors"].Value.Split(',').Select(s => s.Trim()).SelectMany(Scoped);
        return string.Join(", ", selectors) + " {";
    });

    private static IEnumerable<string> Scoped(string selector)
    {
        if (selector == ":root" || selector == "html") return [Dark];
        if (selector.StartsWith("::", StringComparison.Ordinal)) return [Dark + selector, $"{Dark} {selector}"]; // the page's own scrollbar, and every box's
        return [$"{Dark} {selector}"];
    }

    [GeneratedRegex(@"<style[^>]*>(?<css>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    // A rule's selectors start at the beginning or right after a brace; the lookbehind keeps every other position from
    // scanning ahead to the next brace (without it a 10 KB block of variables costs a quadratic scan: 0.4 s at start-up).
    [GeneratedRegex(@"(?<=^|[{}])(?<selectors>[^{}]+?)\s*\{")]
    private static partial Regex Rule();
}

/// <summary>
/// MudBlazor's theme provider for what it does in the browser (it reports the device's light/dark preference and its
/// changes), without writing the theme itself: <see cref="ThemeStylesheet"/> serves that from the page's head.
/// </summary>
public sealed class AppThemeProvider : MudThemeProvider
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
    }
}
