using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Chat;

/// <summary>
/// <c>Analytics:Chat</c>. Without <see cref="BaseUrl"/> the built-in offline planner answers; with it, an
/// OpenAI-compatible chat-completions endpoint (<c>{BaseUrl}/chat/completions</c>) plans with tool calls.
/// </summary>
public sealed class ChatOptions
{
    public const string Section = "Analytics:Chat";

    /// <summary>OpenAI-compatible base URL, e.g. <c>https://api.openai.com/v1</c> or <c>http://127.0.0.1:11434/v1</c>.</summary>
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string Model { get; set; } = "gpt-4o-mini";
    [Range(1, 10_000)] public int QuestionsPerHour { get; set; } = 50;
    [Range(1, 600)] public int AnswerTimeoutSeconds { get; set; } = 30;
    [Range(1, 20)] public int MaxToolRounds { get; set; } = 6;
    [Range(1, 3650)] public int RetentionDays { get; set; } = 30;

    public bool UsesModel => !string.IsNullOrWhiteSpace(BaseUrl);
}
