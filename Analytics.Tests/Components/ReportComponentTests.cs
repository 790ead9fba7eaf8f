using System.Text.Json;
using Analytics.Domain.Reports.Parameters;
using Analytics.Web.Components.Pages.Reports;
using AngleSharp.Dom;
using Bunit;

namespace Analytics.Tests.Components;

/// <summary>The reports UI's components rendered to HTML (no browser): what the generated parameter form shows.</summary>
public sealed class ReportComponentTests : AppComponentTests
{
    private static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    private static ParameterFormState State() => new(
    [
        new("campaignType", ParameterType.Enum, Required: true, Default: J("all"), Options: ["all", "DSP"]),
        new("minSpend", ParameterType.Decimal, Default: J(0), Min: 0),
        new("asins", ParameterType.AsinList, Default: J(new[] { "B0C1234567" })),
        new("period", ParameterType.DateRange, Default: J("last 4 weeks")),
    ], J(new Dictionary<string, object> { ["campaignType"] = new { label = "Campaign type", help = "Only campaigns of this type." } }), null,
        new DateSpan(new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 13)));

    [Fact]
    public void The_parameter_form_has_a_labelled_field_per_definition_with_its_hint()
    {
        var document = RenderWith<ParameterForm>(new Dictionary<string, object?> { ["State"] = State() });

        document.QuerySelectorAll(".param-field").Select(f => f.GetAttribute("data-testid")).Should()
            .Equal("param-campaignType", "param-minSpend", "param-asins", "param-period");
        document.QuerySelector("label[for=param-campaignType]")!.TextContent.Should().Be("Campaign type *");
        document.QuerySelector("label[for=param-minSpend]")!.TextContent.Should().Be("Min spend");
        document.QuerySelector("#param-campaignType-hint")!.TextContent.Should().Contain("Only campaigns of this type.");
        document.QuerySelector("#param-minSpend-hint")!.TextContent.Should().Contain("A number, at least 0.");
        document.QuerySelector("[data-testid=param-period-resolved]")!.TextContent.Should().Contain("2024-12-16 → 2025-01-13");
        document.QuerySelector("#param-minSpend-hint")!.ParentElement!.QuerySelector("input[aria-describedby=param-minSpend-hint]").Should().NotBeNull();
        document.QuerySelectorAll(".field-error").Should().BeEmpty();
    }

    [Fact]
    public void Tags_are_chips_each_with_a_named_remove_button()
    {
        var document = RenderWith<ParameterForm>(new Dictionary<string, object?> { ["State"] = State() });
        var tags = document.QuerySelector("[data-testid=param-asins-tags]")!;
        tags.QuerySelectorAll(".tag-chip").Select(c => c.TextContent.Replace("×", "").Trim()).Should().Equal("B0C1234567");
        tags.QuerySelector("button.tag-remove")!.GetAttribute("aria-label").Should().Be("Remove B0C1234567");
        tags.QuerySelector("input#param-asins")!.GetAttribute("aria-describedby").Should().Be("param-asins-hint");
    }

    [Fact]
    public void A_touched_field_with_a_bad_value_shows_the_servers_message_under_it()
    {
        var state = State();
        state["minSpend"].Number = -1;
        state.Changed("minSpend");
        var document = RenderWith<ParameterForm>(new Dictionary<string, object?> { ["State"] = state });

        var error = document.QuerySelector("[data-testid=param-minSpend] .field-error")!;
        error.TextContent.Should().Be("At least 0.");
        error.GetAttribute("role").Should().Be("alert");
        error.GetAttribute("data-field").Should().Be("parameters.minSpend");
        document.QuerySelectorAll(".field-error").Should().HaveCount(1);
    }

    [Theory]
    [InlineData("succeeded", "mud-chip-color-success")]
    [InlineData("failed", "mud-chip-color-error")]
    [InlineData("running", "mud-chip-color-info")]
    public void Status_badges_carry_the_status_as_text_not_only_colour(string status, string css)
    {
        var document = RenderWith<StatusBadge>(new Dictionary<string, object?> { ["Status"] = status });
        var badge = document.QuerySelector(".status-badge")!;
        badge.TextContent.Trim().Should().Be(status);
        badge.GetAttribute("data-status").Should().Be(status);
        badge.ClassList.Should().Contain(css);
    }

    [Fact]
    public void Typing_a_comma_or_Enter_turns_the_text_into_chips_and_a_chips_named_button_removes_it()
    {
        var state = State();
        var changes = 0;
        var form = Render<ParameterForm>(p => p.Add(f => f.State, state).Add(f => f.Changed, () => changes++));

        form.Find("input#param-asins").Input("B0C7654321, B0C1111111,");
        form.FindAll("[data-testid=param-asins-tags] .tag-chip").Select(c => c.TextContent.Replace("×", "").Trim())
            .Should().Equal("B0C1234567", "B0C7654321", "B0C1111111");
        form.Find("input#param-asins").Input("B0C2222222");
        form.Find("input#param-asins").KeyDown(Key.Enter);
        state["asins"].Tags.Should().Equal("B0C1234567", "B0C7654321", "B0C1111111", "B0C2222222");

        form.Find("button.tag-remove[aria-label='Remove B0C7654321']").Click();
        state["asins"].Tags.Should().Equal("B0C1234567", "B0C1111111", "B0C2222222");
        form.FindAll("[data-testid=param-asins-tags] .tag-chip").Should().HaveCount(3);
        changes.Should().Be(3, "each added batch and each removal tells the form");
    }

    [Fact]
    public void A_number_typed_out_of_range_shows_the_message_under_its_field_and_marks_it_invalid_until_fixed()
    {
        var form = Render<ParameterForm>(p => p.Add(f => f.State, State()));

        form.Find("#param-minSpend").Input("-3");
        form.Find("[data-testid=param-minSpend] .field-error").TextContent.Should().Be("At least 0.");
        form.Find("#param-minSpend").GetAttribute("aria-invalid").Should().Be("true");
        form.Find("#param-minSpend").GetAttribute("aria-describedby").Should().Be("param-minSpend-hint");

        form.Find("#param-minSpend").Input("12");
        form.FindAll(".field-error").Should().BeEmpty();
        form.Find("#param-minSpend").GetAttribute("aria-invalid").Should().Be("false");
    }

    [Fact]
    public void A_range_quick_pick_fills_the_field_and_shows_the_days_it_resolves_to()
    {
        var state = State();
        var form = Render<ParameterForm>(p => p.Add(f => f.State, state));

        form.FindAll("[data-testid=param-period] button").Single(b => b.TextContent.Trim().Equals("previous week", StringComparison.OrdinalIgnoreCase)).Click();
        state["period"].Text.Should().Be("previous week");
        form.Find("#param-period").GetAttribute("value").Should().Be("previous week");
        form.Find("[data-testid=param-period-resolved]").TextContent.Should().Contain("2024-12-30 → 2025-01-06");
    }
}
