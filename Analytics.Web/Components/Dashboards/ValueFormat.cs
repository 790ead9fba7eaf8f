using System.Globalization;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// Formats a metric value by its format name (<c>number</c>, <c>integer</c>, <c>currency</c>, <c>percent</c>,
/// <c>ratio</c>; see Analytics.Domain/Metrics), the same way wwwroot/js/charts.js does for charts, so a KPI card, a
/// table and a chart tooltip show a value alike. Percentages are stored as fractions (0.0123 → 1.23%).
/// </summary>
public static class ValueFormat
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["CAD"] = "CA$", ["AUD"] = "A$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["INR"] = "₹",
    };

    public static string Format(double? value, string? format, string currency = "USD")
    {
        if (value is not { } v || !double.IsFinite(v)) return "–";
        return format switch
        {
            "integer" => v.ToString("#,0", Culture),
            "currency" => Currency(v, currency),
            "percent" => (v * 100).ToString("#,0.00", Culture) + "%",
            "ratio" => v.ToString("#,0.00", Culture),
            _ => v.ToString("#,0.##", Culture),
        };
    }

    /// <summary>A change as a signed percentage: <c>+12.5%</c>, <c>-3.0%</c>.</summary>
    public static string SignedPercent(double change) =>
        (change >= 0 ? "+" : "-") + Math.Abs(change * 100).ToString("#,0.0", Culture) + "%";

    private static string Currency(double v, string currency)
    {
        var digits = currency.Equals("JPY", StringComparison.OrdinalIgnoreCase) ? "#,0" : "#,0.00";
        var symbol = Symbols.TryGetValue(currency, out var s) ? s : currency.ToUpperInvariant() + " ";
        return (v < 0 ? "-" : "") + symbol + Math.Abs(v).ToString(digits, Culture);
    }
}
