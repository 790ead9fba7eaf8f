using System.Globalization;
using System.Text.Json;

namespace Analytics.Domain.Chat;

/// <summary>How the chat writes a value into an answer, by the metric's format (one home for both planners and the templates).</summary>
public static class ChatValueFormat
{
    public static string Format(string? format, object? value)
    {
        if (value is JsonElement e)
        {
            value = e.ValueKind switch
            {
                JsonValueKind.Number => e.GetDouble(),
                JsonValueKind.String => e.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => e.GetRawText(),
            };
        }
        if (value is int or long or float or decimal) value = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (value is not double d) return value is null ? "n/a" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return format switch
        {
            "integer" => d.ToString("N0", CultureInfo.InvariantCulture),
            "percent" => (d * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%",
            "ratio" => d.ToString("0.00", CultureInfo.InvariantCulture),
            _ => d.ToString("N2", CultureInfo.InvariantCulture),
        };
    }
}
