namespace Analytics.Data.Outbound;

/// <summary><c>Analytics:Outbound</c>: where requests to user-set URLs (alert and insight webhooks, AMC) may go.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Analytics:Outbound";

    /// <summary>
    /// Hosts exempt from the address check, exactly as written in the URL (a name such as <c>hooks.internal</c>, or an IP
    /// literal such as <c>127.0.0.1</c>); a listed name may resolve to any address. Empty (the default): no exceptions,
    /// every request goes to public addresses only. Tests list 127.0.0.1 for their local fakes.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Whether a setting names something that can be compared with a URL's host (no scheme, path, port or spaces).</summary>
    public static bool IsHostEntry(string? entry) =>
        !string.IsNullOrWhiteSpace(entry) && entry.IndexOfAny([' ', '/', '\\', '@', '?', '#']) < 0 && !entry.Contains("://", StringComparison.Ordinal);
}
