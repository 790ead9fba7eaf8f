using System.Text.Json;

namespace Analytics.Tests.Shared;

/// <summary>One case of <c>metric-format-cases.json</c>: the table both the C# formatter and charts.js are tested against.</summary>
public sealed record MetricFormatCase(double? Value, string? Format, string Currency, string Expected, bool Compact = false)
{
    public override string ToString() => $"{Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} {Format} {Currency}{(Compact ? " compact" : "")} → {Expected}";
}

public static class MetricFormatCases
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Shared", "metric-format-cases.json");

    public static string Json => File.ReadAllText(Path);

    public static IReadOnlyList<MetricFormatCase> All { get; } =
        JsonDocument.Parse(File.ReadAllText(Path)).RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new MetricFormatCase(
                c.GetProperty("value").ValueKind == JsonValueKind.Null ? null : c.GetProperty("value").GetDouble(),
                c.GetProperty("format").GetString(), c.GetProperty("currency").GetString()!, c.GetProperty("expected").GetString()!,
                c.TryGetProperty("compact", out var compact) && compact.GetBoolean()))
            .ToList();
}
