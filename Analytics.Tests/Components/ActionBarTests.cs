using Analytics.Web.Components.Shared;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Analytics.Tests.Components;

public sealed class ActionBarTests : AppComponentTests
{
    [Fact]
    public void Every_action_is_a_button_and_those_past_the_kept_ones_are_also_in_the_more_menu_where_they_work()
    {
        var popovers = RenderPopovers();
        var clicked = new System.Collections.Concurrent.ConcurrentQueue<string>(); // a menu item's callback runs on the renderer's dispatcher
        PageAction Action(string name) => new(name, name.ToLowerInvariant(), EventCallback.Factory.Create(this, () => clicked.Enqueue(name)));

        var cut = Render<ActionBar>(p => p.Add(b => b.Actions, [Action("Edit"), Action("Share"), Action("Delete")]).Add(b => b.Primary, 1));

        cut.FindAll(".action-keep button").Select(b => b.TextContent.Trim()).Should().Equal("Edit");
        cut.FindAll(".action-fold button").Select(b => b.TextContent.Trim()).Should().Equal("Share", "Delete");
        cut.Find("[data-testid=share]").Click();
        cut.Find("[data-testid=more-actions] button").Click();
        popovers.WaitForAssertion(() => popovers.FindAll("[data-testid$=-menu]").Should().HaveCount(2));
        popovers.Find("[data-testid=delete-menu]").Click();

        cut.WaitForAssertion(() => clicked.ToArray().Should().Equal("Share", "Delete"));
    }

    [Fact]
    public void With_no_more_actions_than_kept_there_is_no_menu()
    {
        var cut = Render<ActionBar>(p => p.Add(b => b.Actions, [new PageAction("Save", "save", Href: "/x")]).Add(b => b.Primary, 2));
        cut.FindAll("[data-testid=more-actions]").Should().BeEmpty();
        cut.Find("[data-testid=save]").GetAttribute("href").Should().Be("/x");
    }
}
