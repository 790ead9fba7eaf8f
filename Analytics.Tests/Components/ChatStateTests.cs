using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Web.Components.Pages.Chat;

namespace Analytics.Tests.Components;

/// <summary>The chat page's state without a browser: the quota text, a refused question, CSV of a result.</summary>
public sealed class ChatStateTests
{
    private static ChatState State(Func<string?, string, Task<ChatSession>> start, ChatQuota quota) => new(
        () => Task.FromResult<IReadOnlyList<ConversationSummary>>([]),
        id => throw new NotFoundException("Conversation", id),
        start,
        () => Task.FromResult(quota),
        (_, _) => Task.CompletedTask,
        _ => Task.CompletedTask);

    [Fact]
    public async Task A_refused_question_shows_why_and_keeps_the_draft()
    {
        var state = State((_, _) => throw new RateLimitedException("You have asked 50 questions in the last hour.", TimeSpan.FromMinutes(5)), new ChatQuota(50, 50, 0, null));
        await state.LoadAsync();
        state.QuotaText.Should().Be("0 of 50 questions left this hour");
        state.Draft = "spend last week";
        await state.AskAsync(null, () => Task.CompletedTask);
        state.Error.Should().Contain("50 questions");
        state.Draft.Should().Be("spend last week");
        state.Turns.Should().BeEmpty();
        state.Busy.Should().BeFalse();
    }

    [Fact]
    public void Results_download_as_csv_with_formulas_defused()
    {
        var viz = new ChatVisualization("bar", "t", null, [new("campaign", "string"), new("spend", "number", "Spend", "currency")],
            [["=HYPERLINK(\"x\")", 12.5], ["A, B", null]]);
        ChatState.Csv(viz).Should().Be("campaign,spend\r\n\"'=HYPERLINK(\"\"x\"\")\",12.5\r\n\"A, B\",\r\n");
        ChatState.Display(1234.5, viz.Columns[1]).Should().Be("$1,234.50", "chat tables read as dashboards do (MetricFormat)");
        ChatState.Display(null, viz.Columns[1]).Should().Be("–", "a missing number reads as everywhere else");
    }
}
