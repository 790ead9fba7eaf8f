using Analytics.Domain.Dashboards;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// The Razor component that draws each widget kind's body on screen, keyed by <see cref="WidgetKind.Name"/>: the one place
/// that lists them (Domain cannot name Web components). Chart kinds are drawn by <see cref="EChart"/> from the option
/// <c>ChartOptionsBuilder</c> builds; <c>WidgetKindRegistryTests</c> proves every kind has a component here.
/// </summary>
public sealed class WidgetScreens
{
    private readonly Dictionary<string, Type> _byKind;

    public WidgetScreens(IEnumerable<KeyValuePair<string, Type>> components)
    {
        _byKind = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var (kind, component) in components)
        {
            if (!_byKind.TryAdd(kind, component)) throw new ArgumentException($"Screen component for '{kind}' is registered twice.", nameof(components));
        }
    }

    public static WidgetScreens Default { get; } = new(new Dictionary<string, Type>
    {
        ["line"] = typeof(EChart),
        ["area"] = typeof(EChart),
        ["bar"] = typeof(EChart),
        ["pie"] = typeof(EChart),
        ["donut"] = typeof(EChart),
        ["heatmap"] = typeof(EChart),
        ["gauge"] = typeof(EChart),
        ["kpi"] = typeof(KpiCard),
        ["table"] = typeof(TableWidget),
        ["text"] = typeof(TextWidget),
        ["alert"] = typeof(AlertWidget),
    });

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The component drawing <paramref name="kind"/>'s body, or null for an unknown kind.</summary>
    public Type? For(string? kind) => kind is not null && _byKind.TryGetValue(kind, out var component) ? component : null;
}
