using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Domain.Chat.Egress;

/// <summary>Rewrites the strings of a JSON document one by one, so text rules never break its syntax or miss escaped characters.</summary>
public static class EgressJson
{
    /// <summary>Written without escaping non-ASCII text, as the model receives it.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string MapStrings(string json, Func<string, string> map, Func<string, string>? fallback = null)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { return (fallback ?? map)(json); }
        return root is null ? json : Map(root, map).ToJsonString(Options);
    }

    public static JsonNode Map(JsonNode node, Func<string, string> map)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is { } child && Map(child, map) is var mapped && !ReferenceEquals(mapped, child)) o[key] = mapped;
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item && Map(item, map) is var mapped && !ReferenceEquals(mapped, item)) a[i] = mapped;
                }
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                return JsonValue.Create(map(text))!;
            default:
                return node;
        }
    }
}
