using System.Globalization;
using System.Text.Json;
using Analytics.Data.Reports;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>One row of the parameters editor.</summary>
public sealed class ParameterRow
{
    public string Name { get; set; } = "";
    public ParameterType Type { get; set; } = ParameterType.String;
    public bool Required { get; set; }
    /// <summary>The default as typed: a number, a date expression, text, or comma-separated values for lists.</summary>
    public string? Default { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
    /// <summary>Enum options, comma-separated.</summary>
    public string? Options { get; set; }
    public string? Label { get; set; }
    public string? Help { get; set; }
}

/// <summary>One measure of the result's shape.</summary>
public sealed class MeasureRow
{
    public string Name { get; set; } = "";
    public Aggregation Aggregation { get; set; } = Aggregation.Sum;
    public bool Additive { get; set; } = true;
}

/// <summary>
/// The "New template" form: plain fields that become a <see cref="TemplateInput"/>. The server's
/// <see cref="TemplateRules"/> validate it; their error keys (<c>sql</c>, <c>parameters[1].min</c>,
/// <c>reportConfig.measures</c>, …) are the keys the form shows errors under.
/// </summary>
public sealed class TemplateFormState
{
    public static readonly string[] AllSourceKinds = ["demo", "sqlite", "postgres", "csv", "amc"];

    public string Name { get; set; } = "";
    public string Category { get; set; } = "General";
    public string ReportType { get; set; } = "performance";
    public string? Description { get; set; }
    public string Sql { get; set; } = "";
    public List<ParameterRow> Parameters { get; } = [];
    public string? TimeColumn { get; set; } = "date";
    public string Grain { get; set; } = "day";
    /// <summary>Dimension columns, comma-separated.</summary>
    public string Dimensions { get; set; } = "";
    public List<MeasureRow> Measures { get; } = [new()];
    public IEnumerable<string> SourceKinds { get; set; } = ["demo"];

    /// <summary>Ticks or unticks one source kind; the kinds stay in the order of <see cref="AllSourceKinds"/>.</summary>
    public void SetSourceKind(string kind, bool on) =>
        SourceKinds = AllSourceKinds.Where(k => k == kind ? on : SourceKinds.Contains(k)).ToList();

    public void AddParameter() => Parameters.Add(new ParameterRow { Name = $"param{Parameters.Count + 1}" });
    public void RemoveParameter(ParameterRow row) => Parameters.Remove(row);
    public void AddMeasure() => Measures.Add(new MeasureRow());
    public void RemoveMeasure(MeasureRow row) => Measures.Remove(row);

    /// <summary>A copy of an existing template (built-ins are read-only: this is how they are changed).</summary>
    public static TemplateFormState From(TemplateView t, string? nameSuffix = null)
    {
        var state = new TemplateFormState
        {
            Name = t.Name + (nameSuffix ?? ""), Category = t.Category, ReportType = t.ReportType, Description = t.Description, Sql = t.Sql,
            TimeColumn = t.ReportConfig.TimeColumn, Grain = t.ReportConfig.Grain, Dimensions = string.Join(", ", t.ReportConfig.Dimensions),
            SourceKinds = t.SourceKinds.ToList(),
        };
        foreach (var p in t.Parameters)
        {
            var ui = t.UiSchema.ValueKind == JsonValueKind.Object && t.UiSchema.TryGetProperty(p.Name, out var u) ? u : default;
            state.Parameters.Add(new ParameterRow
            {
                Name = p.Name, Type = p.Type, Required = p.Required, Min = p.Min, Max = p.Max,
                Default = p.Default is { } d ? DefaultText(d) : null,
                Options = p.Options is null ? null : string.Join(", ", p.Options),
                Label = Str(ui, "label"), Help = Str(ui, "help"),
            });
        }
        state.Measures.Clear();
        state.Measures.AddRange(t.ReportConfig.Measures.Select(m => new MeasureRow { Name = m.Name, Aggregation = m.Aggregation, Additive = m.IsAdditive }));
        return state;
    }

    public TemplateInput ToInput()
    {
        var ui = new Dictionary<string, Dictionary<string, string>>();
        foreach (var p in Parameters)
        {
            var entry = new Dictionary<string, string>();
            if (!string.IsNullOrWhiteSpace(p.Label)) entry["label"] = p.Label.Trim();
            if (!string.IsNullOrWhiteSpace(p.Help)) entry["help"] = p.Help.Trim();
            if (p.Type is ParameterType.StringList or ParameterType.AsinList or ParameterType.CampaignList) entry["widget"] = "tags";
            if (entry.Count > 0 && !string.IsNullOrWhiteSpace(p.Name)) ui[p.Name.Trim()] = entry;
        }
        var config = new ReportConfig
        {
            TimeColumn = string.IsNullOrWhiteSpace(TimeColumn) ? null : TimeColumn.Trim(),
            Grain = Grain,
            Dimensions = Split(Dimensions),
            Measures = Measures.Select(m => new ReportMeasure(m.Name.Trim(), m.Aggregation,
                // Only say "additive" when it differs from what the aggregation implies, so the stored config stays minimal.
                Additive: m.Additive == (m.Aggregation is Aggregation.Sum or Aggregation.Count) ? null : m.Additive)).ToList(),
        };
        return new TemplateInput
        {
            Name = Name, Category = Category, ReportType = ReportType, Description = Description, Sql = Sql,
            Parameters = Parameters.Select(p => new ParameterDefinition(
                p.Name.Trim(), p.Type, p.Required, Default(p), p.Min, p.Max,
                p.Type == ParameterType.Enum ? Split(p.Options) : null)).ToList(),
            UiSchema = JsonSerializer.SerializeToElement(ui),
            ReportConfig = JsonSerializer.SerializeToElement(config, TemplateRules.Json),
            SourceKinds = SourceKinds.ToList(),
        };
    }

    /// <summary>Errors of the template rules that belong to no visible field (shown at the top of the form).</summary>
    public static IEnumerable<string> Unplaced(IReadOnlyDictionary<string, string[]> errors, IEnumerable<string> placed) =>
        errors.Where(e => !placed.Contains(e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"));

    private static JsonElement? Default(ParameterRow p)
    {
        if (string.IsNullOrWhiteSpace(p.Default)) return null;
        var text = p.Default.Trim();
        return p.Type switch
        {
            ParameterType.Int or ParameterType.Decimal when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
                => JsonDocument.Parse(n.ToString(CultureInfo.InvariantCulture)).RootElement.Clone(),
            ParameterType.StringList or ParameterType.AsinList or ParameterType.CampaignList
                => JsonSerializer.SerializeToElement(Split(text)),
            // Anything else is sent as text; a non-number for a numeric type is then refused by the rules, naming the parameter.
            _ => JsonSerializer.SerializeToElement(text),
        };
    }

    private static string DefaultText(JsonElement d) => d.ValueKind switch
    {
        JsonValueKind.Array => string.Join(", ", d.EnumerateArray().Select(e => e.ToString())),
        JsonValueKind.String => d.GetString() ?? "",
        _ => d.GetRawText(),
    };

    private static List<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string? Str(JsonElement ui, string property) =>
        ui.ValueKind == JsonValueKind.Object && ui.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>The gallery's filters: category, report type and the instance a template must support.</summary>
public static class TemplateGallery
{
    public static IReadOnlyList<TemplateView> Filter(IEnumerable<TemplateView> templates, string? category, string? reportType, string? sourceKind) =>
        templates
            .Where(t => string.IsNullOrEmpty(category) || t.Category == category)
            .Where(t => string.IsNullOrEmpty(reportType) || t.ReportType == reportType)
            .Where(t => string.IsNullOrEmpty(sourceKind) || t.SourceKinds.Count == 0 || t.SourceKinds.Contains(sourceKind))
            .ToList();
}
