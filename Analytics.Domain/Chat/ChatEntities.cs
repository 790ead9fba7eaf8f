namespace Analytics.Domain.Chat;

/// <summary>A conversation with the data. Kept 30 days after its last message, then archived (soft delete) by the retention job.</summary>
public sealed class ChatConversation
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Title { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Set when the user deletes it or the retention job archives it; archived conversations are not listed.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }
    public List<ChatMessage> Messages { get; init; } = [];
}

/// <summary>One turn: the user's question, or the assistant's answer with the tool calls and visualizations it made.</summary>
public sealed class ChatMessage
{
    public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public int Seq { get; init; }
    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    public required string Role { get; init; }
    public required string Content { get; init; }
    /// <summary>JSON array of <see cref="ChatToolCallRecord"/>.</summary>
    public string ToolCallsJson { get; init; } = "[]";
    /// <summary>JSON array of <see cref="ChatVisualization"/>.</summary>
    public string VisualizationsJson { get; init; } = "[]";
    /// <summary>The offline planner's <see cref="ChatPlan"/> for this answer (JSON), the context of the next turn.</summary>
    public string? PlanJson { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public double? DurationMs { get; init; }
}

/// <summary>One call of a query function, as admins see it in the audit log.</summary>
public sealed class ChatAuditEntry
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public string? ConversationId { get; init; }
    public required string Function { get; init; }
    public required string Arguments { get; init; }
    public int RowCount { get; init; }
    public double DurationMs { get; init; }
    /// <summary><c>ok</c>, <c>invalid</c> (bad arguments), <c>not_found</c>, <c>denied</c>, <c>error</c>, <c>unknown_function</c>.</summary>
    public required string Outcome { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record ChatToolCallRecord(string Name, string Arguments, int RowCount, double Ms, string Outcome = "ok");

/// <summary>A chart, table or KPI for the answer: <c>type</c> is <c>kpi</c>, <c>bar</c>, <c>line</c> or <c>table</c>.</summary>
public sealed record ChatVisualization(string Type, string Title, object? Query, IReadOnlyList<ChatColumn> Columns, IReadOnlyList<object?[]> Rows);

public sealed record ChatColumn(string Name, string Type, string? Label = null, string? Format = null);

/// <summary>What a planner streams while answering (CONTRACT.md, Chat: the SSE events).</summary>
public abstract record ChatEvent
{
    public sealed record Delta(string Text) : ChatEvent;
    public sealed record ToolCall(string Name, string Arguments) : ChatEvent;
    public sealed record ToolResult(string Name, int RowCount, double Ms, string Outcome) : ChatEvent;
    public sealed record Visualization(ChatVisualization Value) : ChatEvent;
    /// <summary>The answer is complete and stored as message <paramref name="MessageId"/>.</summary>
    public sealed record Done(string ConversationId, string? MessageId = null) : ChatEvent;
    public sealed record Error(string Message) : ChatEvent;
    /// <summary>Which data-sharing mode applies to this question (sent first): the chat panel shows it.</summary>
    public sealed record Egress(Analytics.Domain.Chat.Egress.ChatEgressNotice Notice) : ChatEvent;
    /// <summary>Buttons under a clarifying question, one per likely reading; each asks <see cref="ChatChoice.Question"/>.</summary>
    public sealed record Choices(IReadOnlyList<ChatChoice> Options) : ChatEvent;
    /// <summary>The plan behind the answer, kept as the next turn's context; not sent to clients.</summary>
    public sealed record Context(ChatPlan Plan) : ChatEvent;
}

/// <summary>An answer a user keeps: listed on the chat page, opening its conversation at that message.</summary>
public sealed class ChatBookmark
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string ConversationId { get; init; }
    public required string MessageId { get; init; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
