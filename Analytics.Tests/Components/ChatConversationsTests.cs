using Analytics.Data.Chat;
using Analytics.Web.Components.Pages.Chat;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Analytics.Tests.Components;

/// <summary>The conversation list on /chat on MudBlazor, without a browser: open, rename in place (Enter saves, Escape cancels), delete.</summary>
public sealed class ChatConversationsTests : AppComponentTests
{
    private static readonly IReadOnlyList<ConversationSummary> Conversations =
    [
        new("c1", "ROAS by campaign", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2),
        new("c2", "Spend last week", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 4),
    ];

    [Fact]
    public void Renaming_saves_the_new_title_with_the_button_or_enter_and_escape_cancels()
    {
        var renamed = new List<(string, string)>();
        var cut = Render<ChatConversations>(p => p.Add(c => c.Conversations, Conversations).Add(c => c.ActiveId, "c2")
            .Add(c => c.OnRename, EventCallback.Factory.Create<(string Id, string Title)>(this, r => renamed.Add(r))));

        cut.FindAll("[data-testid=chat-conversation]")[1].GetAttribute("aria-current").Should().Be("true");
        cut.FindAll("[data-testid=chat-conversation]")[0].HasAttribute("aria-current").Should().BeFalse();

        cut.FindAll("[data-testid=chat-rename]")[0].Click();
        var field = cut.Find("input[data-testid=chat-rename-text]");
        field.GetAttribute("value").Should().Be("ROAS by campaign");
        cut.Find("label[for]").TextContent.Should().Be("Conversation name");
        field.Input("ROAS review");
        cut.Find("[data-testid=chat-rename-save]").Click();
        renamed.Should().Equal(("c1", "ROAS review"));
        cut.FindAll("input[data-testid=chat-rename-text]").Should().BeEmpty();

        cut.FindAll("[data-testid=chat-rename]")[1].Click();
        cut.Find("input[data-testid=chat-rename-text]").Input("Spend");
        cut.Find("input[data-testid=chat-rename-text]").KeyDown("Escape");
        cut.FindAll("input[data-testid=chat-rename-text]").Should().BeEmpty();
        renamed.Should().HaveCount(1);

        cut.FindAll("[data-testid=chat-rename]")[1].Click();
        cut.Find("input[data-testid=chat-rename-text]").Input("Spend, weekly");
        cut.Find("input[data-testid=chat-rename-text]").KeyDown("Enter");
        renamed.Should().Equal(("c1", "ROAS review"), ("c2", "Spend, weekly"));
    }

    [Fact]
    public void Open_delete_and_new_call_back_with_the_conversation()
    {
        var calls = new List<string>();
        var cut = Render<ChatConversations>(p => p.Add(c => c.Conversations, Conversations)
            .Add(c => c.OnOpen, EventCallback.Factory.Create<string>(this, id => calls.Add("open " + id)))
            .Add(c => c.OnDelete, EventCallback.Factory.Create<string>(this, id => calls.Add("delete " + id)))
            .Add(c => c.OnNew, EventCallback.Factory.Create(this, () => calls.Add("new"))));

        cut.FindAll(".chat-conversation-title")[1].Click();
        cut.FindAll("[data-testid=chat-delete]")[0].Click();
        cut.Find("[data-testid=chat-new]").Click();

        calls.Should().Equal("open c2", "delete c1", "new");
        cut.FindAll("[data-testid=chat-delete]").Select(b => b.GetAttribute("aria-label")).Should().Equal("Delete ROAS by campaign", "Delete Spend last week");
    }
}
