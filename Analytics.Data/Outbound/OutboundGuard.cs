using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Outbound;

/// <summary>The address a request to a user-set URL resolved to is not one the app may reach (see <see cref="AddressPolicy"/>).</summary>
public sealed class OutboundRefusedException(string host, string reason)
    : Exception($"Refused to connect to '{host}': it resolves only to addresses the app may not reach ({reason}).")
{
    public string Host { get; } = host;
}

/// <summary>
/// The one guard for requests to URLs users set (alert webhooks, the insight webhook, AMC): the primary handler of
/// every such named client (<see cref="OutboundHttpClientBuilderExtensions.AddOutboundGuard"/>). The check runs when the
/// connection is made, on the addresses DNS answered — so a name that resolves to 127.0.0.1, a literal such as
/// <c>http://2130706433/</c> or <c>http://[::ffff:127.0.0.1]/</c>, or a name that re-resolves differently later, all meet
/// it — and the socket connects to exactly the addresses that passed. Redirects are not followed (a public URL could
/// otherwise send the request on to a private one), and no proxy is used (it would connect on our behalf, unchecked).
/// Hosts in <c>Analytics:Outbound:AllowedHosts</c> skip the address check.
/// </summary>
public sealed class OutboundGuard(IOptionsMonitor<OutboundOptions> options, ILogger<OutboundGuard> logger)
{
    /// <summary>What a delivery record says when the guard refused the address (never the exception's text).</summary>
    public const string RefusedText = "refused: address not allowed";

    /// <summary>What a delivery record says when the receiver could not be reached or did not answer in time.</summary>
    public const string UnreachableText = "the webhook could not be reached";

    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Whether <paramref name="host"/> (as written in a URL) is exempt from the address check by configuration.</summary>
    public bool IsAllowedHost(string host)
    {
        var bare = host.Trim('[', ']');
        foreach (var entry in options.CurrentValue.AllowedHosts)
        {
            var allowed = entry.Trim().Trim('[', ']');
            if (string.Equals(allowed, bare, StringComparison.OrdinalIgnoreCase)) return true;
            if (IPAddress.TryParse(allowed, out var a) && IPAddress.TryParse(bare, out var b) && a.Equals(b)) return true;
        }
        return false;
    }

    /// <summary>
    /// Save-time validation of a URL users set: what is wrong with it, or null. It must be an absolute http(s) URL with a
    /// host; an IP literal must be a public address (a name is judged when the request is made, on what it resolves to then).
    /// </summary>
    public string? UrlError(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host))
            return "Give an absolute http(s) URL, e.g. https://hooks.example.com/analytics.";
        if (IsAllowedHost(uri.Host)) return null;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) && AddressPolicy.Refusal(literal) is { } reason
            ? $"{uri.Host} is a {reason} address, which the app does not send requests to; use a public address or host name."
            : null;
    }

    /// <summary>The generic outcome text for a failed request: never the exception's own text, which may describe the network.</summary>
    public static string Describe(Exception e) =>
        e is OutboundRefusedException || e.InnerException is OutboundRefusedException ? RefusedText : UnreachableText;

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        IPAddress[] permitted;
        if (IsAllowedHost(host))
        {
            permitted = addresses;
        }
        else
        {
            permitted = addresses.Where(AddressPolicy.IsPublic).ToArray();
            if (permitted.Length == 0)
            {
                var reason = addresses.Length == 0 ? "no address" : AddressPolicy.Refusal(addresses[0])!;
                logger.LogWarning("Outbound request to {Host} refused: it resolves to {Addresses} ({Reason})", host, string.Join(", ", addresses.Select(a => a.ToString())), reason);
                throw new OutboundRefusedException(host, reason);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

public static class OutboundHttpClientBuilderExtensions
{
    /// <summary>Sends this named client's requests through <see cref="OutboundGuard"/>: public addresses only, no redirects.</summary>
    public static IHttpClientBuilder AddOutboundGuard(this IHttpClientBuilder builder) =>
        builder.ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler());
}
