namespace Analytics.Data;

/// <summary><c>Analytics:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Analytics:Auth";

    /// <summary>An API key that acts as the first admin, for first start and automation. Empty = none.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>The first admin's e-mail, created at first start when no admin exists.</summary>
    public string AdminEmail { get; set; } = "admin@localhost";

    /// <summary>
    /// The first admin's password. Empty = generate one at first start: outside Development it is written to
    /// <c>initial-admin-password.txt</c> under <c>Analytics:DataDirectory</c> (mode 0600), in Development printed
    /// once; either way the admin must change it at first sign-in.
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>
    /// How often a signed-in session is checked against the database (security stamp, disabled): sign-in cookies on
    /// each request at most this often, and open pages (circuits) every this many seconds. A password reset, a
    /// disabled account or a role change ends the user's sessions within this time.
    /// </summary>
    public int SessionRevalidationSeconds { get; set; } = 30;

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
