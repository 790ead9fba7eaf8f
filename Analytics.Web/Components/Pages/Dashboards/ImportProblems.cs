using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Domain.Dashboards;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>One problem of a dashboard file, said where a person looks for it: "Widget 4 (Spend by campaign)", "The file".</summary>
public sealed record ImportProblem(string Where, string Message);

/// <summary>
/// Turns the import's field-keyed errors (<c>widgets[3].config.query.metrics[0]</c>) into lines a person can act on: which
/// widget (by number and title, as in the file), what about it, and the service's message; in the file's order.
/// </summary>
public static partial class ImportProblems
{
    [GeneratedRegex(@"^(widgets|filters)\[(\d+)\](?:\.(.+))?$")]
    private static partial Regex Indexed();

    public static IReadOnlyList<ImportProblem> Describe(PortableDashboard? document, IReadOnlyDictionary<string, string[]> errors)
    {
        var problems = new List<(int Order, ImportProblem Problem)>();
        foreach (var (key, messages) in errors)
        {
            var message = string.Join(" ", messages);
            var match = Indexed().Match(key);
            if (!match.Success)
            {
                problems.Add((-1, new ImportProblem(Top(key), message)));
                continue;
            }
            var index = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var what = About(match.Groups[3].Value);
            if (match.Groups[1].Value == "filters")
            {
                problems.Add((-1, new ImportProblem($"Dashboard filter {index + 1}{what}", message)));
                continue;
            }
            var widget = document?.Widgets is { } widgets && index < widgets.Count ? widgets[index] : null;
            var title = widget?.Config?["title"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var t) && t.Length > 0 ? t : WidgetKinds.Find(widget?.Type)?.Label;
            problems.Add((index, new ImportProblem($"Widget {index + 1}{(title is null ? "" : $" ({title})")}{what}", message)));
        }
        return problems.OrderBy(p => p.Order).Select(p => p.Problem).ToList();
    }

    private static string Top(string key) => key switch
    {
        "file" or "document" or "formatVersion" or "body" => "The file",
        "name" => "Name",
        "description" => "Description",
        "refreshSeconds" => "Auto-refresh",
        "widgets" => "Widgets",
        _ => key,
    };

    private static string About(string field) => field switch
    {
        "" => "",
        "type" => ", its type",
        "position" => ", its place on the grid",
        "id" => ", its id",
        _ when field.StartsWith("config.query.metrics", StringComparison.Ordinal) => ", a metric",
        _ when field.StartsWith("config.query.instances", StringComparison.Ordinal) || field.StartsWith("instances", StringComparison.Ordinal) => ", an instance",
        _ when field.StartsWith("config.query.groupBy", StringComparison.Ordinal) || field.StartsWith("config.query.filters", StringComparison.Ordinal) => ", a dimension",
        _ when field.StartsWith("config.query.dataset", StringComparison.Ordinal) => ", its dataset",
        _ when field.StartsWith("config.series", StringComparison.Ordinal) => ", its operational metric",
        _ when field.StartsWith("config.title", StringComparison.Ordinal) => ", its title",
        _ => ", its settings",
    };
}
