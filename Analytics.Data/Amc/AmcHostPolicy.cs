using Microsoft.Extensions.Options;

namespace Analytics.Data.Amc;

/// <summary>
/// <c>Analytics:Amc</c>: which hosts the AMC connector may talk to. An AMC source's <c>baseUrl</c> is set by an admin,
/// and its access token is sent there, so it is held to Amazon's API hosts; result files come from pre-signed S3 URLs
/// that AMC answers, held to Amazon's storage hosts. Both https only. Tests point the connector at a local fake by
/// listing 127.0.0.1 and allowing http explicitly.
/// </summary>
public sealed class AmcHostOptions
{
    public const string Section = "Analytics:Amc";

    /// <summary>The Amazon Ads API hosts of the three regions (North America, Europe, Far East).</summary>
    public static readonly string[] DefaultApiHosts = ["advertising-api.amazon.com", "advertising-api-eu.amazon.com", "advertising-api-fe.amazon.com"];

    /// <summary>AMC's download URLs are pre-signed Amazon S3 URLs (bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com).</summary>
    public static readonly string[] DefaultDownloadHosts = ["*.amazonaws.com"];

    /// <summary>Hosts a source's <c>baseUrl</c> may name (exact, or <c>*.domain</c> for its subdomains). Empty: <see cref="DefaultApiHosts"/>.</summary>
    public string[]? AllowedHosts { get; set; }

    /// <summary>Hosts result files may be downloaded from. Empty: <see cref="DefaultDownloadHosts"/>.</summary>
    public string[]? AllowedDownloadHosts { get; set; }

    /// <summary>Allow plain http (tests against a local fake only).</summary>
    public bool AllowHttp { get; set; }

    public IReadOnlyList<string> ApiHosts => AllowedHosts is { Length: > 0 } hosts ? hosts : DefaultApiHosts;

    public IReadOnlyList<string> DownloadHosts => AllowedDownloadHosts is { Length: > 0 } hosts ? hosts : DefaultDownloadHosts;
}

/// <summary>An AMC request was about to leave for a host (or scheme) <see cref="AmcHostPolicy"/> does not allow.</summary>
public sealed class AmcHostNotAllowedException(string message) : AmcException(message);

/// <summary>
/// The one place AMC hosts are judged: a source's <c>baseUrl</c> when it is saved and when it runs, and every request the
/// connector's HTTP client sends (<see cref="AmcHostGuardHandler"/>): a request carrying the access token only to
/// <see cref="AmcHostOptions.ApiHosts"/>, a download (no credentials) only to <see cref="AmcHostOptions.DownloadHosts"/>.
/// </summary>
public sealed class AmcHostPolicy(IOptionsMonitor<AmcHostOptions> options)
{
    /// <summary>What is wrong with <paramref name="baseUrl"/> as an AMC API address, or null when it is allowed.</summary>
    public string? BaseUrlError(string? baseUrl)
    {
        var o = options.CurrentValue;
        if (!Uri.TryCreate(baseUrl?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return $"'{baseUrl}' is not an https URL, e.g. https://advertising-api.amazon.com.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The AMC base URL must not carry a user name or password.";
        return RequestError(uri, o.ApiHosts, "Analytics:Amc:AllowedHosts");
    }

    /// <summary>Throws <see cref="AmcHostNotAllowedException"/> unless the request may be sent.</summary>
    public void EnsureAllowed(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new AmcHostNotAllowedException("An AMC request without an address.");
        var o = options.CurrentValue;
        var error = request.Headers.Authorization is not null
            ? RequestError(uri, o.ApiHosts, "Analytics:Amc:AllowedHosts")
            : RequestError(uri, o.DownloadHosts, "Analytics:Amc:AllowedDownloadHosts");
        if (error is not null) throw new AmcHostNotAllowedException(error);
    }

    private string? RequestError(Uri uri, IReadOnlyList<string> hosts, string setting)
    {
        if (uri.Scheme != "https" && !(uri.Scheme == "http" && options.CurrentValue.AllowHttp))
            return $"AMC is reached over https only; {uri.Scheme}://{uri.Host} is refused.";
        return hosts.Any(h => Matches(h, uri.Host))
            ? null
            : $"{uri.Host} is not an Amazon host the AMC connector may reach ({setting}: {string.Join(", ", hosts)}).";
    }

    /// <summary><c>host</c> exactly, or <c>*.domain</c>: any subdomain of domain (not domain itself).</summary>
    internal static bool Matches(string pattern, string host)
    {
        pattern = pattern.Trim();
        host = host.Trim('[', ']');
        return pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(pattern.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Every request of the AMC HTTP client passes <see cref="AmcHostPolicy.EnsureAllowed"/> before it is sent.</summary>
public sealed class AmcHostGuardHandler(AmcHostPolicy policy) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        policy.EnsureAllowed(request);
        return base.SendAsync(request, cancellationToken);
    }
}
