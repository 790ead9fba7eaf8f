using System.Collections.Frozen;
using System.Reflection;
using MudBlazor;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// The domain names icons the Material way (<c>show_chart</c>, <c>trending_up</c>: widget kinds, templates); MudBlazor
/// draws SVG paths (<c>Icons.Material.Filled.ShowChart</c>). This is the one place that turns one into the other.
/// </summary>
public static class MaterialIcons
{
    private static readonly FrozenDictionary<string, string> Filled = typeof(Icons.Material.Filled)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(string))
        .ToFrozenDictionary(f => f.Name, f => (string)f.GetValue(null)!, StringComparer.Ordinal);

    /// <summary>The filled SVG icon for a Material name such as <c>bar_chart</c>; <paramref name="fallback"/> when there is none.</summary>
    public static string FromName(string? name, string? fallback = null)
    {
        var pascal = string.Concat((name ?? "").Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return Filled.TryGetValue(pascal, out var icon) ? icon : fallback ?? Icons.Material.Filled.Widgets;
    }

    /// <summary>
    /// The icons of the tile header, drawn by CSS (<c>&lt;span class="tile-icon" data-icon="refresh"&gt;</c>, masked by the
    /// SVG): the header is on every tile, so a dashboard of twenty would otherwise parse forty SVG fragments and add their
    /// nodes on every load. <see cref="TileIconCss"/> writes the rules into the theme stylesheet; the name is the key.
    /// </summary>
    public static readonly FrozenDictionary<string, string> TileIcons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["refresh"] = Icons.Material.Filled.Refresh,
        ["download"] = Icons.Material.Filled.Download,
        ["image"] = Icons.Material.Filled.Image,
        ["truncated"] = Icons.Material.Filled.ContentCut,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>One rule per tile icon: its SVG as the mask of a box painted in the text colour.</summary>
    public static string TileIconCss() => string.Concat(TileIcons.Select(icon =>
        $".tile-icon[data-icon={icon.Key}] {{ --tile-icon: url(\"data:image/svg+xml,{Uri.EscapeDataString(
            $"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>{icon.Value.Replace('"', '\'')}</svg>")}\"); }}\n"));
}
