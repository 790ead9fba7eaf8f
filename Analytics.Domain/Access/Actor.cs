namespace Analytics.Domain.Access;

/// <summary>
/// Who is asking. Every domain operation takes an actor, so the UI, the API, chat, exports and jobs share one set of
/// rules. Admins see every instance; everyone else sees the instances granted to them.
/// </summary>
public sealed record Actor(string UserId, string DisplayName, Role Role, IReadOnlySet<string> InstanceIds)
{
    /// <summary>How this request proved who it is; the web layer sets it (in-process callers stay <see cref="AuthenticationMethod.Internal"/>).</summary>
    public AuthenticationMethod AuthenticatedBy { get; init; } = AuthenticationMethod.Internal;

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

    /// <summary>
    /// A request made with an API key cannot mint more keys: a leaked key must not be able to outlive its revocation.
    /// Keys are created signed in (Account → API keys), or with the operator's bootstrap key.
    /// </summary>
    public void EnsureCanCreateApiKeys()
    {
        if (AuthenticatedBy == AuthenticationMethod.ApiKey)
            throw new ForbiddenException("A request authenticated by an API key cannot create API keys. Sign in and create keys under Account → API keys.");
    }
}

/// <summary>How the caller authenticated. Rules that depend on it (an API key cannot create keys) read it from <see cref="Actor"/>.</summary>
public enum AuthenticationMethod
{
    /// <summary>In-process work: jobs, seeding, the command line, tests.</summary>
    Internal = 0,
    /// <summary>The sign-in cookie, issued after an e-mail and password.</summary>
    Password,
    /// <summary>An authenticating reverse proxy's user header.</summary>
    Proxy,
    /// <summary>A user's API key (<c>Authorization: Bearer ak_…</c>).</summary>
    ApiKey,
    /// <summary>The operator's bootstrap key from configuration (<c>Analytics:Auth:BootstrapApiKey</c>).</summary>
    BootstrapKey,
}
