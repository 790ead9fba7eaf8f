using Analytics.Data.Query;
using Analytics.Domain.Dashboards;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The builder's settings for one widget, bound to a <see cref="WidgetConfigForm"/>: each change is reported with the field
/// it touched (the editor coalesces undo steps by field). The form's problems — the server's own checks — show under the
/// field they name (title, markdown, app metric) and the rest, about how the fields combine, in a list below.
/// </summary>
public sealed partial class WidgetConfigPanel
{
    [Parameter, EditorRequired] public required WidgetConfigForm Form { get; set; }
    [Parameter, EditorRequired] public required Catalog Catalog { get; set; }
    [Parameter] public IReadOnlyList<(string Field, string Message)> Problems { get; set; } = [];
    [Parameter] public EventCallback<string> OnChange { get; set; }
    [Parameter] public EventCallback OnClose { get; set; }

    /// <summary>Problems that have a field of their own in this panel (and every option and value filter field: see <see cref="HasField"/>).</summary>
    private static readonly HashSet<string> FieldProblems = ["config.title", "config.options.markdown", "config.series.metricName"];

    private static bool HasField(string field) =>
        FieldProblems.Contains(field) || field.StartsWith("config.options.", StringComparison.Ordinal) || field.StartsWith("config.query.having", StringComparison.Ordinal);

    /// <summary>Colours offered for series, bands and cells: strong ones for lines and text, light ones for cell backgrounds.</summary>
    internal static readonly IReadOnlyList<(string Hex, string Name)> Palette =
    [
        ("#1e88e5", "Blue"), ("#43a047", "Green"), ("#e53935", "Red"), ("#fb8c00", "Orange"), ("#8e24aa", "Purple"), ("#00acc1", "Teal"),
        ("#fdd835", "Yellow"), ("#6d4c41", "Brown"), ("#546e7a", "Grey"), ("#d81b60", "Pink"), ("#1b5e20", "Dark green"), ("#b71c1c", "Dark red"),
        ("#e8f5e9", "Light green"), ("#ffebee", "Light red"), ("#fff8e1", "Light yellow"), ("#e3f2fd", "Light blue"),
    ];

    private static readonly IReadOnlyDictionary<string, string> RuleOpLabels = new Dictionary<string, string>
    {
        ["gt"] = ">", ["gte"] = "≥", ["lt"] = "<", ["lte"] = "≤", ["eq"] = "=", ["between"] = "between",
    };

    private static readonly IReadOnlyDictionary<string, string> AxisFormatLabels = new Dictionary<string, string>
    {
        ["number"] = "Number (1,234.5)", ["percent"] = "Percent (12%)", ["currency"] = "Currency ($1,234)", ["compact"] = "Compact (1.2K)",
    };

    /// <summary>The palette, plus a colour set through the API that is not in it (so the select can show it).</summary>
    private static IEnumerable<(string Hex, string Name)> ColorsWith(string? current) =>
        current is { Length: > 0 } && Palette.All(p => !p.Hex.Equals(current, StringComparison.OrdinalIgnoreCase)) ? Palette.Append((current, current)) : Palette;

    private static string ColorName(string? hex) =>
        hex is null or "" ? "Automatic" : Palette.FirstOrDefault(p => p.Hex.Equals(hex, StringComparison.OrdinalIgnoreCase)).Name ?? hex;

    /// <summary>The instances the viewer may read (those of the datasets in their catalog).</summary>
    private IReadOnlyList<Choice> Instances => Catalog.Datasets.DistinctBy(d => d.SourceId).Select(d => new Choice(d.SourceId, d.SourceName)).OrderBy(c => c.Text, StringComparer.OrdinalIgnoreCase).ToList();

    private string InstanceLabel(string? id) => Instances.FirstOrDefault(i => i.Value == id)?.Text ?? id ?? "";

    private static string TimeRangeLabel(string? preset) => preset is null or WidgetConfigForm.FollowDashboard ? "Dashboard's time range" : DateRangePresets.Label(preset);

    private Task Add<T>(List<T> rows, T row, string field)
    {
        rows.Add(row);
        return OnChange.InvokeAsync(field);
    }

    private Task Remove<T>(List<T> rows, T row, string field)
    {
        rows.Remove(row);
        return OnChange.InvokeAsync(field);
    }

    private Task SetColor(string metric, string? color)
    {
        if (string.IsNullOrEmpty(color)) Form.Colors.Remove(metric);
        else Form.Colors[metric] = color;
        return OnChange.InvokeAsync("colors");
    }

    private static readonly string[] Aggregations = ["avg", "sum", "count", "min", "max", "p95", "p99"];

    private sealed record Choice(string Value, string Text);

    private IReadOnlyList<Choice> Dimensions => Catalog.Datasets.SelectMany(d => d.Dimensions).DistinctBy(d => d.Name).Select(d => new Choice(d.Name, d.Label)).ToList();

    private IReadOnlyList<Choice> Datasets => Catalog.Datasets.DistinctBy(d => d.Key).Select(d => new Choice(d.Key, d.Name)).ToList();

    private IReadOnlyList<(string Field, string Message)> OtherProblems => Problems.Where(p => !HasField(p.Field)).ToList();

    private bool Has(string field) => Problems.Any(p => p.Field == field);

    private string? ErrorFor(string field) => Has(field) ? string.Join(" ", Problems.Where(p => p.Field == field).Select(p => p.Message)) : null;

    private string MetricLabel(string? name) => Catalog.Metrics.FirstOrDefault(m => m.Name == name)?.Label ?? name ?? "";

    private string DimensionLabel(string? name) => Dimensions.FirstOrDefault(d => d.Value == name)?.Text ?? name ?? "";

    private Task OnKindChanged(string kind)
    {
        Form.ChangeKind(kind);
        return OnChange.InvokeAsync("kind");
    }

    private Task Set(Action change, string field)
    {
        change();
        return OnChange.InvokeAsync(field);
    }
}
