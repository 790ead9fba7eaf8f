using System.Globalization;
using System.Text.Json;

namespace Analytics.Domain.Metrics;

/// <summary>
/// How a metric value reads, by its format name (<c>integer</c>, <c>number</c>, <c>currency</c>, <c>percent</c> as a
/// fraction, <c>ratio</c>): the one rule for KPI cards, tables, PDF/CSV/XLSX, chat answers and e-mails. Culture is
/// invariant en-US (the UI's rule so far): <c>1,234.5</c>, <c>$1,234.50</c>, <c>12.34%</c>, <c>4.11</c>, a missing value
/// <c>–</c>. <c>wwwroot/js/charts.js</c> <c>formatValue</c> mirrors it; <c>Analytics.Tests/Shared/metric-format-cases.json</c>
/// holds the cases both sides are tested against.
/// </summary>
public static class MetricFormat
{
    /// <summary>What a missing (or not finite) value shows as.</summary>
    public const string Missing = "–";

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["CAD"] = "CA$", ["AUD"] = "A$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["INR"] = "₹",
    };

    /// <summary>The currency's symbol (<c>$</c>, <c>€</c>), or its code and a space (<c>CHF </c>).</summary>
    public static string CurrencySymbol(string currency) =>
        Symbols.TryGetValue(currency, out var symbol) ? symbol : currency.ToUpperInvariant() + " ";

    private static int CurrencyDigits(string currency) => currency.Equals("JPY", StringComparison.OrdinalIgnoreCase) ? 0 : 2;

    public static string Format(double? value, string? format, string currency = "USD")
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        return (format ?? "number").ToLowerInvariant() switch
        {
            "integer" => v.ToString("#,0", Culture),
            "currency" => (v < 0 ? "-" : "") + CurrencySymbol(currency) + Math.Abs(v).ToString(CurrencyDigits(currency) == 0 ? "#,0" : "#,0.00", Culture),
            "percent" => (v * 100).ToString("#,0.00", Culture) + "%",
            "ratio" => v.ToString("#,0.00", Culture),
            _ => v.ToString("#,0.##", Culture),
        };
    }

    /// <summary>Any value: numbers (also boxed or JSON) by <paramref name="format"/>, null as <see cref="Missing"/>, text as it is.</summary>
    public static string Format(object? value, string? format, string currency = "USD")
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
        return value switch
        {
            null => Missing,
            string s => s,
            _ when ToDouble(value) is { } d => Format(d, format, currency),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>A change as a signed percentage: <c>+12.5%</c>, <c>-3.0%</c>.</summary>
    public static string SignedPercent(double change) =>
        (change >= 0 ? "+" : "-") + Math.Abs(change * 100).ToString("#,0.0", Culture) + "%";

    /// <summary>
    /// The spreadsheet number format for cells of <paramref name="format"/> (the cells stay numbers). Excel has no "up to
    /// two decimals" without a trailing point, so <c>number</c> shows two.
    /// </summary>
    public static string SpreadsheetFormat(string? format, string currency = "USD")
    {
        var symbol = "\"" + CurrencySymbol(currency).Replace("\"", "") + "\"";
        var digits = CurrencyDigits(currency) == 0 ? "#,##0" : "#,##0.00";
        return (format ?? "number").ToLowerInvariant() switch
        {
            "integer" => "#,##0",
            "currency" => $"{symbol}{digits};-{symbol}{digits}",
            "percent" => "0.00%",
            "ratio" => "0.00",
            _ => "#,##0.00",
        };
    }

    public static double? ToDouble(object? value) => value switch
    {
        null => null,
        double d => d,
        float f => f,
        decimal m => (double)m,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        ulong u => u,
        uint u => u,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => null,
    };
}
