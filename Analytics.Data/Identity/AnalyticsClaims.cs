using System.Security.Claims;
using Analytics.Domain.Access;

namespace Analytics.Data.Identity;

/// <summary>Claims the authentication handlers put on a principal, and how they map back to the domain.</summary>
public static class AnalyticsClaims
{
    /// <summary>How the caller authenticated (RFC 8176 "amr"): <c>pwd</c>, <c>proxy</c>, <c>apikey</c>, <c>bootstrap</c>.</summary>
    public const string AuthMethod = "amr";

    /// <summary>The id of the API key a request came with.</summary>
    public const string ApiKeyId = "api_key_id";

    /// <summary>Present (value "true") while the user must choose a new password.</summary>
    public const string MustChangePassword = "must_change_password";

    public const string Password = "pwd";
    public const string Proxy = "proxy";
    public const string ApiKey = "apikey";
    public const string Bootstrap = "bootstrap";

    public static AuthenticationMethod MethodOf(ClaimsPrincipal principal) => principal.FindFirstValue(AuthMethod) switch
    {
        Password => AuthenticationMethod.Password,
        Proxy => AuthenticationMethod.Proxy,
        ApiKey => AuthenticationMethod.ApiKey,
        Bootstrap => AuthenticationMethod.BootstrapKey,
        _ => AuthenticationMethod.Internal,
    };

    public static bool MustChangePasswordOf(ClaimsPrincipal principal) => principal.HasClaim(MustChangePassword, "true");
}
