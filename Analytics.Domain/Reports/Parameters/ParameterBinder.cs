using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Reports.Parameters;

/// <summary>
/// Validates a report's parameter values against its template's definitions, all at once, and turns them into typed
/// values. Errors are keyed <c>parameters.&lt;name&gt;</c> and say what is expected. The time window's
/// <c>timeWindowStart</c>/<c>timeWindowEnd</c> are always bound.
/// </summary>
public static partial class ParameterBinder
{
    public const int MaxStringLength = 500;
    public const int MaxListItems = 1000;
    public const string WindowStart = "timeWindowStart";
    public const string WindowEnd = "timeWindowEnd";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex AsinPattern();

    public static IReadOnlyDictionary<string, ParameterValue> Bind(
        IReadOnlyList<ParameterDefinition> definitions, IReadOnlyDictionary<string, JsonElement>? values, DateSpan window)
    {
        var errors = new Dictionary<string, string[]>();
        var bound = new Dictionary<string, ParameterValue>(StringComparer.Ordinal)
        {
            [WindowStart] = new(WindowStart, ParameterType.Date, window.Start),
            [WindowEnd] = new(WindowEnd, ParameterType.Date, window.End),
        };
        values ??= new Dictionary<string, JsonElement>();
        foreach (var unknown in values.Keys.Where(k => definitions.All(d => d.Name != k)))
            errors[$"parameters.{unknown}"] = ["This template has no such parameter."];

        foreach (var definition in definitions)
        {
            var key = $"parameters.{definition.Name}";
            if (!NamePattern().IsMatch(definition.Name) || definition.Name is WindowStart or WindowEnd)
            {
                errors[key] = ["Parameter names are letters, digits and _ (and not timeWindowStart/End)."];
                continue;
            }
            JsonElement? given = values.TryGetValue(definition.Name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : definition.Default;
            if (given is null)
            {
                if (definition.Required) errors[key] = ["A value is required."];
                continue;
            }
            try
            {
                bound[definition.Name] = new ParameterValue(definition.Name, definition.Type, Convert(definition, given.Value, window));
            }
            catch (ParameterException e)
            {
                errors[key] = [e.Message];
            }
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return bound;
    }

    private static object Convert(ParameterDefinition d, JsonElement value, DateSpan window)
    {
        switch (d.Type)
        {
            case ParameterType.Date:
                return DateExpressions.TryParseDate(Text(value), window, out var date)
                    ? date
                    : throw new ParameterException("Expected a date: YYYY-MM-DD, 'window start' or 'window end'.");
            case ParameterType.DateRange:
                if (value.ValueKind == JsonValueKind.Object
                    && value.TryGetProperty("start", out var s) && value.TryGetProperty("end", out var e)
                    && DateExpressions.TryParseDate(Text(s), window, out var start) && DateExpressions.TryParseDate(Text(e), window, out var end) && start < end)
                    return new DateSpan(start, end);
                return value.ValueKind == JsonValueKind.String && DateExpressions.TryParseRange(value.GetString()!, window, out var range)
                    ? range
                    : throw new ParameterException("Expected { start, end } dates or an expression such as 'last 4 weeks', 'previous month', 'window'.");
            case ParameterType.Int:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer))
                    throw new ParameterException("Expected a whole number.");
                CheckRange(d, integer);
                return integer;
            case ParameterType.Decimal:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
                    throw new ParameterException("Expected a number.");
                CheckRange(d, (double)number);
                return number;
            case ParameterType.String:
                return CleanText(Text(value));
            case ParameterType.Enum:
                var option = Text(value);
                return d.Options?.Contains(option, StringComparer.Ordinal) == true
                    ? option
                    : throw new ParameterException($"Expected one of: {string.Join(", ", d.Options ?? [])}.");
            default:
                return List(d, value);
        }
    }

    private static List<string> List(ParameterDefinition d, JsonElement value)
    {
        IEnumerable<string> items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(Text),
            JsonValueKind.String => value.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            _ => throw new ParameterException("Expected a list of values."),
        };
        var list = items.Select(CleanText).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxListItems) throw new ParameterException($"At most {MaxListItems} values.");
        if (d.Required && list.Count == 0) throw new ParameterException("At least one value is required.");
        if (d.Type == ParameterType.AsinList && list.FirstOrDefault(a => !AsinPattern().IsMatch(a)) is { } bad)
            throw new ParameterException($"'{bad}' is not an ASIN (10 upper-case letters or digits, e.g. B0C1234567).");
        return list;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => throw new ParameterException("Expected text."),
    };

    /// <summary>Text values: bounded length, no control characters, no lone surrogates (they would corrupt the query text).</summary>
    private static string CleanText(string text)
    {
        if (text.Length > MaxStringLength) throw new ParameterException($"At most {MaxStringLength} characters.");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c)) throw new ParameterException($"Control characters are not allowed (found U+{(int)c:X4} at {i + 1}).");
            if (char.IsHighSurrogate(c) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[++i])) || char.IsLowSurrogate(c))
                throw new ParameterException($"Invalid Unicode at {i + 1}.");
        }
        return text;
    }

    private static void CheckRange(ParameterDefinition d, double value)
    {
        if (d.Min is { } min && value < min) throw new ParameterException($"At least {min.ToString(CultureInfo.InvariantCulture)}.");
        if (d.Max is { } max && value > max) throw new ParameterException($"At most {max.ToString(CultureInfo.InvariantCulture)}.");
    }

    private sealed class ParameterException(string message) : Exception(message);
}
