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

    /// <summary>
    /// The short form for chart axes and data labels: below 10,000 as <see cref="Format(double?, string?, string)"/>
    /// writes it, from 10,000 in thousands, millions, billions or trillions with up to one decimal (<c>12.5K</c>,
    /// <c>$1.2M</c>, <c>-3B</c>); percents with up to one decimal (<c>12.5%</c>); ratios as ever (<c>4.11</c>).
    /// charts.js <c>formatValue(v, format, currency, true)</c> mirrors it (the shared table's <c>compact</c> cases).
    /// </summary>
    public static string Compact(double? value, string? format, string currency = "USD")
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        var f = (format ?? "number").ToLowerInvariant();
        if (f == "percent") return (v * 100).ToString("#,0.#", Culture) + "%";
        if (f == "ratio" || Math.Abs(v) < 10_000) return Format(v, f, currency);
        var text = CompactNumber(Math.Abs(v));
        return (v < 0 ? "-" : "") + (f == "currency" ? CurrencySymbol(currency) : "") + text;
    }

    private static readonly (decimal Scale, string Suffix)[] CompactUnits = [(1e12m, "T"), (1e9m, "B"), (1e6m, "M"), (1e3m, "K")];

    /// <summary>A non-negative value of 10,000 or more in its unit, rounded half away from zero to one decimal as ICU does (in decimal, so 12,350 is 12.4K).</summary>
    private static string CompactNumber(double abs)
    {
        var d = abs >= 1e27 ? 1e27m : (decimal)abs;
        for (var i = CompactUnits.Length - 1; i >= 0; i--)
        {
            var (scale, suffix) = CompactUnits[i];
            var rounded = Math.Round(d / scale, 1, MidpointRounding.AwayFromZero);
            if (rounded < 1000 || i == 0) return rounded.ToString("#,0.#", Culture) + suffix;
        }
        return d.ToString("#,0", Culture);
    }

    /// <summary>
    /// A change (a fraction) as a signed percentage with <paramref name="decimals"/> decimals: <c>+12.5%</c>,
    /// <c>−3.0%</c> (a true minus sign, as the sentences around it are read, not parsed).
    /// </summary>
    public static string SignedPercent(double change, int decimals = 1)
    {
        var text = Math.Abs(change * 100).ToString(decimals <= 0 ? "#,0" : "#,0." + new string('0', decimals), Culture);
        return (change < 0 && text.Any(c => c is >= '1' and <= '9') ? Minus : "+") + text + "%";
    }

    /// <summary>The minus sign of <see cref="SignedPercent"/> and <see cref="SignedAmount"/>.</summary>
    public const string Minus = "−";

    /// <summary>A difference as a sentence writes it: <c>+1,234</c>, <c>−56</c> (<see cref="Approximate"/>).</summary>
    public static string SignedAmount(double delta, string? format = "integer") =>
        (delta < 0 ? Minus : "+") + Approximate(Math.Abs(delta), format);

    /// <summary>
    /// A value as a sentence writes it (insights, summaries, chat answers), rounded for reading rather than exact:
    /// <c>integer</c> whole (<c>1,234</c>); <c>number</c> whole from 100, up to two decimals below (<c>1,234</c>,
    /// <c>12.35</c>); <c>currency</c> likewise with its symbol; <c>ratio</c> one decimal (<c>4.1</c>); <c>percent</c>
    /// (a fraction) one decimal (<c>12.3%</c>); a missing value <see cref="Missing"/>.
    /// </summary>
    public static string Approximate(double? value, string? format = "number", string currency = "USD")
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        var amount = Math.Abs(v) >= 100 ? "#,0" : "#,0.##";
        return (format ?? "number").ToLowerInvariant() switch
        {
            "integer" => v.ToString("#,0", Culture),
            "currency" => (v < 0 ? "-" : "") + CurrencySymbol(currency) + Math.Abs(v).ToString(Math.Abs(v) >= 100 ? "#,0" : "#,0.00", Culture),
            "percent" => (v * 100).ToString("#,0.0", Culture) + "%",
            "ratio" => v.ToString("#,0.0", Culture),
            _ => v.ToString(amount, Culture),
        };
    }

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
