using Analytics.Domain.Alerts;

namespace Analytics.Tests.Domain;

public sealed class AlertEvaluatorTests
{
    private static AlertRule Rule(AlertOp op, double threshold, double hysteresis = 0.1, int pending = 1) => new()
    {
        Id = "r", Name = "Rule", OwnerId = "u", Metric = "roas", Op = op, Threshold = threshold, Hysteresis = hysteresis,
        PendingEvaluations = pending, Window = "1h",
    };

    /// <summary>Feeds observations one by one, applying each decision to the rule as the evaluation service does.</summary>
    private static List<(AlertState State, string? Event)> Run(AlertRule rule, params double?[] values) =>
        values.Select(v =>
        {
            var d = AlertEvaluator.Evaluate(rule, new AlertObservation(v));
            rule.State = d.State;
            rule.BreachCount = d.BreachCount;
            return (d.State, d.EventKind);
        }).ToList();

    [Fact]
    public void Gt_rule_fires_above_the_threshold_and_resolves_only_past_the_hysteresis_band()
    {
        var rule = Rule(AlertOp.Gt, 100, hysteresis: 0.1); // resolves below 90

        var steps = Run(rule, 50, 120, 95, 91, 89, 101);

        steps.Select(s => s.Event).Should().Equal(null, "fired", null, null, "resolved", "fired");
        steps.Select(s => s.State).Should().Equal(AlertState.Ok, AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Ok, AlertState.Firing);
    }

    [Fact]
    public void Lt_rule_mirrors_gt()
    {
        var rule = Rule(AlertOp.Lt, 2.0, hysteresis: 0.25); // resolves above 2.5
        Run(rule, 3, 1.5, 2.2, 2.6).Select(s => s.Event).Should().Equal(null, "fired", null, "resolved");
    }

    [Fact]
    public void Pending_evaluations_need_consecutive_breaches_and_a_good_value_resets_the_count()
    {
        var rule = Rule(AlertOp.Gt, 10, pending: 3);
        var steps = Run(rule, 11, 12, 5, 11, 12, 13);
        steps.Select(s => s.State).Should().Equal(AlertState.Pending, AlertState.Pending, AlertState.Ok, AlertState.Pending, AlertState.Pending, AlertState.Firing);
        steps.Count(s => s.Event == "fired").Should().Be(1);
    }

    [Theory]
    [InlineData(20, 100, 125, true)]   // +25% ≥ +20%
    [InlineData(20, 100, 115, false)]  // +15% < +20%
    [InlineData(-20, 100, 70, true)]   // -30% ≤ -20%
    [InlineData(-20, 100, 90, false)]  // -10%
    public void Change_rules_compare_the_percent_change_against_the_previous_window(double threshold, double previous, double current, bool fires)
    {
        var rule = Rule(AlertOp.ChangePct, threshold);
        var decision = AlertEvaluator.Evaluate(rule, new AlertObservation(current, previous));
        (decision.EventKind == "fired").Should().Be(fires);
        decision.Value.Should().BeApproximately((current - previous) / previous * 100, 1e-9);
    }

    [Fact]
    public void Change_against_a_zero_or_missing_previous_window_is_no_value_not_infinity()
    {
        var rule = Rule(AlertOp.ChangePct, 10);
        AlertEvaluator.Evaluate(rule, new AlertObservation(5, 0)).Value.Should().BeNull();
        AlertEvaluator.Evaluate(rule, new AlertObservation(5, null)).EventKind.Should().BeNull();
    }

    [Fact]
    public void No_data_rule_fires_on_an_empty_window_and_resolves_when_data_returns()
    {
        var rule = Rule(AlertOp.NoData, 0);
        Run(rule, 1, null, null, 3).Select(s => s.Event).Should().Equal(null, "fired", null, "resolved");
    }

    [Theory]
    [InlineData("15m", 15 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 7 * 86400)]
    public void Windows_parse(string text, int seconds) => AlertWindows.Parse(text).Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("")]
    [InlineData("0h")]
    [InlineData("1w")]
    [InlineData("400d")]
    [InlineData("-1h")]
    public void Bad_windows_are_rejected(string text) => AlertWindows.Parse(text).Should().BeNull();
}
