using System.Globalization;
using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;

namespace Analytics.Data.Chat;

/// <summary>Who asks, in which zone, on which day: every function runs with the asking user's permissions.</summary>
public sealed record ChatToolContext(Actor Actor, TimeZoneInfo Zone, DateOnly Today, string? ConversationId = null);

/// <summary>A function's answer: the payload the model reads (JSON), how many rows it carried, and a chart or table to show.</summary>
public sealed record ChatToolResult(object Payload, int RowCount, ChatVisualization? Visualization = null);

/// <summary>
/// A query function the planners may call. Read-only by construction: implementations get only read services (the
/// catalog and the semantic-layer query engine), take no SQL, and validate their arguments against
/// <see cref="ParametersSchema"/> (unknown fields are refused).
/// </summary>
public interface IChatFunction
{
    string Name { get; }
    string Description { get; }
    /// <summary>JSON Schema of the arguments object (what the LLM is told).</summary>
    string ParametersSchema { get; }
    Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct);
}

/// <summary>Reads and validates function arguments; every problem names the field (<c>arguments.metric</c>).</summary>
public sealed class ChatArgs
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, string[]> _errors = [];

    public ChatArgs(JsonElement root, params string[] allowed)
    {
        _root = root;
        if (root.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) { _root = JsonDocument.Parse("{}").RootElement; return; }
        if (root.ValueKind != JsonValueKind.Object) throw new ValidationException("arguments", "Arguments must be a JSON object.");
        foreach (var p in root.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal)) _errors[$"arguments.{p.Name}"] = [$"Unknown argument '{p.Name}'; allowed: {string.Join(", ", allowed)}."];
        }
    }

    public void Fail(string field, string message) => _errors[$"arguments.{field}"] = [message];

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0) throw new ValidationException(_errors);
    }

    private JsonElement? Get(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string? String(string field, bool required = false, int maxLength = 200)
    {
        var v = Get(field);
        if (v is null) { if (required) Fail(field, $"{field} is required."); return null; }
        if (v.Value.ValueKind != JsonValueKind.String) { Fail(field, $"{field} must be a string."); return null; }
        var s = v.Value.GetString()!.Trim();
        if (s.Length == 0 && required) { Fail(field, $"{field} cannot be empty."); return null; }
        if (s.Length > maxLength) { Fail(field, $"{field} is at most {maxLength} characters."); return null; }
        return s;
    }

    public IReadOnlyList<string> Strings(string field, bool required = false, int max = 20)
    {
        var v = Get(field);
        if (v is null) { if (required) Fail(field, $"{field} is required: a list of names."); return []; }
        if (v.Value.ValueKind == JsonValueKind.String) return [v.Value.GetString()!.Trim()];
        if (v.Value.ValueKind != JsonValueKind.Array) { Fail(field, $"{field} must be a list of strings."); return []; }
        var list = new List<string>();
        foreach (var item in v.Value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString())) { Fail(field, $"{field} must be a list of non-empty strings."); return []; }
            list.Add(item.GetString()!.Trim());
        }
        if (required && list.Count == 0) Fail(field, $"{field} needs at least one name.");
        if (list.Count > max) Fail(field, $"{field} takes at most {max} names.");
        return list;
    }

    public int? Int(string field, int min, int max)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetInt32(out var n)) { Fail(field, $"{field} must be a whole number."); return null; }
        if (n < min || n > max) { Fail(field, $"{field} must be between {min} and {max}."); return null; }
        return n;
    }

    public bool? Bool(string field)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) { Fail(field, $"{field} must be true or false."); return null; }
        return v.Value.GetBoolean();
    }

    public DateOnly? Date(string field, bool required = false)
    {
        var s = String(field, required, 10);
        if (s is null) return null;
        if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            Fail(field, $"{field} must be a date as YYYY-MM-DD.");
            return null;
        }
        return d;
    }

    /// <summary>A start (inclusive) and end (exclusive) date pair.</summary>
    public (DateOnly Start, DateOnly End) Range(string startField = "start", string endField = "end")
    {
        var start = Date(startField, required: true);
        var end = Date(endField, required: true);
        if (start is { } s && end is { } e)
        {
            if (e <= s) Fail(endField, $"{endField} must be after {startField} (the end date is exclusive).");
            else if (e.DayNumber - s.DayNumber > 366 * 5) Fail(endField, "The range is at most five years.");
            return (s, e);
        }
        return default;
    }

    /// <summary><c>{ "campaign": ["A", "B"] }</c>.</summary>
    public Dictionary<string, IReadOnlyList<string>> Filters(string field = "filters")
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var v = Get(field);
        if (v is null) return result;
        if (v.Value.ValueKind != JsonValueKind.Object) { Fail(field, $"{field} must be an object of dimension → list of values."); return result; }
        foreach (var p in v.Value.EnumerateObject())
        {
            var values = new List<string>();
            if (p.Value.ValueKind == JsonValueKind.String) values.Add(p.Value.GetString()!);
            else if (p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String))
                values.AddRange(p.Value.EnumerateArray().Select(x => x.GetString()!));
            else { Fail($"{field}.{p.Name}", "A filter is a list of values (strings)."); continue; }
            if (values.Count is 0 or > 100) { Fail($"{field}.{p.Name}", "A filter has 1 to 100 values."); continue; }
            result[p.Name] = values;
        }
        return result;
    }
}
