using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Analytics.Web.Security;

/// <summary>The address that actually connected, kept before forwarded headers replace the request's client address.</summary>
public sealed record DirectPeer(IPAddress? Address)
{
    /// <summary>The connecting address of <paramref name="context"/>: the proxy's, even after forwarded headers applied.</summary>
    public static IPAddress? Of(HttpContext context) => context.Features.Get<DirectPeer>()?.Address ?? context.Connection.RemoteIpAddress;
}

/// <summary>
/// Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are applied only when they come from a proxy listed
/// in <c>Analytics:Http:KnownProxies</c> or <c>KnownNetworks</c> — none by default, so a client cannot claim another
/// address (audit trail, rate limits) or https. <c>X-Forwarded-Host</c> is never applied.
/// </summary>
public static class ProxyTrust
{
    public static void Configure(ForwardedHeadersOptions forwarded, HttpSecurityOptions options)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.KnownProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        foreach (var network in options.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
        // Each trusted hop is taken off from the right; the first untrusted one ends the walk.
        forwarded.ForwardLimit = null;
    }

    /// <summary>Keeps the connecting address (<see cref="DirectPeer"/>), then applies forwarded headers when proxies are configured.</summary>
    public static IApplicationBuilder UseProxyTrust(this IApplicationBuilder app, HttpSecurityOptions options)
    {
        app.Use((context, next) =>
        {
            context.Features.Set(new DirectPeer(context.Connection.RemoteIpAddress));
            return next(context);
        });
        if (options.ForwardsHeaders) app.UseForwardedHeaders();
        return app;
    }
}
