namespace Analytics.Domain.Alerts;

/// <summary>What the reader saw for a rule's window: the current value and, for change rules, the previous window's.</summary>
public sealed record AlertObservation(double? Current, double? Previous = null);

/// <summary>The outcome of one evaluation: the rule's new state and the event to record, if any.</summary>
public sealed record AlertDecision(AlertState State, int BreachCount, double? Value, string? EventKind, string Message);

/// <summary>
/// Decides a rule's state from one observation. Pure: no I/O, no clock.
/// Hysteresis: a firing <c>gt</c> rule with threshold T resolves only once the value is below T − |T|·h (and a <c>lt</c>
/// rule once above T + |T|·h), so a value hovering at the threshold does not flap. A rule fires after
/// <see cref="AlertRule.PendingEvaluations"/> consecutive breaches.
/// </summary>
public static class AlertEvaluator
{
    public static AlertDecision Evaluate(AlertRule rule, AlertObservation observation)
    {
        var value = ValueOf(rule, observation);
        var breached = IsBreached(rule, value);
        var recovered = IsRecovered(rule, value);

        switch (rule.State)
        {
            case AlertState.Firing when recovered:
                return new(AlertState.Ok, 0, value, "resolved", $"{rule.Name} resolved: {Describe(rule, value)}.");
            case AlertState.Firing:
                return new(AlertState.Firing, rule.BreachCount, value, null, $"{rule.Name} still firing: {Describe(rule, value)}.");
            default:
                if (!breached) return new(AlertState.Ok, 0, value, null, $"{rule.Name} ok: {Describe(rule, value)}.");
                var count = rule.BreachCount + 1;
                return count >= Math.Max(1, rule.PendingEvaluations)
                    ? new(AlertState.Firing, count, value, "fired", $"{rule.Name} fired: {Describe(rule, value)}.")
                    : new(AlertState.Pending, count, value, null, $"{rule.Name} pending ({count}/{rule.PendingEvaluations}): {Describe(rule, value)}.");
        }
    }

    /// <summary>The number compared with the threshold: the value itself, or the percent change for change rules.</summary>
    public static double? ValueOf(AlertRule rule, AlertObservation o) => rule.Op switch
    {
        AlertOp.ChangePct when o.Current is { } c && o.Previous is { } p && p != 0 => (c - p) / Math.Abs(p) * 100,
        AlertOp.ChangePct => null,
        _ => o.Current,
    };

    private static bool IsBreached(AlertRule rule, double? value) => rule.Op switch
    {
        AlertOp.NoData => value is null,
        AlertOp.Gt => value > rule.Threshold,
        AlertOp.Lt => value < rule.Threshold,
        AlertOp.ChangePct => rule.Threshold >= 0 ? value >= rule.Threshold : value <= rule.Threshold,
        _ => false,
    };

    private static bool IsRecovered(AlertRule rule, double? value)
    {
        var margin = Math.Abs(rule.Threshold) * Math.Max(0, rule.Hysteresis);
        return rule.Op switch
        {
            AlertOp.NoData => value is not null,
            AlertOp.Gt => value < rule.Threshold - margin,
            AlertOp.Lt => value > rule.Threshold + margin,
            AlertOp.ChangePct => rule.Threshold >= 0 ? value < rule.Threshold - margin : value > rule.Threshold + margin,
            _ => false,
        };
    }

    private static string Describe(AlertRule rule, double? value)
    {
        var shown = value is null ? "no data" : Math.Round(value.Value, 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return rule.Op switch
        {
            AlertOp.NoData => $"{rule.Metric} over {rule.Window}: {shown}",
            AlertOp.ChangePct => $"{rule.Metric} changed {shown}% over {rule.Window} (threshold {rule.Threshold}%)",
            AlertOp.Gt => $"{rule.Metric} over {rule.Window} is {shown} (above {rule.Threshold} fires)",
            _ => $"{rule.Metric} over {rule.Window} is {shown} (below {rule.Threshold} fires)",
        };
    }
}

/// <summary>Reads the value an alert rule watches, with the owner's permissions. One implementation per metric kind lives in the data layer.</summary>
public interface IAlertMetricReader
{
    Task<AlertObservation> ReadAsync(AlertRule rule, Access.Actor owner, DateTimeOffset now, CancellationToken ct);
}
