using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;

namespace Analytics.Domain.Reports;

/// <summary>A template as a client sends it (CONTRACT.md: <c>POST /templates</c>).</summary>
public sealed record TemplateInput
{
    public string? Name { get; init; }
    public string? Category { get; init; }
    public string? ReportType { get; init; }
    public string? Description { get; init; }
    public string? Sql { get; init; }
    public List<ParameterDefinition>? Parameters { get; init; }
    public JsonElement? UiSchema { get; init; }
    public JsonElement? ReportConfig { get; init; }
    /// <summary>The source kinds the SQL is written for (<c>demo</c>, <c>amc</c>, …); empty means any SQL source.</summary>
    public List<string>? SourceKinds { get; init; }
}

/// <summary>A template that passed every check, with its parts parsed.</summary>
public sealed record ValidTemplate(
    string Name,
    string Category,
    string ReportType,
    string? Description,
    string Sql,
    SqlTemplate Template,
    IReadOnlyList<ParameterDefinition> Parameters,
    string UiSchemaJson,
    ReportConfig Config,
    IReadOnlyList<SourceKind> SourceKinds);

/// <summary>The rules a template must meet: its SQL parses and uses only declared parameters, every definition and
/// default is valid, and its <c>reportConfig</c> declares a usable shape. All problems are reported at once.</summary>
public static class TemplateRules
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ValidTemplate Validate(TemplateInput input)
    {
        var errors = new Dictionary<string, string[]>();
        void Catch(Action check)
        {
            try { check(); }
            catch (ValidationException e) { foreach (var (k, v) in e.Errors) errors[k] = v; }
        }

        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors["name"] = ["A template needs a name of 1 to 200 characters."];
        var category = string.IsNullOrWhiteSpace(input.Category) ? "General" : input.Category.Trim();
        var reportType = string.IsNullOrWhiteSpace(input.ReportType) ? "performance" : input.ReportType.Trim();
        if (category.Length > 100) errors["category"] = ["At most 100 characters."];
        if (reportType.Length > 100) errors["reportType"] = ["At most 100 characters."];

        var definitions = input.Parameters ?? [];
        for (var i = 0; i < definitions.Count; i++)
        {
            var d = definitions[i];
            var key = $"parameters[{i}]";
            if (d is null) { errors[key] = ["A parameter definition is required here."]; continue; }
            if (!Enum.IsDefined(d.Type)) errors[$"{key}.type"] = ["Unknown type; use date, dateRange, int, decimal, string, enum, stringList, asinList or campaignList."];
            if (d.Type == ParameterType.Enum && (d.Options is null || d.Options.Count == 0)) errors[$"{key}.options"] = ["An enum parameter lists its options."];
            if (d.Min is { } min && d.Max is { } max && min > max) errors[$"{key}.min"] = [$"min ({min}) is above max ({max})."];
        }
        foreach (var dupe in definitions.Where(d => d is not null).GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            errors["parameters"] = [$"Parameter '{dupe.Key}' is declared twice."];
        if (errors.Count == 0)
        {
            // Names and defaults are checked by binding each default on its own, as the engine will.
            var window = new DateSpan(new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 13));
            Catch(() => ParameterBinder.Bind(definitions.Select(d => d with { Required = false }).ToList(), null, window));
        }

        SqlTemplate? template = null;
        var sql = input.Sql ?? "";
        if (string.IsNullOrWhiteSpace(sql)) errors["sql"] = ["A template needs SQL."];
        else if (sql.Length > 100_000) errors["sql"] = ["The SQL is longer than 100,000 characters."];
        else
        {
            Catch(() => template = SqlTemplate.Parse(sql));
            if (template is not null)
            {
                var declared = new HashSet<string>(definitions.Where(d => d is not null).Select(d => d.Name), StringComparer.Ordinal)
                    { ParameterBinder.WindowStart, ParameterBinder.WindowEnd };
                var unknown = template.Placeholders.Select(p => p.Split('.')[0]).Where(p => !declared.Contains(p)).Distinct().ToList();
                if (unknown.Count > 0)
                    errors["sql"] = [$"The SQL uses {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}, which {(unknown.Count == 1 ? "is" : "are")} not declared as parameters."];
            }
        }

        ReportConfig? config = null;
        Catch(() => config = Reports.ReportConfig.Parse(input.ReportConfig));

        var kinds = new List<SourceKind>();
        foreach (var kind in input.SourceKinds ?? [])
        {
            if (SourceKinds.TryParse(kind, out var parsed)) { if (!kinds.Contains(parsed)) kinds.Add(parsed); }
            else errors["sourceKinds"] = [$"'{kind}' is not a source kind; use demo, sqlite, postgres, csv or amc."];
        }
        if (input.UiSchema is { } ui && ui.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            errors["uiSchema"] = ["uiSchema is an object: { \"<parameter>\": { \"widget\", \"label\", \"help\", \"placeholder\" } }."];

        if (errors.Count > 0) throw new ValidationException(errors);
        var uiJson = input.UiSchema is { ValueKind: JsonValueKind.Object } u ? u.GetRawText() : "{}";
        return new ValidTemplate(name, category, reportType, input.Description?.Trim(), sql, template!, definitions, uiJson, config!, kinds);
    }

    public static IReadOnlyList<ParameterDefinition> ParseParameters(string json) =>
        JsonSerializer.Deserialize<List<ParameterDefinition>>(string.IsNullOrWhiteSpace(json) ? "[]" : json, Json) ?? [];

    public static string SerializeParameters(IReadOnlyList<ParameterDefinition> definitions) => JsonSerializer.Serialize(definitions, Json);

    /// <summary>A report's stored parameter values.</summary>
    public static Dictionary<string, JsonElement> ParseValues(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(string.IsNullOrWhiteSpace(json) ? "{}" : json, Json) ?? [];

    public static DateSpan WindowDates(DateTimeOffset start, DateTimeOffset end) =>
        new(DateOnly.FromDateTime(start.UtcDateTime), DateOnly.FromDateTime(end.UtcDateTime));
}
