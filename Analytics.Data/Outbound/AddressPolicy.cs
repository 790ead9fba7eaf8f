using System.Net;
using System.Net.Sockets;

namespace Analytics.Data.Outbound;

/// <summary>
/// Which IP addresses a request to a user-set URL may reach: public unicast only. Loopback, private (RFC 1918, CGNAT
/// 100.64/10, IPv6 ULA fc00::/7), link-local, unspecified, multicast, reserved and documentation ranges and cloud
/// metadata endpoints (169.254.169.254, fd00:ec2::254, Azure's 168.63.129.16, …) are refused, also when written as an
/// IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. Pure: the caller resolves names first.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPNetwork Network, string Reason)[] V4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments (cloud metadata)"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast"),
        (IPNetwork.Parse("168.63.129.16/32"), "cloud metadata (Azure)"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] V6 =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local NAT64"),
        (IPNetwork.Parse("100::/64"), "discard"),
        (IPNetwork.Parse("2001::/32"), "Teredo"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "unique local (private, cloud metadata)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Why <paramref name="address"/> may not be reached, or null when it is a public unicast address.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return RefusalV4(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "not an IP address";
        if (address.IsIPv4MappedToIPv6) return RefusalV4(address.MapToIPv4());
        // The scope id (fe80::1%eth0) plays no part in which range an address is in.
        var bare = address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes());
        foreach (var (network, reason) in V6)
        {
            if (network.Contains(bare)) return reason;
        }
        var bytes = bare.GetAddressBytes();
        if (Compatible.Contains(bare) || Nat64.Contains(bare)) return RefusalV4(new IPAddress(bytes.AsSpan(12, 4)));
        if (SixToFour.Contains(bare)) return RefusalV4(new IPAddress(bytes.AsSpan(2, 4)));
        return null;
    }

    public static bool IsPublic(IPAddress address) => Refusal(address) is null;

    private static string? RefusalV4(IPAddress address)
    {
        foreach (var (network, reason) in V4)
        {
            if (network.Contains(address)) return reason;
        }
        return null;
    }
}
