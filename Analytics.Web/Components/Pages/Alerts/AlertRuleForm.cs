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
    /// <summary>Addresses to e-mail when the rule fires and resolves, separated by commas, semicolons or spaces.</summary>
    public string EmailRecipients { get; set; } = "";

    /// <summary>Where the e-mail channel lands in <see cref="ToInput"/>'s channels (the service keys its errors by that index).</summary>
    public int EmailChannelIndex => string.IsNullOrWhiteSpace(WebhookUrl) ? 1 : 2;

    /// <summary>The e-mail channel's messages: for the list as a whole and for each address.</summary>
    public IEnumerable<string> EmailErrors(IReadOnlyDictionary<string, string[]> errors) =>
        errors.Where(e => e.Key.StartsWith($"channels[{EmailChannelIndex}].recipients", StringComparison.Ordinal)).SelectMany(e => e.Value);

    /// <summary>"No data" has no threshold.</summary>
    public bool HasThreshold => Op != "noData";

    public string ThresholdLabel => Op == "changePct" ? "Threshold (%)" : "Threshold";

    public static string OpText(string? op) => Ops.FirstOrDefault(o => o.Value == op).Text ?? op ?? "";

    public AlertRuleInput ToInput()
    {
        var channels = new List<AlertChannel> { new(AlertChannel.InApp) };
        if (!string.IsNullOrWhiteSpace(WebhookUrl)) channels.Add(new AlertChannel(AlertChannel.Webhook, WebhookUrl.Trim()));
        var recipients = EmailRecipients.Split([',', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (recipients.Length > 0) channels.Add(new AlertChannel(AlertChannel.Email, Recipients: recipients));
        return new AlertRuleInput(Name, Metric, new AlertConditionInput(Op, Threshold, Window), channels, Kind: Kind, Aggregation: Aggregation);
    }
}
