namespace Analytics.Data;

/// <summary><c>Analytics:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Analytics:Auth";

    /// <summary>An API key that acts as the first admin, for first start and automation. Empty = none.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>The first admin's e-mail, created at first start when no admin exists.</summary>
    public string AdminEmail { get; set; } = "admin@localhost";

    /// <summary>The first admin's password. Empty = generate one and print it once at first start.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Trust an authenticating reverse proxy's user header (as Grafana's auth proxy). Off by default.</summary>
    public ProxyAuthOptions Proxy { get; set; } = new();
}

public sealed class ProxyAuthOptions
{
    public bool Enabled { get; set; }

    /// <summary>The header carrying the signed-in user's e-mail.</summary>
    public string HeaderName { get; set; } = "X-WEBAUTH-USER";

    /// <summary>Only requests from these addresses may carry the header (the proxy's). Empty = loopback only.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Create unknown users on first sight, with this role.</summary>
    public bool AutoSignUp { get; set; } = true;

    public string DefaultRole { get; set; } = "viewer";
}
