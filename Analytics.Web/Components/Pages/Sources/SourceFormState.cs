using System.Text.Json.Nodes;
using Analytics.Data.Sources;
using Analytics.Domain.Sources;

namespace Analytics.Web.Components.Pages.Sources;

/// <summary>
/// The source form's state, driven by the kind's <see cref="SettingField"/>s: text values per field, turned into the
/// settings JSON the service validates, and the service's errors per field. Secrets start empty on edit ("leave blank
/// to keep"), because the stored value is never shown back.
/// </summary>
public sealed class SourceFormState(SourceConnectors connectors)
{
    public string? Id { get; private set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public SourceKind Kind { get; set; } = SourceKind.Postgres;
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();
    public IReadOnlyList<string> SecretsSet { get; private set; } = [];

    public bool IsEdit => Id is not null;

    /// <summary>The kinds a user can create (built-ins such as the demo are seeded, not created).</summary>
    public IReadOnlyList<SourceKind> CreatableKinds =>
        Enum.GetValues<SourceKind>().Where(k => connectors.Has(k) && !connectors.Get(k).BuiltIn).ToList();

    public IReadOnlyList<SettingField> Fields => connectors.Has(Kind) ? connectors.Get(Kind).SettingFields : [];

    public void Load(SourceView source)
    {
        Id = source.Id;
        Name = source.Name;
        Description = source.Description;
        Kind = SourceKinds.TryParse(source.Kind, out var kind) ? kind : SourceKind.Demo;
        Values.Clear();
        SecretsSet = source.Settings["secretsSet"] is JsonArray set ? set.Select(n => n!.GetValue<string>()).ToList() : [];
        foreach (var field in Fields)
        {
            var node = source.Settings[field.Name];
            Values[field.Name] = field.Type switch
            {
                SettingFieldType.Secret => "",
                SettingFieldType.List => node is JsonArray list ? string.Join(", ", list.Select(n => n!.GetValue<string>())) : "",
                SettingFieldType.Measures => node is JsonArray measures
                    ? string.Join(", ", measures.OfType<JsonObject>().Select(m => $"{m["name"]}:{m["aggregation"]?.GetValue<string>() ?? "sum"}"))
                    : "",
                _ => node?.GetValue<string>() ?? "",
            };
        }
    }

    public string Value(string field) => Values.GetValueOrDefault(field, "");

    /// <summary>The settings as the API takes them. An empty secret is left out, which keeps the stored one on edit.</summary>
    public JsonObject Settings()
    {
        var settings = new JsonObject();
        foreach (var field in Fields)
        {
            var text = Value(field.Name).Trim();
            switch (field.Type)
            {
                case SettingFieldType.Secret when text.Length == 0:
                    break;
                case SettingFieldType.List:
                    settings[field.Name] = new JsonArray(Split(text).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
                    break;
                case SettingFieldType.Measures:
                    settings[field.Name] = new JsonArray(Split(text).Select(Measure).ToArray());
                    break;
                default:
                    if (text.Length > 0) settings[field.Name] = text;
                    break;
            }
        }
        return settings;
    }

    public SourceInput Input() => new(Name.Trim(), Kind.ToWire(), Settings(), string.IsNullOrWhiteSpace(Description) ? null : Description.Trim());

    /// <summary>Errors of one field: <c>settings.&lt;name&gt;</c> keys, and the shape-wide ones under the first field that declares the shape.</summary>
    public IReadOnlyList<string> ErrorsFor(string key) =>
        Errors.Where(e => e.Key == key || e.Key.StartsWith(key + ".", StringComparison.Ordinal) || e.Key.StartsWith(key + "[", StringComparison.Ordinal))
            .SelectMany(e => e.Value).ToList();

    /// <summary>Errors that no field on the form shows, so the form can list them at the top.</summary>
    public IReadOnlyList<string> OtherErrors()
    {
        var shown = new List<string> { "name", "kind", "description" };
        shown.AddRange(Fields.Select(f => $"settings.{f.Name}"));
        return Errors.Where(e => !shown.Any(k => e.Key == k || e.Key.StartsWith(k + ".", StringComparison.Ordinal) || e.Key.StartsWith(k + "[", StringComparison.Ordinal)))
            .SelectMany(e => e.Value.Select(v => e.Key.StartsWith("settings", StringComparison.Ordinal) ? v : $"{e.Key}: {v}")).ToList();
    }

    private static IEnumerable<string> Split(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static JsonNode Measure(string entry)
    {
        var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
        return new JsonObject { ["name"] = parts[0], ["aggregation"] = parts.Length > 1 && parts[1].Length > 0 ? parts[1].ToLowerInvariant() : "sum" };
    }
}
