using System.Globalization;
using Analytics.Domain.Query;

namespace Analytics.Domain.Exports;

/// <summary>
/// How values read in an export: numbers by their column's display format (<c>integer</c>, <c>number</c>,
/// <c>currency</c>, <c>percent</c> as a fraction, <c>ratio</c>), times in the document's zone at the result's
/// granularity. One home for it, so the PDF shows what the XLSX formats and what the tests look for.
/// </summary>
public sealed class ExportFormatter
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["GBP"] = "£", ["EUR"] = "€", ["JPY"] = "¥", ["CAD"] = "CA$", ["AUD"] = "A$", ["INR"] = "₹",
        ["CHF"] = "CHF ", ["SEK"] = "SEK ", ["PLN"] = "PLN ",
    };

    public ExportFormatter(string currency = "USD", string timeZone = "UTC")
    {
        CurrencySymbol = Symbols.TryGetValue(currency, out var symbol) ? symbol : currency.ToUpperInvariant() + " ";
        Zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone);
    }

    public static ExportFormatter For(ExportDocument document) => new(document.Currency, document.TimeZone);

    public string CurrencySymbol { get; }
    public TimeZoneInfo Zone { get; }

    /// <summary>What a missing value shows as.</summary>
    public const string Missing = "–";

    /// <summary>A cell as shown in a table or label.</summary>
    public string Format(object? value, QueryColumn column, string? granularity = null) => value switch
    {
        null => Missing,
        DateTime t => FormatTime(t, granularity),
        DateTimeOffset t => FormatTime(t.UtcDateTime, granularity),
        string s => s,
        _ when ToDouble(value) is { } d => FormatNumber(d, column.Format),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public string FormatNumber(double? value, string? format)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        return (format ?? "number").ToLowerInvariant() switch
        {
            "integer" => Math.Round(v).ToString("#,##0", Culture),
            "currency" => (v < 0 ? "-" : "") + CurrencySymbol + Math.Abs(v).ToString("#,##0.00", Culture),
            "percent" => (v * 100).ToString("#,##0.00", Culture) + "%",
            "ratio" => v.ToString("#,##0.00", Culture),
            _ => Math.Abs(v) >= 1000 ? v.ToString("#,##0", Culture) : v.ToString("#,##0.##", Culture),
        };
    }

    /// <summary>A short form for axis ticks and data labels: <c>$12.5k</c>, <c>1.2M</c>, <c>45%</c>.</summary>
    public string FormatCompact(double value, string? format)
    {
        var f = (format ?? "number").ToLowerInvariant();
        if (f == "percent") return (value * 100).ToString(Math.Abs(value) < 0.1 && value != 0 ? "0.#" : "0", Culture) + "%";
        if (f == "ratio") return value.ToString("0.##", Culture);
        var abs = Math.Abs(value);
        var (scaled, suffix) = abs >= 1e9 ? (value / 1e9, "B") : abs >= 1e6 ? (value / 1e6, "M") : abs >= 1e3 ? (value / 1e3, "k") : (value, "");
        var digits = suffix == "" && f != "integer" && abs < 10 ? "0.##" : "0.#";
        var text = scaled.ToString(digits, Culture) + suffix;
        return f == "currency" ? (value < 0 ? "-" + CurrencySymbol + text.TrimStart('-') : CurrencySymbol + text) : text;
    }

    /// <summary>A relative change: <c>+12.3%</c>, <c>−4.0%</c>.</summary>
    public static string FormatChange(double change) =>
        (change >= 0 ? "+" : "−") + Math.Abs(change * 100).ToString("0.0", Culture) + "%";

    /// <summary>A bucket start (UTC) in the document's zone; <paramref name="compact"/> for axis labels.</summary>
    public string FormatTime(DateTime utc, string? granularity, bool compact = false)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);
        return (granularity ?? "day").ToLowerInvariant() switch
        {
            "hour" => local.ToString(compact ? "d MMM HH:mm" : "d MMM yyyy HH:mm", Culture),
            "month" => local.ToString(compact ? "MMM yy" : "MMM yyyy", Culture),
            "none" => local.ToString("d MMM yyyy", Culture),
            _ => local.ToString(compact ? "d MMM" : "d MMM yyyy", Culture),
        };
    }

    /// <summary>The generated-at stamp: <c>30 Nov 2026 14:05 (Europe/Berlin)</c>.</summary>
    public string FormatStamp(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("d MMM yyyy HH:mm", Culture) + " (" + Zone.Id + ")";

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
        _ => null,
    };
}
