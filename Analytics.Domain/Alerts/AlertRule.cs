using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Alerts;

/// <summary>What an alert watches: a semantic-layer metric (e.g. <c>roas</c>) or an operational series.</summary>
public enum AlertMetricKind
{
    Semantic,
    Operational,
}

public enum AlertOp
{
    /// <summary>Fires when the window's value is above the threshold.</summary>
    Gt,
    /// <summary>Fires when the window's value is below the threshold.</summary>
    Lt,
    /// <summary>Fires when the change against the previous window, in percent, crosses the threshold (its sign gives the direction).</summary>
    ChangePct,
    /// <summary>Fires when the window holds no data at all.</summary>
    NoData,
}

public enum AlertState
{
    Ok,
    /// <summary>Breached, but for fewer consecutive evaluations than the rule asks before firing.</summary>
    Pending,
    Firing,
}

/// <summary>
/// A notification channel: the in-app bell, a webhook that receives the event as JSON, or e-mail to
/// <see cref="Recipients"/> (at the domains deliveries may go to, like subscriptions).
/// </summary>
public sealed record AlertChannel(string Type, string? Url = null, IReadOnlyList<string>? Recipients = null)
{
    public const string InApp = "inapp";
    public const string Webhook = "webhook";
    public const string Email = "email";
    public const int MaxRecipients = 20;
}

/// <summary>An alert rule. Evaluated by a job; fires and resolves with hysteresis (see <see cref="AlertEvaluator"/>).</summary>
public sealed class AlertRule
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string OwnerId { get; init; }
    public AlertMetricKind Kind { get; set; }
    public required string Metric { get; set; }
    /// <summary>For operational metrics: avg, sum, count, min, max, p95, p99.</summary>
    public string Aggregation { get; set; } = "avg";
    /// <summary>Dimension (semantic) or tag (operational) filters: name → allowed values.</summary>
    public Dictionary<string, List<string>> Filters { get; set; } = [];
    public List<string> SourceIds { get; set; } = [];
    public AlertOp Op { get; set; }
    public double Threshold { get; set; }
    /// <summary>The evaluation window, e.g. <c>15m</c>, <c>1h</c>, <c>1d</c>, <c>7d</c>.</summary>
    public string Window { get; set; } = "1h";
    /// <summary>How far back a firing alert must come past the threshold before it resolves, as a fraction (0.05 = 5%).</summary>
    public double Hysteresis { get; set; } = 0.05;
    /// <summary>Consecutive breaching evaluations before it fires (1 = at once).</summary>
    public int PendingEvaluations { get; set; } = 1;
    public List<AlertChannel> Channels { get; set; } = [new(AlertChannel.InApp)];
    public bool Enabled { get; set; } = true;

    public AlertState State { get; set; } = AlertState.Ok;
    public int BreachCount { get; set; }
    public double? LastValue { get; set; }
    public DateTimeOffset? LastEvaluatedAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public TimeSpan WindowSpan => AlertWindows.Parse(Window) ?? TimeSpan.FromHours(1);
}

/// <summary>A state change of a rule: it fired or it resolved.</summary>
public sealed class AlertEvent
{
    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public required string RuleName { get; init; }
    public required string OwnerId { get; init; }
    /// <summary><c>fired</c> or <c>resolved</c>.</summary>
    public required string Kind { get; init; }
    public double? Value { get; init; }
    public double Threshold { get; init; }
    public required string Message { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>What happened to each channel, e.g. <c>inapp: ok; webhook: 500 Internal Server Error</c>.</summary>
    public string? Delivery { get; set; }
}

public static partial class AlertWindows
{
    [GeneratedRegex(@"^(\d{1,4})(m|h|d)$")]
    private static partial Regex Pattern();

    /// <summary>Parses <c>15m</c>, <c>1h</c>, <c>7d</c>; null when malformed. At most 366 days.</summary>
    public static TimeSpan? Parse(string? window)
    {
        var match = Pattern().Match(window?.Trim() ?? "");
        if (!match.Success) return null;
        var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return span > TimeSpan.Zero && span <= TimeSpan.FromDays(366) ? span : null;
    }
}
