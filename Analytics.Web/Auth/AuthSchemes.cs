namespace Analytics.Web.Auth;

public static class AuthSchemes
{
    /// <summary><c>Authorization: Bearer &lt;api key&gt;</c> on <c>/api/v1</c>.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>An authenticating reverse proxy's user header (off unless <c>Analytics:Auth:Proxy:Enabled</c>).</summary>
    public const string Proxy = "Proxy";

    /// <summary>Picks one of the above, or the Identity cookie, per request.</summary>
    public const string Smart = "Smart";

    /// <summary>Signed in, even while the password must still be changed: only the password page and its form post use it.</summary>
    public const string SignedInPolicy = "signed-in";

    public const string AdminPolicy = "admin";
    public const string ApiPolicy = "api";
}
