using System.Net;

namespace Analytics.Web.Security;

/// <summary><c>Analytics:Http</c>: which reverse proxies are believed, and who may frame the public dashboard page.</summary>
public sealed class HttpSecurityOptions
{
    public const string Section = "Analytics:Http";

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are applied (client address for
    /// the audit trail and rate limits, https for cookies and HSTS). Empty with <see cref="KnownNetworks"/> empty: forwarded
    /// headers are ignored. Behind nginx on the same machine: <c>127.0.0.1</c>.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) whose proxies are believed, like <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// Origins (e.g. <c>https://intranet.example.com</c>) that may show the public dashboard page (<c>/public/d/…</c>) in a
    /// frame. Empty (the default): no page of the app may be framed anywhere.
    /// </summary>
    public string[] PublicEmbedOrigins { get; set; } = [];

    public bool ForwardsHeaders => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    internal static bool IsAddress(string? text) => IPAddress.TryParse(text?.Trim(), out _);

    internal static bool IsNetwork(string? text) => IPNetwork.TryParse(text?.Trim(), out _);

    /// <summary>An http(s) origin: scheme and host (optionally <c>*.</c> for subdomains) and port, nothing more.</summary>
    internal static bool IsOrigin(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.IndexOfAny([' ', ';', ',', '\'', '"']) >= 0) return false;
        var candidate = text.Trim().Replace("://*.", "://wildcard.", StringComparison.Ordinal);
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            && !text.TrimEnd().EndsWith('/');
    }
}
