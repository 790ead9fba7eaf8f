using System.Globalization;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Domain.Exports;

/// <summary>
/// How values read in an export: numbers by their column's display format (<c>integer</c>, <c>number</c>,
/// <c>currency</c>, <c>percent</c> as a fraction, <c>ratio</c>), times in the document's zone at the result's
/// granularity. Numbers read as everywhere else (<see cref="MetricFormat"/>); the compact axis form and times are the
/// export's own.
/// </summary>
public sealed class ExportFormatter
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public ExportFormatter(string currency = "USD", string timeZone = "UTC")
    {
        Currency = string.IsNullOrWhiteSpace(currency) ? "USD" : currency;
        CurrencySymbol = MetricFormat.CurrencySymbol(Currency);
        Zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone);
    }

    public static ExportFormatter For(ExportDocument document) => new(document.Currency, document.TimeZone);

    /// <summary>The document's currency code (<c>USD</c>).</summary>
    public string Currency { get; }

    public string CurrencySymbol { get; }
    public TimeZoneInfo Zone { get; }

    /// <summary>What a missing value shows as.</summary>
    public const string Missing = MetricFormat.Missing;

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

    /// <summary>A number by its metric format (<see cref="MetricFormat"/>), in the document's currency.</summary>
    public string FormatNumber(double? value, string? format) => MetricFormat.Format(value, format, Currency);

    /// <summary>The short form for axis ticks and data labels (<see cref="MetricFormat.Compact"/>): <c>$12.5K</c>, <c>1.2M</c>, <c>45%</c>.</summary>
    public string FormatCompact(double value, string? format) => MetricFormat.Compact(value, format, Currency);

    /// <summary>A relative change: <c>+12.3%</c>, <c>−4.0%</c>.</summary>
    public static string FormatChange(double change) => MetricFormat.SignedPercent(change);

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

    public static double? ToDouble(object? value) => MetricFormat.ToDouble(value);
}
