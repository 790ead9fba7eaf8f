using Analytics.Web.Components.Layout;
using Analytics.Web.Components.Shared;
using AngleSharp.Dom;

namespace Analytics.Tests.Components;

public sealed class SharedComponentTests : AppComponentTests
{
    [Fact]
    public void FieldError_shows_only_the_messages_of_its_field()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["email"] = ["A valid e-mail address is required.", "Second message."],
            ["role"] = ["Role must be one of admin, analyst, viewer."],
        };

        var document = RenderWith<FieldError>(new Dictionary<string, object?> { ["Errors"] = errors, ["Field"] = "email" });

        var shown = document.QuerySelectorAll(".field-error").Select(e => e.TextContent.Trim()).ToList();
        shown.Should().Equal("A valid e-mail address is required.", "Second message.");
        document.QuerySelectorAll(".field-error").Should().AllSatisfy(e => e.GetAttribute("role").Should().Be("alert"));
    }

    [Fact]
    public void FieldError_renders_nothing_for_a_valid_field()
    {
        var document = RenderWith<FieldError>(new Dictionary<string, object?>
        {
            ["Errors"] = new Dictionary<string, string[]> { ["role"] = ["bad"] }, ["Field"] = "email",
        });
        document.QuerySelectorAll(".field-error").Should().BeEmpty();
    }

    [Fact]
    public void EmptyState_says_what_is_missing_and_what_to_do()
    {
        var document = RenderWith<EmptyState>(new Dictionary<string, object?>
        {
            ["Title"] = "No dashboards yet", ["Text"] = "Create one from a template.", ["Icon"] = "dashboard",
        });
        var state = document.QuerySelector(".empty-state")!;
        state.GetAttribute("role").Should().Be("status");
        state.TextContent.Should().Contain("No dashboards yet").And.Contain("Create one from a template.");
    }

    [Fact]
    public void Navigation_hides_admin_areas_from_non_admins()
    {
        NavItems.For(isAdmin: false).Should().NotContain(i => i.AdminOnly);
        NavItems.For(isAdmin: true).Select(i => i.Path).Should().Contain(["/admin/jobs", "/admin/users"]);
        NavItems.All.Select(i => i.Path).Should().OnlyHaveUniqueItems();
    }
}
