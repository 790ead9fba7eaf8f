using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Insights;

/// <summary><c>Analytics:Insights</c>: where critical insights are posted besides the in-app bell.</summary>
public sealed class InsightOptions
{
    public const string Section = "Analytics:Insights";

    /// <summary>An http(s) URL that receives every new critical insight as JSON; empty for none.</summary>
    [Url] public string? WebhookUrl { get; set; }
}
