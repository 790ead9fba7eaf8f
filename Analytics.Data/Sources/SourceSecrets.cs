using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Sources;
using Microsoft.AspNetCore.DataProtection;

namespace Analytics.Data.Sources;

/// <summary>
/// Encrypts a source's secret settings at rest with ASP.NET Core Data Protection (keys under the data directory) and
/// decrypts them only for a connector about to run. A protected value is stored as <c>{ "$protected": "…" }</c>.
/// </summary>
public sealed class SourceSecrets(IDataProtectionProvider provider, SourceConnectors connectors)
{
    private const string Marker = "$protected";
    private readonly IDataProtector _protector = provider.CreateProtector("Analytics.Sources.Settings.v1");

    /// <summary>Returns a copy of <paramref name="settings"/> with every secret of its kind encrypted.</summary>
    public JsonObject Protect(SourceKind kind, JsonObject settings)
    {
        var copy = (JsonObject)settings.DeepClone();
        foreach (var name in connectors.Get(kind).SecretSettings)
        {
            if (copy[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
                copy[name] = new JsonObject { [Marker] = _protector.Protect(text) };
        }
        return copy;
    }

    /// <summary>The settings with secrets in clear, for a connector. Throws when a key is gone (settings must be entered again).</summary>
    public JsonObject Unprotect(DataSource source)
    {
        var settings = Parse(source.SettingsJson);
        foreach (var (name, node) in settings.ToList())
        {
            if (node is JsonObject o && o[Marker] is JsonValue protectedValue)
            {
                try
                {
                    settings[name] = _protector.Unprotect(protectedValue.GetValue<string>());
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    throw new SourceQueryException($"The stored secret '{name}' of source '{source.Name}' cannot be decrypted (the data-protection keys changed); enter it again in the source's settings.", inner: e);
                }
            }
        }
        return settings;
    }

    /// <summary>What the API and UI show: secrets replaced by null, and listed under <c>secretsSet</c> when one is stored.</summary>
    public JsonObject Redact(DataSource source)
    {
        var settings = Parse(source.SettingsJson);
        var set = new JsonArray();
        foreach (var name in connectors.Get(source.Kind).SecretSettings)
        {
            if (settings[name] is not null) set.Add(name);
            settings[name] = null;
        }
        settings["secretsSet"] = set;
        return settings;
    }

    /// <summary>
    /// For an update: a secret left out (or null, or empty) keeps its stored value, so a form never has to show a secret
    /// back to keep it — unless a setting the secret is bound to changes (<see cref="ISourceConnector.SecretBoundSettings"/>:
    /// AMC's <c>baseUrl</c>, where the token is sent), which takes the secret entered again (400 naming it).
    /// </summary>
    public JsonObject MergeForUpdate(DataSource existing, JsonObject incoming)
    {
        var merged = (JsonObject)incoming.DeepClone();
        merged.Remove("secretsSet");
        var stored = Unprotect(existing);
        var connector = connectors.Get(existing.Kind);
        var errors = new Dictionary<string, string[]>();
        foreach (var name in connector.SecretSettings)
        {
            if (Given(merged, name)) continue;
            foreach (var (setting, _) in connector.SecretBoundSettings.Where(b => b.Value == name && merged[b.Key] is not null && !SameValue(stored[b.Key], merged[b.Key])))
                errors[$"settings.{name}"] = [$"'{setting}' changed: enter '{name}' again, so the stored secret is never sent to an address it was not entered for."];
            if (stored[name] is { } old) merged[name] = old.DeepClone();
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return merged;
    }

    /// <summary>The names of the settings that differ between the stored source and <paramref name="updated"/> (secrets compared in clear, named only).</summary>
    public IReadOnlyList<string> ChangedSettings(DataSource existing, JsonObject updated)
    {
        var stored = Unprotect(existing);
        return stored.Select(p => p.Key).Union(updated.Select(p => p.Key))
            .Where(key => key != "secretsSet" && !key.EndsWith("Redacted", StringComparison.Ordinal) && !SameValue(stored[key], updated[key]))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool Given(JsonObject settings, string name) => settings[name] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0;

    private static bool SameValue(JsonNode? a, JsonNode? b) =>
        a is JsonValue va && b is JsonValue vb && va.TryGetValue<string>(out var sa) && vb.TryGetValue<string>(out var sb)
            ? string.Equals(sa.Trim(), sb.Trim(), StringComparison.Ordinal)
            : JsonNode.DeepEquals(a, b);

    public static JsonObject Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new JsonObject() : JsonNode.Parse(json) as JsonObject ?? new JsonObject();
}
