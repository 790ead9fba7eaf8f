using AngleSharp.Dom;
using System.Text.Json;
using Analytics.Domain.Reports.Parameters;
using Analytics.Web.Components.Pages.Reports;

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
        tags.QuerySelectorAll(".tag-chip").Select(c => c.FirstChild!.TextContent).Should().Equal("B0C1234567");
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
    [InlineData("succeeded", "rz-badge-success")]
    [InlineData("failed", "rz-badge-danger")]
    [InlineData("running", "rz-badge-info")]
    public void Status_badges_carry_the_status_as_text_not_only_colour(string status, string css)
    {
        var document = RenderWith<StatusBadge>(new Dictionary<string, object?> { ["Status"] = status });
        var badge = document.QuerySelector(".status-badge")!;
        badge.TextContent.Trim().Should().Be(status);
        badge.ClassList.Should().Contain(c => c.StartsWith(css));
    }
}
