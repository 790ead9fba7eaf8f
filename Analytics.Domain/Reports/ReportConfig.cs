using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Domain.Facts;

namespace Analytics.Domain.Reports;

/// <summary>
/// The shape of a template's result (CONTRACT.md <c>reportConfig</c>): which column is the time, which are dimensions,
/// which are measures and how each aggregates. Without a <see cref="TimeColumn"/> every row is stamped with its
/// execution's window start (AMC answers one row per group for the whole window). The same shape declares a CSV
/// source's rows.
/// </summary>
public sealed record ReportConfig
{
    public string? TimeColumn { get; init; }
    public IReadOnlyList<string> Dimensions { get; init; } = [];
    public IReadOnlyList<ReportMeasure> Measures { get; init; } = [];
    /// <summary>The grain the rows are collected at: <c>hour</c>, <c>day</c>, <c>week</c> or <c>month</c>; coarser queries aggregate.</summary>
    public string Grain { get; init; } = "day";

    public static readonly IReadOnlySet<string> Grains = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "hour", "day", "week", "month" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Parses and validates; errors are keyed <c>{prefix}.…</c>.</summary>
    public static ReportConfig Parse(JsonElement? json, string prefix = "reportConfig")
    {
        if (json is not { ValueKind: JsonValueKind.Object } element)
            throw new ValidationException(prefix, "Declare the result's shape: { timeColumn?, dimensions: [..], measures: [{ name, aggregation }] }.");
        ReportConfig? config;
        try
        {
            config = element.Deserialize<ReportConfig>(Json);
        }
        catch (JsonException e)
        {
            // Key the error by where it is ("$.measures[0].aggregation" → reportConfig.measures[0].aggregation).
            var key = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? prefix : prefix + "." + e.Path.TrimStart('$', '.');
            throw new ValidationException(key, $"Not a valid value here ({e.Path}). Aggregations are sum, min, max, avg or count; dimensions are a list of column names.");
        }
        config = config! with { Dimensions = config.Dimensions ?? [], Measures = config.Measures ?? [] };
        config.Validate(prefix);
        return config;
    }

    public static ReportConfig FromJson(string json) => Parse(JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json).RootElement);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Validate(string prefix = "reportConfig")
    {
        var errors = new Dictionary<string, string[]>();
        if (Measures.Count == 0) errors[$"{prefix}.measures"] = ["Declare at least one measure."];
        if (Measures.Count > Dataset.MaxMeasures) errors[$"{prefix}.measures"] = [$"At most {Dataset.MaxMeasures} measures; got {Measures.Count}."];
        if (Dimensions.Count > Dataset.MaxDimensions) errors[$"{prefix}.dimensions"] = [$"At most {Dataset.MaxDimensions} dimensions; got {Dimensions.Count}."];
        if (!Grains.Contains(Grain)) errors[$"{prefix}.grain"] = [$"'{Grain}' is not a grain; use hour, day, week or month."];
        var names = new List<string>();
        if (TimeColumn is not null) names.Add(TimeColumn);
        names.AddRange(Dimensions);
        names.AddRange(Measures.Select(m => m.Name));
        foreach (var name in names.Where(n => !IsColumnName(n)).Distinct())
            errors[$"{prefix}.fields"] = [$"'{name}' is not a column name: letters, digits and _, starting with a letter or _, at most 64."];
        var dupes = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) errors[$"{prefix}.fields"] = [$"Each column is used once; repeated: {string.Join(", ", dupes)}."];
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    private static bool IsColumnName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The dataset fields this shape occupies, in slot order.</summary>
    public (List<DimensionField> Dimensions, List<MeasureField> Measures) ToDatasetFields() =>
        (Dimensions.Select((d, i) => new DimensionField(d, Label(d), i + 1)).ToList(),
         Measures.Select((m, i) => new MeasureField(m.Name, Label(m.Name), i + 1, m.Aggregation, m.IsAdditive)).ToList());

    private static string Label(string name) =>
        string.Join(' ', name.Split('_', StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } words
            ? char.ToUpperInvariant(words[0]) + words[1..]
            : name;
}

/// <summary>
/// A measure column. <see cref="Additive"/> defaults to true except for distinct counts (<c>reach</c>-like measures must
/// say <c>"additive": false</c>). Counts must not be negative: <see cref="NonNegative"/> defaults to true for the
/// <c>count</c> aggregation and for the usual count measures (impressions, clicks, purchases, …).
/// </summary>
public sealed record ReportMeasure(string Name, Aggregation Aggregation = Aggregation.Sum, bool? Additive = null, bool? NonNegative = null)
{
    private static readonly HashSet<string> CountNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "impressions", "clicks", "purchases", "orders", "conversions", "units", "units_sold", "reach", "users",
        "unique_users", "detail_page_views", "add_to_cart", "new_to_brand_purchases", "frequency", "count",
    };

    [JsonIgnore] public bool IsAdditive => Additive ?? Aggregation is Aggregation.Sum or Aggregation.Count;

    [JsonIgnore] public bool MustBeNonNegative => NonNegative ?? (Aggregation == Aggregation.Count || CountNames.Contains(Name));
}
