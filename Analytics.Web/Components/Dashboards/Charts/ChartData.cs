using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Query;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// A query result seen as a chart sees it: the time column (if any), the dimension columns and the metric columns, in
/// result order, with the values read whatever their boxed type (rows built in memory hold <see cref="DateTime"/> and
/// <see cref="double"/>; rows read back from JSON hold <see cref="JsonElement"/>).
/// </summary>
public sealed class ChartData
{
    private readonly TimeZoneInfo _zone;

    public ChartData(QueryResult result)
    {
        Result = result;
        for (var i = 0; i < result.Columns.Count; i++)
        {
            var column = result.Columns[i];
            switch (column.Role)
            {
                case "time" when TimeIndex < 0: TimeIndex = i; break;
                case "metric": Metrics.Add(i); break;
                case "dimension": Dimensions.Add(i); break;
            }
        }
        _zone = FindZone(result.Meta.TimeZone);
    }

    public QueryResult Result { get; }
    public IReadOnlyList<object?[]> Rows => Result.Rows;
    public int TimeIndex { get; } = -1;
    public bool HasTime => TimeIndex >= 0;
    public List<int> Dimensions { get; } = [];
    public List<int> Metrics { get; } = [];
    public string Granularity => string.IsNullOrEmpty(Result.Meta.Granularity) ? "day" : Result.Meta.Granularity;

    public QueryColumn Column(int index) => Result.Columns[index];
    public string Label(int index) => Result.Columns[index].Label ?? Result.Columns[index].Name;
    public string Format(int index) => string.IsNullOrEmpty(Result.Columns[index].Format) ? "number" : Result.Columns[index].Format!;

    /// <summary>The value of a dimension cell as shown; missing values read <c>(none)</c>.</summary>
    public static string Text(object? value) => value switch
    {
        null => "(none)",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.Null } => "(none)",
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A finite number, or null.</summary>
    public static double? Number(object? value)
    {
        double? d = value switch
        {
            null => null,
            double x => x,
            float x => x,
            decimal x => (double)x,
            int x => x,
            long x => x,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
            IConvertible c when value is not string => c.ToDouble(CultureInfo.InvariantCulture),
            _ => null,
        };
        return d is { } v && double.IsFinite(v) ? v : null;
    }

    /// <summary>A time cell as a UTC instant.</summary>
    public static DateTime? Instant(object? value) => value switch
    {
        DateTime d => d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime(),
        DateTimeOffset o => o.UtcDateTime,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var o) => o.UtcDateTime,
        JsonElement { ValueKind: JsonValueKind.String } e when e.TryGetDateTimeOffset(out var o) => o.UtcDateTime,
        _ => null,
    };

    /// <summary>
    /// The bucket's wall-clock time in the query's zone, written as if it were UTC: charts run with <c>useUTC</c>, so a
    /// day bucket of New York reads "Jan 6", not "Jan 6, 05:00", whatever the viewer's browser zone.
    /// </summary>
    public string? TimeKey(object? value) =>
        Instant(value) is { } utc ? TimeZoneInfo.ConvertTimeFromUtc(utc, _zone).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;

    /// <summary>The wall-clock time in the query's zone.</summary>
    public DateTime? Local(object? value) => Instant(value) is { } utc ? TimeZoneInfo.ConvertTimeFromUtc(utc, _zone) : null;

    /// <summary>A bucket label for category axes (heatmap columns, pie slices over time), by granularity.</summary>
    public string TimeLabel(object? value)
    {
        if (Local(value) is not { } t) return "(none)";
        return Granularity switch
        {
            "hour" => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            "week" => "Wk " + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "month" => t.ToString("MMM yyyy", CultureInfo.InvariantCulture),
            "quarter" => $"Q{(t.Month - 1) / 3 + 1} {t.Year}",
            "year" => t.Year.ToString(CultureInfo.InvariantCulture),
            _ => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Distinct values of a column in order of first appearance.</summary>
    public List<string> Distinct(int column, Func<object?, string>? text = null)
    {
        text ??= Text;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var values = new List<string>();
        foreach (var row in Rows)
        {
            var v = text(row[column]);
            if (seen.Add(v)) values.Add(v);
        }
        return values;
    }

    public static JsonNode? Json(double? value) => value is { } v ? JsonValue.Create(v) : null;

    private static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
