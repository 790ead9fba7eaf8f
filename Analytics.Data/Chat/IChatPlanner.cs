using Analytics.Domain.Chat;

namespace Analytics.Data.Chat;

/// <summary>
/// One question in its conversation: who asks, the earlier turns, the previous answer's plan, and the filters it is asked
/// under (<see cref="ChatScope"/>: the dashboard of the side panel; null on /chat).
/// </summary>
public sealed record ChatTurn(ChatToolContext Context, string Question, IReadOnlyList<ChatMessage> History, ChatPlan? PreviousPlan, ChatScope? Scope = null);

/// <summary>Answers a question by calling query functions; two implementations: the offline planner and an LLM.</summary>
public interface IChatPlanner
{
    string Name { get; }
    IAsyncEnumerable<ChatEvent> AnswerAsync(ChatTurn turn, CancellationToken ct);
}
