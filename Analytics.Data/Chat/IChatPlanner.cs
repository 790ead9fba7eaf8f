using Analytics.Domain.Chat;

namespace Analytics.Data.Chat;

/// <summary>One question in its conversation: who asks, the earlier turns, and the previous answer's plan.</summary>
public sealed record ChatTurn(ChatToolContext Context, string Question, IReadOnlyList<ChatMessage> History, ChatPlan? PreviousPlan);

/// <summary>Answers a question by calling query functions; two implementations: the offline planner and an LLM.</summary>
public interface IChatPlanner
{
    string Name { get; }
    IAsyncEnumerable<ChatEvent> AnswerAsync(ChatTurn turn, CancellationToken ct);
}
