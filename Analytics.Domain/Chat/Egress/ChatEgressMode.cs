namespace Analytics.Domain.Chat.Egress;

/// <summary>
/// What the chat may send to an external model for one instance's data. Ordered from the strictest to the most open,
/// so the strictest of several instances is the smallest value.
/// </summary>
public enum ChatEgressMode
{
    /// <summary>The external model is never used for this instance's data: the offline planner answers.</summary>
    None = 0,
    /// <summary>The model sees the catalog and plans the function calls; result rows never leave; the server writes the numbers.</summary>
    SchemaOnly = 1,
    /// <summary>Names (campaigns, ASINs, advertisers, instances) are replaced by stable aliases before sending; numbers may be sent.</summary>
    Anonymized = 2,
    /// <summary>Rows are sent as they are (redaction of identifiers still applies).</summary>
    Full = 3,
}

/// <summary>The one home of the modes' wire names, parsing, the strictest-wins rule and the line the chat panel shows.</summary>
public static class ChatEgressModes
{
    public static readonly IReadOnlyList<ChatEgressMode> All = [ChatEgressMode.None, ChatEgressMode.SchemaOnly, ChatEgressMode.Anonymized, ChatEgressMode.Full];

    public static string ToWire(this ChatEgressMode mode) => mode switch
    {
        ChatEgressMode.None => "none",
        ChatEgressMode.SchemaOnly => "schema-only",
        ChatEgressMode.Anonymized => "anonymized",
        _ => "full",
    };

    public static bool TryParse(string? value, out ChatEgressMode mode)
    {
        var wire = value?.Trim().ToLowerInvariant();
        foreach (var m in All)
        {
            if (m.ToWire() == wire || (wire is "schemaonly" or "schema_only" && m == ChatEgressMode.SchemaOnly)) { mode = m; return true; }
        }
        mode = ChatEgressMode.Anonymized;
        return false;
    }

    public static ChatEgressMode Parse(string? value, string field) =>
        TryParse(value, out var mode) ? mode : throw new ValidationException(field, $"{field} must be one of {string.Join(", ", All.Select(m => m.ToWire()))}.");

    /// <summary>
    /// The mode for a question: the strictest among the instances involved; an instance without its own setting takes
    /// <paramref name="defaultMode"/>. No instance at all (an empty catalog) also takes the default.
    /// </summary>
    public static ChatEgressMode Resolve(IEnumerable<string> instances, IReadOnlyDictionary<string, ChatEgressMode> configured, ChatEgressMode defaultMode)
    {
        var result = (ChatEgressMode?)null;
        foreach (var id in instances)
        {
            var mode = configured.TryGetValue(id, out var m) ? m : defaultMode;
            if (result is null || mode < result) result = mode;
        }
        return result ?? defaultMode;
    }

    /// <summary>What the chat panel tells the user about one question.</summary>
    public static ChatEgressNotice Notice(ChatEgressMode mode, bool external)
    {
        if (!external) return new ChatEgressNotice("local", false, "Answered on this server: nothing is sent to an outside model.");
        return mode switch
        {
            ChatEgressMode.None => new ChatEgressNotice(mode.ToWire(), false, "External model not used for this data (an admin set it to none): answered on this server."),
            ChatEgressMode.SchemaOnly => new ChatEgressNotice(mode.ToWire(), true, "External model · schema-only: it sees metric and dimension names only; the numbers are filled in on this server."),
            ChatEgressMode.Anonymized => new ChatEgressNotice(mode.ToWire(), true, "External model · anonymized: campaign, ASIN and instance names are replaced before sending."),
            _ => new ChatEgressNotice(mode.ToWire(), true, "External model · full: result rows are sent as they are (e-mails, keys and ids are still removed)."),
        };
    }
}

/// <summary>The mode in force for one question, as the chat panel and the API report it. <c>External</c>: an outside model is used.</summary>
public sealed record ChatEgressNotice(string Mode, bool External, string Description);

/// <summary>An admin's data-sharing setting for one instance (source). Instances without a row take the configured default.</summary>
public sealed class ChatEgressSetting
{
    public required string SourceId { get; init; }
    public ChatEgressMode Mode { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One call to an external model: what was sent and received (the content, or only its SHA-256 and size, per
/// <c>Analytics:Chat:Egress:AuditContent</c>), the mode in force, who asked, when, and the tokens the model reported.
/// </summary>
public sealed class ChatEgressAuditEntry
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public string? ConversationId { get; init; }
    public required string Mode { get; init; }
    public required string Model { get; init; }
    /// <summary>The endpoint's host (no path, no credentials).</summary>
    public required string Endpoint { get; init; }
    public int RequestBytes { get; init; }
    public required string RequestSha256 { get; init; }
    public string? RequestContent { get; init; }
    public int ResponseBytes { get; init; }
    public required string ResponseSha256 { get; init; }
    public string? ResponseContent { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }
    /// <summary>How many identifiers (e-mails, keys, tokens, connection strings, user ids) were removed from the request.</summary>
    public int Redactions { get; init; }
    /// <summary>How many distinct names were replaced by aliases in the request.</summary>
    public int Aliases { get; init; }
    /// <summary><c>ok</c>, <c>error</c> or <c>cancelled</c>.</summary>
    public required string Outcome { get; init; }
    public string? Error { get; init; }
    public double DurationMs { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
