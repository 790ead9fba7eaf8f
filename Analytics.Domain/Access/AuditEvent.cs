namespace Analytics.Domain.Access;

/// <summary>
/// One entry of the audit trail: who did what to which thing, when and from where. Append-only: nothing in the app
/// updates or deletes an entry, and the database refuses both (triggers on <c>AuditEvents</c>).
/// </summary>
public sealed class AuditEvent
{
    public required string Id { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>The user who acted; null for an anonymous attempt (a failed sign-in) or the system.</summary>
    public string? ActorId { get; init; }
    /// <summary>The actor's name then, or the e-mail address an anonymous attempt gave.</summary>
    public string? ActorName { get; init; }
    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    /// <summary>What changed, in words (e.g. "role viewer → analyst"); never a secret.</summary>
    public string? Detail { get; init; }
    /// <summary>The client's address when the action came over HTTP.</summary>
    public string? ClientIp { get; init; }
}

/// <summary>The audited actions. Dotted names, grouped by what they touch.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.signin";
    public const string SignInFailed = "auth.signin.failed";
    public const string SignInLockedOut = "auth.signin.lockedout";
    public const string SignOut = "auth.signout";
    public const string PasswordChanged = "auth.password.changed";
    public const string PasswordReset = "auth.password.reset";

    public const string UserCreated = "user.created";
    public const string UserRoleChanged = "user.role.changed";
    public const string UserGrantsChanged = "user.grants.changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";

    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRevoked = "apikey.revoked";

    public const string SourceCreated = "source.created";
    public const string SourceUpdated = "source.updated";
    public const string SourceDeleted = "source.deleted";

    public const string ShareGranted = "share.granted";
    public const string ShareRevoked = "share.revoked";
    public const string PublicLinkCreated = "publiclink.created";
    public const string PublicLinkRevoked = "publiclink.revoked";
    /// <summary>The owner (or an admin) updated what a public link shows to the dashboard's current version.</summary>
    public const string PublicLinkPublished = "publiclink.published";
    /// <summary>An empty dashboard folder was deleted (with its shares).</summary>
    public const string FolderDeleted = "folder.deleted";
    /// <summary>A team was deleted (with its memberships and the shares made to it).</summary>
    public const string TeamDeleted = "team.deleted";

    /// <summary>A report's owner (or an admin) accepted a newer version of its template: its runs use that SQL from now on.</summary>
    public const string TemplateVersionAccepted = "report.template.accepted";

    public const string BackupCreated = "backup.created";
    public const string BackupRestored = "backup.restored";
    /// <summary>An admin downloaded a backup file from the backups page.</summary>
    public const string BackupDownloaded = "backup.downloaded";

    public static readonly IReadOnlyList<string> All =
    [
        SignIn, SignInFailed, SignInLockedOut, SignOut, PasswordChanged, PasswordReset,
        UserCreated, UserRoleChanged, UserGrantsChanged, UserDisabled, UserEnabled,
        ApiKeyCreated, ApiKeyRevoked,
        SourceCreated, SourceUpdated, SourceDeleted,
        ShareGranted, ShareRevoked, PublicLinkCreated, PublicLinkRevoked, PublicLinkPublished, FolderDeleted, TeamDeleted,
        TemplateVersionAccepted,
        BackupCreated, BackupRestored, BackupDownloaded,
    ];
}
