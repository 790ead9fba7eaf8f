namespace Analytics.Domain.Metrics;

/// <summary>
/// A metric of the semantic layer. A base metric names a measure (<see cref="Formula"/> is the measure name); a derived
/// metric is a formula over base measures (<c>sales / spend</c>), computed from the summed base measures of each output
/// row. It applies to every dataset that has the measures it needs, by name.
/// </summary>
public sealed class MetricDefinition
{
    public required string Name { get; init; }
    public required string Label { get; set; }
    public string Description { get; set; } = "";
    public required string Formula { get; set; }
    /// <summary>Display format: <c>number</c>, <c>integer</c>, <c>currency</c>, <c>percent</c>, <c>ratio</c>.</summary>
    public string Format { get; set; } = "number";
    public string? Unit { get; set; }
    /// <summary>Whether up is good (ROAS) or bad (ACOS, CPC); KPI cards colour changes by it.</summary>
    public bool HigherIsBetter { get; set; } = true;
    public bool IsDerived { get; set; }
    public bool BuiltIn { get; set; }
    public string? OwnerId { get; init; }
}

public static class BuiltInMetrics
{
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Base("impressions", "Impressions", "Times an ad was shown.", "integer"),
        Base("clicks", "Clicks", "Clicks on an ad.", "integer"),
        Base("spend", "Spend", "Advertising cost.", "currency", higherIsBetter: false),
        Base("sales", "Sales", "Attributed sales revenue.", "currency"),
        Base("purchases", "Purchases", "Attributed purchases (orders).", "integer"),
        Derived("ctr", "CTR", "Click-through rate: clicks per impression.", "clicks / impressions", "percent"),
        Derived("cpc", "CPC", "Cost per click.", "spend / clicks", "currency", higherIsBetter: false),
        Derived("cvr", "CVR", "Conversion rate: purchases per click.", "purchases / clicks", "percent"),
        Derived("roas", "ROAS", "Return on ad spend: sales per unit of spend.", "sales / spend", "ratio"),
        Derived("acos", "ACOS", "Advertising cost of sales: spend as a share of sales.", "spend / sales", "percent", higherIsBetter: false),
        Derived("cpm", "CPM", "Cost per thousand impressions.", "spend * 1000 / impressions", "currency", higherIsBetter: false),
    ];

    private static MetricDefinition Base(string name, string label, string description, string format, bool higherIsBetter = true) => new()
    {
        Name = name, Label = label, Description = description, Formula = name, Format = format,
        HigherIsBetter = higherIsBetter, IsDerived = false, BuiltIn = true,
    };

    private static MetricDefinition Derived(string name, string label, string description, string formula, string format, bool higherIsBetter = true) => new()
    {
        Name = name, Label = label, Description = description, Formula = formula, Format = format,
        HigherIsBetter = higherIsBetter, IsDerived = true, BuiltIn = true,
    };
}
