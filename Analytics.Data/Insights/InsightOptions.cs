using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Insights;

/// <summary><c>Analytics:Insights</c>: where insights are announced besides the in-app bell.</summary>
public sealed class InsightOptions
{
    public const string Section = "Analytics:Insights";

    /// <summary>An http(s) URL that receives every new critical insight as JSON; empty for none.</summary>
    [Url] public string? WebhookUrl { get; set; }

    /// <summary>
    /// The address users reach the app at (e.g. <c>https://analytics.example.com</c>): insight e-mails link to
    /// <c>{PublicBaseUrl}/insights?id=…</c>, the insight with its chart. Empty: links are relative.
    /// </summary>
    [Url] public string? PublicBaseUrl { get; set; }

    /// <summary>The UTC weekday weekly digests go out on (the digest job runs daily).</summary>
    public DayOfWeek WeeklyDigestDay { get; set; } = DayOfWeek.Monday;
}
