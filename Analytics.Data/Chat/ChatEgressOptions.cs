using System.ComponentModel.DataAnnotations;
using Analytics.Domain.Chat.Egress;

namespace Analytics.Data.Chat;

/// <summary>
/// <c>Analytics:Chat:Egress</c>: what the chat may send to an external model. Admins set a mode per instance
/// (<c>/admin/chat-egress</c>, <c>PUT /api/v1/admin/chat-egress/instances/{sourceId}</c>); instances without one take
/// <see cref="DefaultMode"/>.
/// </summary>
public sealed class ChatEgressOptions
{
    public const string Section = "Analytics:Chat:Egress";

    /// <summary><c>none</c>, <c>schema-only</c>, <c>anonymized</c> (default) or <c>full</c>.</summary>
    public string DefaultMode { get; set; } = "anonymized";

    /// <summary><c>full</c>: the audit keeps what was sent and received; <c>hash</c>: only their SHA-256 and size.</summary>
    public string AuditContent { get; set; } = "full";

    /// <summary>Days the external-model audit is kept; the daily chat retention job deletes older entries.</summary>
    [Range(1, 3650)] public int AuditRetentionDays { get; set; } = 90;

    /// <summary>Dimensions whose values are replaced by aliases in <c>anonymized</c> mode (instance names and ids always are).</summary>
    public List<string> AliasedDimensions { get; set; } = [.. EgressAliasMap.DefaultDimensions];

    public ChatEgressMode Default => ChatEgressModes.TryParse(DefaultMode, out var m) ? m : ChatEgressMode.Anonymized;

    public bool StoresContent => !string.Equals(AuditContent, "hash", StringComparison.OrdinalIgnoreCase);
}
