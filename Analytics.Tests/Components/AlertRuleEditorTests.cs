using Analytics.Domain.Metrics;
using Analytics.Web.Components.Pages.Alerts;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Analytics.Tests.Components;

/// <summary>The "new alert rule" form on MudBlazor, without a browser: the service's messages under their fields, the condition drives the threshold, the buttons call back.</summary>
public sealed class AlertRuleEditorTests : AppComponentTests
{
    private static readonly IReadOnlyList<MetricDefinition> Metrics =
    [
        new() { Name = "roas", Label = "ROAS", Formula = "sales / spend" },
        new() { Name = "spend", Label = "Spend", Formula = "spend" },
    ];

    [Fact]
    public void The_services_messages_show_under_the_fields_they_are_about_and_mark_them_invalid()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["name"] = ["A name of 1–200 characters is required."],
            ["condition.threshold"] = ["A threshold is required for this condition."],
        };

        var cut = Render<AlertRuleEditor>(p => p.Add(e => e.Form, new AlertRuleForm()).Add(e => e.Errors, errors).Add(e => e.Metrics, Metrics));

        cut.Find(".field-error[data-field=name]").TextContent.Should().Be("A name of 1–200 characters is required.");
        cut.Find(".field-error[data-field='condition.threshold']").TextContent.Should().Be("A threshold is required for this condition.");
        cut.FindAll(".field-error").Should().HaveCount(2);
        cut.Find("input[data-testid=rule-name]").GetAttribute("aria-invalid").Should().Be("true");
        cut.Find("input[data-testid=rule-threshold]").GetAttribute("aria-invalid").Should().Be("true");
        cut.Find("[data-testid=rule-window]").GetAttribute("aria-invalid").Should().Be("false");
    }

    [Fact]
    public void Choosing_has_no_data_disables_the_threshold_and_choosing_a_change_asks_for_a_percentage()
    {
        var popovers = RenderPopovers();
        var form = new AlertRuleForm();
        var cut = Render<AlertRuleEditor>(p => p.Add(e => e.Form, form).Add(e => e.Metrics, Metrics));
        cut.Find("input[data-testid=rule-threshold]").HasAttribute("disabled").Should().BeFalse();

        Choose(cut, popovers, "rule-op", "has no data");
        form.Op.Should().Be("noData");
        cut.WaitForAssertion(() => cut.Find("input[data-testid=rule-threshold]").HasAttribute("disabled").Should().BeTrue());

        Choose(cut, popovers, "rule-op", "changes by (%)");
        form.Op.Should().Be("changePct");
        cut.WaitForAssertion(() => cut.Find("input[data-testid=rule-threshold]").HasAttribute("disabled").Should().BeFalse());
        cut.Markup.Should().Contain("Threshold (%)");
    }

    [Fact]
    public void An_operational_rule_takes_a_free_text_metric_and_an_aggregation()
    {
        var popovers = RenderPopovers();
        var form = new AlertRuleForm();
        var cut = Render<AlertRuleEditor>(p => p.Add(e => e.Form, form).Add(e => e.Metrics, Metrics));
        cut.FindAll("[data-testid=rule-aggregation]").Should().BeEmpty();

        Choose(cut, popovers, "rule-kind", "operational");

        cut.WaitForAssertion(() => cut.FindAll("input[data-testid=rule-metric-text]").Should().HaveCount(1));
        cut.FindAll("[data-testid=rule-aggregation]").Should().HaveCount(1);
        cut.Find("input[data-testid=rule-metric-text]").Input("http.server.duration");
        form.Metric.Should().Be("http.server.duration");
        form.ToInput().Kind.Should().Be("operational");
    }

    [Fact]
    public void Create_and_cancel_call_back()
    {
        var calls = new List<string>();
        var cut = Render<AlertRuleEditor>(p => p.Add(e => e.Form, new AlertRuleForm())
            .Add(e => e.OnCreate, EventCallback.Factory.Create(this, () => calls.Add("create")))
            .Add(e => e.OnCancel, EventCallback.Factory.Create(this, () => calls.Add("cancel"))));

        cut.Find("[data-testid=create-rule]").Click();
        cut.Find("[data-testid=cancel-rule]").Click();

        calls.Should().Equal("create", "cancel");
    }

    /// <summary>Opens a MudSelect by its test id (MudSelect opens on mouse down, on its input control) and clicks the item with that text in the popover.</summary>
    internal static void Choose<T>(IRenderedComponent<T> cut, IRenderedComponent<MudBlazor.MudPopoverProvider> popovers, string testId, string text) where T : IComponent
    {
        var select = cut.Find($"[data-testid={testId}]");
        var target = select;
        while (target is not null && !target.HasAttribute("blazor:onmousedown")) target = target.ParentElement;
        (target ?? throw new InvalidOperationException($"Nothing opens {testId}: {select.Closest(".mud-select")?.OuterHtml}")).MouseDown();
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-list-item").Should().Contain(i => i.TextContent.Trim() == text));
        popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == text).Click();
    }
}
