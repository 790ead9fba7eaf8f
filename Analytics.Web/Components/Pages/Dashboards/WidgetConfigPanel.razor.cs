using Analytics.Data.Query;
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

    /// <summary>Problems that have a field of their own in this panel.</summary>
    private static readonly HashSet<string> FieldProblems = ["config.title", "config.options.markdown", "config.series.metricName"];

    private static readonly string[] Aggregations = ["avg", "sum", "count", "min", "max", "p95", "p99"];

    private sealed record Choice(string Value, string Text);

    private IReadOnlyList<Choice> Dimensions => Catalog.Datasets.SelectMany(d => d.Dimensions).DistinctBy(d => d.Name).Select(d => new Choice(d.Name, d.Label)).ToList();

    private IReadOnlyList<Choice> Datasets => Catalog.Datasets.DistinctBy(d => d.Key).Select(d => new Choice(d.Key, d.Name)).ToList();

    private IReadOnlyList<(string Field, string Message)> OtherProblems => Problems.Where(p => !FieldProblems.Contains(p.Field)).ToList();

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
