namespace Analytics.Domain.Access;

/// <summary>
/// Who is asking. Every domain operation takes an actor, so the UI, the API, chat, exports and jobs share one set of
/// rules. Admins see every instance; everyone else sees the instances granted to them.
/// </summary>
public sealed record Actor(string UserId, string DisplayName, Role Role, IReadOnlySet<string> InstanceIds)
{
    /// <summary>The identity jobs run under when no person is involved (e.g. seeding, retention).</summary>
    public static Actor System { get; } = new("system", "System", Role.Admin, new HashSet<string>());

    public bool IsAdmin => Role == Role.Admin;

    public bool CanAuthor => Role >= Role.Analyst;

    public bool CanReadInstance(string sourceId) => IsAdmin || InstanceIds.Contains(sourceId);

    /// <summary>Throws 404 rather than 403 for instances not granted: their existence is not revealed.</summary>
    public void EnsureCanReadInstance(string sourceId)
    {
        if (!CanReadInstance(sourceId)) throw new NotFoundException("Source", sourceId);
    }

    public void EnsureAdmin(string action)
    {
        if (!IsAdmin) throw new ForbiddenException($"Only admins can {action}.");
    }

    public void EnsureCanAuthor(string action)
    {
        if (!CanAuthor) throw new ForbiddenException($"Viewers cannot {action}; ask an admin for the analyst role.");
    }

    /// <summary>Owners edit their own things; admins edit anything.</summary>
    public bool CanEditOwnedBy(string ownerId) => IsAdmin || (CanAuthor && ownerId == UserId);

    public bool CanManageKeysOf(string userId) => IsAdmin || userId == UserId;
}
