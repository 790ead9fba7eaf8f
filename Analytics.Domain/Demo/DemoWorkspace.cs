using Analytics.Domain.Facts;

namespace Analytics.Domain.Demo;

/// <summary>The seeded demo workspace: three advertiser instances with ad-performance datasets of one shape.</summary>
public static class DemoWorkspace
{
    public const int Seed = 20250106;
    public const int Days = 731;
    public const string DatasetKey = "ad_performance";

    public static IReadOnlyList<DemoInstance> Instances { get; } =
    [
        new("demo-northwind", "Northwind Outdoor (US)", "Northwind", "USD",
            ["Tents", "Backpacks", "Camping Stoves", "Sleeping Bags", "Hiking Boots", "Trail Poles", "Headlamps", "Water Filters"]),
        new("demo-contoso", "Contoso Home (UK)", "Contoso", "GBP",
            ["Cookware", "Bedding", "Lighting", "Storage", "Rugs", "Bath Towels", "Kitchen Knives", "Coffee Makers"]),
        new("demo-fabrikam", "Fabrikam Electronics (DE)", "Fabrikam", "EUR",
            ["Headphones", "Chargers", "Smart Plugs", "Webcams", "Keyboards", "Monitors", "Power Banks", "Speakers"]),
    ];

    /// <summary>Dimensions and measures of every ad-performance dataset (demo, and the bulk one the CLI seeds).</summary>
    public static List<DimensionField> Dimensions() =>
    [
        new("campaign", "Campaign", 1),
        new("asin", "ASIN", 2),
        new("campaign_type", "Campaign type", 3),
    ];

    public static List<MeasureField> Measures() =>
    [
        new("impressions", "Impressions", 1),
        new("clicks", "Clicks", 2),
        new("spend", "Spend", 3),
        new("sales", "Sales", 4),
        new("purchases", "Purchases", 5),
    ];
}

/// <summary>One demo advertiser: its source id, name, brand, currency and product lines (one campaign family each).</summary>
public sealed record DemoInstance(string SourceId, string Name, string Brand, string Currency, IReadOnlyList<string> ProductLines);
