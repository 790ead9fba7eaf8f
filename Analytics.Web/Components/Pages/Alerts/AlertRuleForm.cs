using Analytics.Data.Alerts;
using Analytics.Domain.Alerts;

namespace Analytics.Web.Components.Pages.Alerts;

/// <summary>The "new alert rule" form's state, as plain values; <see cref="ToInput"/> is what the service validates.</summary>
public sealed class AlertRuleForm
{
    public static readonly IReadOnlyList<string> Kinds = ["semantic", "operational"];
    public static readonly IReadOnlyList<string> AggregationNames = ["avg", "sum", "count", "min", "max", "p95", "p99"];
    public static readonly IReadOnlyList<string> Windows = ["5m", "15m", "1h", "6h", "1d", "7d", "30d"];
    public static readonly IReadOnlyList<(string Value, string Text)> Ops =
        [("gt", "is above"), ("lt", "is below"), ("changePct", "changes by (%)"), ("noData", "has no data")];

    public string Name { get; set; } = "";
    public string Kind { get; set; } = "semantic";
    public string Metric { get; set; } = "roas";
    public string Aggregation { get; set; } = "avg";
    public string Op { get; set; } = "lt";
    public double? Threshold { get; set; } = 2;
    public string Window { get; set; } = "7d";
    public string WebhookUrl { get; set; } = "";

    /// <summary>"No data" has no threshold.</summary>
    public bool HasThreshold => Op != "noData";

    public string ThresholdLabel => Op == "changePct" ? "Threshold (%)" : "Threshold";

    public static string OpText(string? op) => Ops.FirstOrDefault(o => o.Value == op).Text ?? op ?? "";

    public AlertRuleInput ToInput()
    {
        var channels = new List<AlertChannel> { new(AlertChannel.InApp) };
        if (!string.IsNullOrWhiteSpace(WebhookUrl)) channels.Add(new AlertChannel(AlertChannel.Webhook, WebhookUrl.Trim()));
        return new AlertRuleInput(Name, Metric, new AlertConditionInput(Op, Threshold, Window), channels, Kind: Kind, Aggregation: Aggregation);
    }
}
