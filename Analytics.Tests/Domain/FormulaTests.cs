using Analytics.Domain;
using Analytics.Domain.Metrics;

namespace Analytics.Tests.Domain;

public sealed class FormulaTests
{
    private static double? Eval(string formula, params (string Name, double? Value)[] values) =>
        Formula.Parse(formula).Evaluate(n => values.FirstOrDefault(v => v.Name == n).Value);

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("24 / 4 / 2", 3)]
    [InlineData("-2 * 3 + 10", 4)]
    [InlineData("2 * -(3 - 5)", 4)]
    [InlineData("1.5 * 2", 3)]
    [InlineData("  7  ", 7)]
    public void Arithmetic_follows_precedence_and_left_associativity(string formula, double expected) =>
        Eval(formula).Should().Be(expected);

    [Fact]
    public void Names_are_read_from_the_summed_values()
    {
        Eval("spend * 1000 / impressions", ("spend", 12.5), ("impressions", 5000)).Should().Be(2.5);
        Eval("SALES / Spend", ("sales", 30), ("spend", 10)).Should().Be(3);
    }

    [Fact]
    public void Division_by_zero_gives_null_not_infinity()
    {
        Eval("sales / spend", ("sales", 30), ("spend", 0)).Should().BeNull();
        Eval("0 / spend", ("spend", 0)).Should().BeNull();
        Eval("1 + sales / spend", ("sales", 1), ("spend", 0)).Should().BeNull();
    }

    [Fact]
    public void A_null_operand_gives_null()
    {
        Eval("sales / spend", ("sales", 30)).Should().BeNull();
        Eval("clicks + 1").Should().BeNull();
    }

    [Fact]
    public void Overflow_gives_null_not_infinity() =>
        Eval("big * big", ("big", 1e200)).Should().BeNull();

    [Fact]
    public void References_lists_each_name_once_in_order() =>
        Formula.Parse("(sales - spend) / spend + clicks").References().Should().Equal("sales", "spend", "clicks");

    [Theory]
    [InlineData("sales / ", 9, "ended")]
    [InlineData("sales $ spend", 7, "Unexpected '$'")]
    [InlineData("(sales / spend", 15, "Missing ')'")]
    [InlineData("sales / spend)", 14, "Unmatched ')'")]
    [InlineData("1.2.3", 1, "not a number")]
    [InlineData("sales spend", 7, "Unexpected 's'")]
    [InlineData("sqrt(spend)", 5, "Unexpected '('")]
    [InlineData("spend; DROP TABLE facts", 6, "Unexpected ';'")]
    [InlineData("", 1, "empty")]
    public void Bad_formulas_are_rejected_naming_the_position(string formula, int position, string message)
    {
        var act = () => Formula.Parse(formula);
        var error = act.Should().Throw<FormulaException>().Which;
        error.Position.Should().Be(position);
        error.Message.Should().Contain(message).And.Contain($"position {position}");
    }

    [Fact]
    public void Metric_resolver_inlines_metrics_and_stops_at_base_measures()
    {
        var resolver = new MetricResolver(BuiltInMetrics.All.Append(new MetricDefinition { Name = "profit_roas", Label = "x", Formula = "(sales - spend) / spend" })
            .Append(new MetricDefinition { Name = "double_roas", Label = "x", Formula = "roas * 2" }));

        var metric = resolver.Resolve("double_roas");

        metric.BaseMeasures.Should().Equal("sales", "spend");
        metric.Formula.Evaluate(n => n == "sales" ? 30 : 10).Should().Be(6);
        resolver.Resolve("spend").IsBaseMeasure.Should().BeTrue();
    }

    [Fact]
    public void Custom_metric_validation_rejects_cycles_unknown_names_and_bad_fields()
    {
        var known = new HashSet<string> { "sales", "spend", "clicks" };
        var a = new MetricDefinition { Name = "a", Label = "A", Formula = "b + 1" };
        var b = new MetricDefinition { Name = "b", Label = "B", Formula = "a * 2" };

        var cycle = () => MetricResolver.ValidateDefinition(b, [a], known);
        cycle.Should().Throw<ValidationException>().Which.Errors["formula"].Single().Should().Contain("refers to itself");

        var unknown = () => MetricResolver.ValidateDefinition(new MetricDefinition { Name = "c", Label = "C", Formula = "sales / reach" }, [], known);
        unknown.Should().Throw<ValidationException>().Which.Errors["formula"].Single().Should().Contain("reach");

        var bad = () => MetricResolver.ValidateDefinition(new MetricDefinition { Name = "Bad Name", Label = "", Formula = "sales", Format = "money" }, [], known);
        bad.Should().Throw<ValidationException>().Which.Errors.Keys.Should().Contain(["name", "label", "format"]);

        var fine = () => MetricResolver.ValidateDefinition(new MetricDefinition { Name = "margin", Label = "Margin", Formula = "(sales - spend) / sales", Format = "percent" }, [a], known);
        fine.Should().NotThrow();
    }
}
