using System.Text.Json;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports.Parameters;

namespace Analytics.Domain.Reports;

/// <summary>
/// The template library every workspace starts with: three for the demo source (its <c>ad_performance</c> table) and
/// four for Amazon Marketing Cloud. Seeded idempotently by id; built-ins cannot be edited (duplicate one instead).
/// </summary>
public static class BuiltInTemplates
{
    public sealed record Definition(string Id, TemplateInput Input);

    private static JsonElement J(object value) => JsonSerializer.SerializeToElement(value, TemplateRules.Json);

    private static readonly ReportMeasure[] AdMeasures =
    [
        new("impressions"), new("clicks"), new("spend"), new("sales"), new("purchases"),
    ];

    private static readonly string[] CampaignTypes = ["all", "Sponsored Products", "Sponsored Brands", "Sponsored Display", "DSP"];

    public static IReadOnlyList<Definition> All { get; } =
    [
        new("tpl-demo-campaign-daily", new TemplateInput
        {
            Name = "Performance by campaign",
            Category = "Performance",
            ReportType = "performance",
            Description = "Daily impressions, clicks, spend, sales and purchases per campaign; ROAS, ACOS, CTR, CPC and CVR follow from them.",
            SourceKinds = ["demo"],
            Sql = """
                SELECT date, campaign, campaign_type,
                       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend,
                       SUM(sales) AS sales, SUM(purchases) AS purchases
                FROM ad_performance
                WHERE date >= {{timeWindowStart}} AND date < {{timeWindowEnd}}
                  AND ({{campaignType}} = 'all' OR campaign_type = {{campaignType}})
                GROUP BY date, campaign, campaign_type
                HAVING SUM(spend) >= {{minSpend}}
                """,
            Parameters =
            [
                new("campaignType", ParameterType.Enum, Required: true, Default: J("all"), Options: CampaignTypes),
                new("minSpend", ParameterType.Decimal, Default: J(0), Min: 0),
            ],
            UiSchema = J(new Dictionary<string, object>
            {
                ["campaignType"] = new { label = "Campaign type", help = "Only campaigns of this type, or all." },
                ["minSpend"] = new { label = "Minimum daily spend", help = "Leave out days a campaign spent less than this.", placeholder = "0" },
            }),
            ReportConfig = J(new ReportConfig { TimeColumn = "date", Dimensions = ["campaign", "campaign_type"], Measures = AdMeasures }),
        }),
        new("tpl-demo-asin-daily", new TemplateInput
        {
            Name = "ASIN performance",
            Category = "Products",
            ReportType = "performance",
            Description = "Daily performance per advertised ASIN and campaign, optionally for a list of ASINs.",
            SourceKinds = ["demo"],
            Sql = """
                SELECT date, asin, campaign,
                       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend,
                       SUM(sales) AS sales, SUM(purchases) AS purchases
                FROM ad_performance
                WHERE date >= {{timeWindowStart}} AND date < {{timeWindowEnd}}
                  AND (asin IN {{asins}} OR {{allAsins}} = 'yes')
                GROUP BY date, asin, campaign
                """,
            Parameters =
            [
                new("asins", ParameterType.AsinList, Default: J(Array.Empty<string>())),
                new("allAsins", ParameterType.Enum, Required: true, Default: J("yes"), Options: ["yes", "no"]),
            ],
            UiSchema = J(new Dictionary<string, object>
            {
                ["asins"] = new { label = "ASINs", help = "10 letters or digits each, e.g. B0C1234567; used when 'All ASINs' is no.", widget = "tags" },
                ["allAsins"] = new { label = "All ASINs", widget = "radio" },
            }),
            ReportConfig = J(new ReportConfig { TimeColumn = "date", Dimensions = ["asin", "campaign"], Measures = AdMeasures }),
        }),
        new("tpl-demo-campaign-comparison", new TemplateInput
        {
            Name = "Campaign comparison",
            Category = "Comparison",
            ReportType = "comparison",
            Description = "Chosen campaigns side by side, day by day.",
            SourceKinds = ["demo"],
            Sql = """
                SELECT date, campaign,
                       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend,
                       SUM(sales) AS sales, SUM(purchases) AS purchases
                FROM ad_performance
                WHERE date >= {{timeWindowStart}} AND date < {{timeWindowEnd}} AND campaign IN {{campaigns}}
                GROUP BY date, campaign
                """,
            Parameters = [new("campaigns", ParameterType.CampaignList, Required: true)],
            UiSchema = J(new Dictionary<string, object>
            {
                ["campaigns"] = new { label = "Campaigns", help = "Two or more campaign names, as they appear in the data.", widget = "tags" },
            }),
            ReportConfig = J(new ReportConfig { TimeColumn = "date", Dimensions = ["campaign"], Measures = AdMeasures }),
        }),
        new("tpl-amc-campaign-performance", new TemplateInput
        {
            Name = "AMC performance by campaign",
            Category = "Performance",
            ReportType = "performance",
            Description = "Impressions, clicks and spend from DSP and sponsored ads traffic with attributed purchases and sales, per campaign, for the window.",
            SourceKinds = ["amc"],
            Sql = """
                WITH traffic AS (
                  SELECT campaign, SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) / 100000 AS spend
                  FROM sponsored_ads_traffic
                  WHERE marketplace_id = {{marketplace}}
                  GROUP BY campaign
                ), conversions AS (
                  SELECT campaign, SUM(purchases) AS purchases, SUM(total_product_sales) AS sales
                  FROM amazon_attributed_events_by_traffic_time
                  GROUP BY campaign
                )
                SELECT t.campaign, t.impressions, t.clicks, t.spend, COALESCE(c.sales, 0) AS sales, COALESCE(c.purchases, 0) AS purchases
                FROM traffic t LEFT JOIN conversions c ON c.campaign = t.campaign
                """,
            Parameters = [new("marketplace", ParameterType.String, Required: true, Default: J("ATVPDKIKX0DER"))],
            UiSchema = J(new Dictionary<string, object>
            {
                ["marketplace"] = new { label = "Marketplace id", help = "ATVPDKIKX0DER is amazon.com." },
            }),
            ReportConfig = J(new ReportConfig { Dimensions = ["campaign"], Measures = AdMeasures, Grain = "week" }),
        }),
        new("tpl-amc-path-to-conversion", new TemplateInput
        {
            Name = "Path to conversion",
            Category = "Attribution",
            ReportType = "attribution",
            Description = "The sequences of campaign types users saw before purchasing, with conversions and sales per path.",
            SourceKinds = ["amc"],
            Sql = """
                SELECT path, COUNT(DISTINCT user_id) AS users, SUM(purchases) AS purchases, SUM(total_product_sales) AS sales
                FROM (
                  SELECT user_id, ARRAY_JOIN(COLLECT(campaign_type ORDER BY impression_dt), ' > ') AS path,
                         SUM(purchases) AS purchases, SUM(total_product_sales) AS sales
                  FROM amazon_attributed_events_by_conversion_time
                  WHERE conversion_event_subtype IN {{conversionTypes}}
                  GROUP BY user_id
                )
                GROUP BY path
                HAVING COUNT(DISTINCT user_id) >= {{minUsers}}
                """,
            Parameters =
            [
                new("conversionTypes", ParameterType.StringList, Required: true, Default: J(new[] { "order" })),
                new("minUsers", ParameterType.Int, Default: J(100), Min: 100, Max: 1_000_000),
            ],
            UiSchema = J(new Dictionary<string, object>
            {
                ["conversionTypes"] = new { label = "Conversion types", help = "e.g. order, detailPageView, addToCart.", widget = "tags" },
                ["minUsers"] = new { label = "Minimum users per path", help = "AMC suppresses groups under 100 users." },
            }),
            ReportConfig = J(new ReportConfig
            {
                Dimensions = ["path"],
                Measures = [new("users", Aggregation.Sum, Additive: false), new("purchases"), new("sales")],
                Grain = "week",
            }),
        }),
        new("tpl-amc-reach-frequency", new TemplateInput
        {
            Name = "Audience reach and frequency",
            Category = "Audience",
            ReportType = "reach",
            Description = "Distinct users reached and average impressions per user, per campaign. Reach is a distinct count: it is never summed across weeks.",
            SourceKinds = ["amc"],
            Sql = """
                SELECT campaign, SUM(impressions) AS impressions, COUNT(DISTINCT user_id) AS reach,
                       SUM(impressions) / COUNT(DISTINCT user_id) AS avg_frequency
                FROM dsp_impressions
                WHERE campaign_type IN {{campaignTypes}}
                GROUP BY campaign
                """,
            Parameters = [new("campaignTypes", ParameterType.StringList, Required: true, Default: J(new[] { "DSP", "Sponsored Display" }))],
            UiSchema = J(new Dictionary<string, object>
            {
                ["campaignTypes"] = new { label = "Campaign types", widget = "tags" },
            }),
            ReportConfig = J(new ReportConfig
            {
                Dimensions = ["campaign"],
                Measures = [new("impressions"), new("reach", Aggregation.Max, Additive: false), new("avg_frequency", Aggregation.Avg, Additive: false)],
                Grain = "week",
            }),
        }),
        new("tpl-amc-attribution-touch", new TemplateInput
        {
            Name = "View-through and click-through conversions",
            Category = "Attribution",
            ReportType = "attribution",
            Description = "Purchases and sales credited to a click on an ad against those that followed only seeing one.",
            SourceKinds = ["amc"],
            Sql = """
                SELECT 'Click-through' AS touch, SUM(purchases_clicks) AS purchases, SUM(total_product_sales_clicks) AS sales
                FROM amazon_attributed_events_by_conversion_time
                WHERE conversion_event_subtype IN {{conversionTypes}}
                UNION ALL
                SELECT 'View-through' AS touch, SUM(purchases) - SUM(purchases_clicks) AS purchases,
                       SUM(total_product_sales) - SUM(total_product_sales_clicks) AS sales
                FROM amazon_attributed_events_by_conversion_time
                WHERE conversion_event_subtype IN {{conversionTypes}}
                """,
            Parameters = [new("conversionTypes", ParameterType.StringList, Required: true, Default: J(new[] { "order" }))],
            UiSchema = J(new Dictionary<string, object>
            {
                ["conversionTypes"] = new { label = "Conversion types", help = "e.g. order, detailPageView, addToCart.", widget = "tags" },
            }),
            ReportConfig = J(new ReportConfig { Dimensions = ["touch"], Measures = [new("purchases"), new("sales")], Grain = "week" }),
        }),
        new("tpl-amc-audience-segments", new TemplateInput
        {
            Name = "Reach by audience segment",
            Category = "Audience",
            ReportType = "reach",
            Description = "Impressions, distinct users reached and frequency per audience segment. Reach is a distinct count: it is never summed.",
            SourceKinds = ["amc"],
            Sql = """
                SELECT segment_name AS segment, SUM(impressions) AS impressions, COUNT(DISTINCT user_id) AS reach,
                       SUM(impressions) / COUNT(DISTINCT user_id) AS avg_frequency
                FROM dsp_impressions_by_user_segments
                WHERE segment_marketplace_id = {{marketplace}}
                GROUP BY segment_name
                """,
            Parameters = [new("marketplace", ParameterType.String, Required: true, Default: J("ATVPDKIKX0DER"))],
            UiSchema = J(new Dictionary<string, object>
            {
                ["marketplace"] = new { label = "Marketplace id", help = "ATVPDKIKX0DER is amazon.com." },
            }),
            ReportConfig = J(new ReportConfig
            {
                Dimensions = ["segment"],
                Measures = [new("impressions"), new("reach", Aggregation.Max, Additive: false), new("avg_frequency", Aggregation.Avg, Additive: false)],
                Grain = "week",
            }),
        }),
        new("tpl-amc-campaign-comparison", new TemplateInput
        {
            Name = "AMC campaign comparison",
            Category = "Comparison",
            ReportType = "comparison",
            Description = "Chosen campaigns side by side for the window: traffic, spend and attributed sales.",
            SourceKinds = ["amc"],
            Sql = """
                SELECT campaign, SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) / 100000 AS spend,
                       SUM(total_product_sales) AS sales, SUM(purchases) AS purchases
                FROM sponsored_ads_traffic
                WHERE campaign IN {{campaigns}}
                GROUP BY campaign
                """,
            Parameters = [new("campaigns", ParameterType.CampaignList, Required: true)],
            UiSchema = J(new Dictionary<string, object>
            {
                ["campaigns"] = new { label = "Campaigns", widget = "tags" },
            }),
            ReportConfig = J(new ReportConfig { Dimensions = ["campaign"], Measures = AdMeasures, Grain = "week" }),
        }),
    ];
}
