using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Components;
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

    private static readonly ConcurrentDictionary<string, MarkupString> InlineSvgs = new(StringComparer.Ordinal);

    /// <summary>
    /// An icon as one piece of markup (<c>&lt;svg class="inline-icon"&gt;</c>) for places repeated on every tile, where a
    /// <c>MudIcon</c> component per icon would cost a component, its parameters and its class builder each time a
    /// dashboard renders (what the tile header shows twenty times over). Decorative: the button around it is labelled.
    /// </summary>
    public static MarkupString Inline(string icon) => InlineSvgs.GetOrAdd(icon, static paths =>
        new MarkupString($"<svg class=\"inline-icon\" viewBox=\"0 0 24 24\" focusable=\"false\" aria-hidden=\"true\">{paths}</svg>"));
}
