using System.Globalization;
using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Reports.Parameters;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>
/// One field of the dynamic parameter form: its definition, what the template's <c>uiSchema</c> says about it, and what
/// the user typed. Dates and date ranges are text (an ISO date or an expression such as "last 4 weeks"), numbers a
/// decimal, lists their tags.
/// </summary>
public sealed class ParameterField
{
    public required ParameterDefinition Definition { get; init; }
    public required string Label { get; init; }
    public string? Help { get; init; }
    public string? Placeholder { get; init; }
    public string? Widget { get; init; }

    public string Name => Definition.Name;
    public ParameterType Type => Definition.Type;
    public bool IsList => Type is ParameterType.StringList or ParameterType.AsinList or ParameterType.CampaignList;
    public bool IsNumber => Type is ParameterType.Int or ParameterType.Decimal;

    public string? Text { get; set; }
    public decimal? Number { get; set; }
    public List<string> Tags { get; } = [];

    /// <summary>What the field expects, for its hint line when <c>uiSchema</c> gives no help.</summary>
    public string Expectation => Type switch
    {
        ParameterType.Date => "A date (YYYY-MM-DD) or 'window start' / 'window end'.",
        ParameterType.DateRange => "start..end (YYYY-MM-DD..YYYY-MM-DD) or 'last 4 weeks', 'previous month', 'window'.",
        ParameterType.Int => Range("A whole number"),
        ParameterType.Decimal => Range("A number"),
        ParameterType.AsinList => "ASINs: 10 upper-case letters or digits each; Enter or comma adds one.",
        ParameterType.CampaignList => "Campaign names as they appear in the data; Enter or comma adds one.",
        ParameterType.StringList => "Values; Enter or comma adds one.",
        ParameterType.Enum => "One of the options.",
        _ => "Text.",
    };

    /// <summary>What to add after the template's own help: how to enter the value, without repeating what it means.</summary>
    public string? InputHint => Type switch
    {
        ParameterType.StringList or ParameterType.AsinList or ParameterType.CampaignList => "Enter or comma adds one.",
        ParameterType.Int or ParameterType.Decimal => Expectation,
        ParameterType.Date or ParameterType.DateRange => Expectation,
        _ => null,
    };

    private string Range(string what) => (Definition.Min, Definition.Max) switch
    {
        ({ } min, { } max) => $"{what} from {F(min)} to {F(max)}.",
        ({ } min, null) => $"{what}, at least {F(min)}.",
        (null, { } max) => $"{what}, at most {F(max)}.",
        _ => $"{what}.",
    };

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds tags from typed text: comma-separated parts, trimmed, without repeats. Returns whether any was added.</summary>
    public bool AddTags(string? text)
    {
        var added = false;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Tags.Contains(part, StringComparer.Ordinal)) continue;
            Tags.Add(part);
            added = true;
        }
        return added;
    }

    public void RemoveTag(string tag) => Tags.Remove(tag);

    /// <summary>The value as the report stores it, or null when the field is empty (the template's default then applies).</summary>
    public JsonElement? ToJson()
    {
        if (IsList) return Tags.Count == 0 ? null : JsonSerializer.SerializeToElement(Tags);
        if (IsNumber)
        {
            if (Number is not { } n) return null;
            // Sent as typed: 2.5 for an int parameter is refused by the binder ("Expected a whole number") rather than rounded.
            return JsonDocument.Parse(n.ToString(CultureInfo.InvariantCulture)).RootElement.Clone();
        }
        return string.IsNullOrWhiteSpace(Text) ? null : JsonSerializer.SerializeToElement(Text.Trim());
    }

    /// <summary>Fills the field from a stored value (a report being edited) or the template's default.</summary>
    public void Load(JsonElement? value)
    {
        Text = null;
        Number = null;
        Tags.Clear();
        if (value is not { } v || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return;
        if (IsList)
        {
            if (v.ValueKind == JsonValueKind.Array) AddTags(string.Join(',', v.EnumerateArray().Select(e => e.ToString())));
            else if (v.ValueKind == JsonValueKind.String) AddTags(v.GetString());
            return;
        }
        if (IsNumber && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d))
        {
            Number = d;
            return;
        }
        if (Type == ParameterType.DateRange && v.ValueKind == JsonValueKind.Object
            && v.TryGetProperty("start", out var s) && v.TryGetProperty("end", out var e))
        {
            Text = $"{s}..{e}";
            return;
        }
        Text = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
    }
}

/// <summary>
/// The state of a report's parameter form: one <see cref="ParameterField"/> per definition, labelled from the
/// template's <c>uiSchema</c>, validated by the same <see cref="ParameterBinder"/> the server runs (so the messages
/// are the server's), with errors per field. A field's error shows once it was touched, or everywhere after a submit.
/// </summary>
public sealed class ParameterFormState
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private bool _showAll;

    public ParameterFormState(IReadOnlyList<ParameterDefinition> definitions, JsonElement uiSchema, IReadOnlyDictionary<string, JsonElement>? values, DateSpan sampleWindow)
    {
        SampleWindow = sampleWindow;
        Fields = definitions.Select(d =>
        {
            var ui = uiSchema.ValueKind == JsonValueKind.Object && uiSchema.TryGetProperty(d.Name, out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            var field = new ParameterField
            {
                Definition = d,
                Label = Str(ui, "label") ?? Humanize(d.Name),
                Help = Str(ui, "help"),
                Placeholder = Str(ui, "placeholder"),
                Widget = Str(ui, "widget"),
            };
            field.Load(values is not null && values.TryGetValue(d.Name, out var given) ? given : d.Default);
            return field;
        }).ToList();
        Validate();
    }

    /// <summary>The window date expressions are checked against while editing (each run resolves them against its own).</summary>
    public DateSpan SampleWindow { get; }

    public IReadOnlyList<ParameterField> Fields { get; }

    public bool IsValid => _errors.Count == 0;

    /// <summary>Every current error, keyed by parameter name, whether shown yet or not.</summary>
    public IReadOnlyDictionary<string, string[]> AllErrors => _errors;

    public ParameterField this[string name] => Fields.First(f => f.Name == name);

    /// <summary>The messages to show under a field now.</summary>
    public IReadOnlyList<string> ErrorsFor(string name) =>
        (_showAll || _touched.Contains(name)) && _errors.TryGetValue(name, out var messages) ? messages : [];

    /// <summary>Call after the user changed a field: marks it touched and re-validates the whole form.</summary>
    public void Changed(string name)
    {
        _touched.Add(name);
        Validate();
    }

    /// <summary>Before saving: shows every error. True when there is none.</summary>
    public bool ValidateAll()
    {
        _showAll = true;
        Validate();
        return IsValid;
    }

    /// <summary>Errors the server answered (keys <c>parameters.&lt;name&gt;</c>); shown at once.</summary>
    public void ShowServerErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        _showAll = true;
        foreach (var (key, messages) in errors)
            if (key.StartsWith("parameters.", StringComparison.Ordinal)) _errors[key["parameters.".Length..]] = messages;
    }

    public Dictionary<string, JsonElement> ToValues()
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in Fields)
            if (field.ToJson() is { } json) values[field.Name] = json;
        return values;
    }

    /// <summary>
    /// For a date or date-range field whose text is valid: what it means for the sample window, e.g.
    /// "2025-01-06 → 2025-02-03 (for a window ending 2025-02-03)". Null otherwise.
    /// </summary>
    public string? Resolved(ParameterField field)
    {
        if (string.IsNullOrWhiteSpace(field.Text)) return null;
        var text = field.Text.Trim();
        return field.Type switch
        {
            ParameterType.Date when DateExpressions.TryParseDate(text, SampleWindow, out var date) && !IsIsoDate(text)
                => $"= {date:yyyy-MM-dd} for a window {SampleWindow.Start:yyyy-MM-dd} → {SampleWindow.End:yyyy-MM-dd}",
            ParameterType.DateRange when DateExpressions.TryParseRange(text, SampleWindow, out var range)
                => $"= {range.Start:yyyy-MM-dd} → {range.End:yyyy-MM-dd} (end exclusive)" + (text.Contains("..", StringComparison.Ordinal) ? "" : $", for a window ending {SampleWindow.End:yyyy-MM-dd}"),
            _ => null,
        };
    }

    private void Validate()
    {
        try
        {
            ParameterBinder.Bind(Fields.Select(f => f.Definition).ToList(), ToValues(), SampleWindow);
            _errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        }
        catch (ValidationException e)
        {
            _errors = e.Errors
                .Where(kv => kv.Key.StartsWith("parameters.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["parameters.".Length..], kv => kv.Value, StringComparer.Ordinal);
        }
    }

    private static bool IsIsoDate(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string? Str(JsonElement ui, string property) =>
        ui.ValueKind == JsonValueKind.Object && ui.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>campaignType → "Campaign type".</summary>
    public static string Humanize(string name)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in name.Replace('_', ' '))
        {
            if (c == ' ' || char.IsUpper(c) && current.Length > 0)
            {
                if (current.Length > 0) words.Add(current.ToString());
                current.Clear();
                if (c == ' ') continue;
            }
            current.Append(c);
        }
        if (current.Length > 0) words.Add(current.ToString());
        var text = string.Join(' ', words.Select(w => w.ToLowerInvariant()));
        return text.Length == 0 ? name : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
