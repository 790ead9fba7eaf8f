namespace Analytics.Domain.Access;

/// <summary>An in-app notification (the bell): alerts, shares, mentions.</summary>
public sealed class Notification
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Title { get; init; }
    public string Body { get; init; } = "";
    /// <summary>Where clicking it goes, e.g. <c>/alerts</c>.</summary>
    public string? Link { get; init; }
    public required string Category { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
}
