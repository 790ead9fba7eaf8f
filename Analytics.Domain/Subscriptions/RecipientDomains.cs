using System.Net.Mail;

namespace Analytics.Domain.Subscriptions;

/// <summary>
/// Where scheduled deliveries may go: addresses at one of the allowed domains (exact, case-insensitive). The app's
/// settings name the domains; without them, the domains of the app's users' own addresses are allowed, so a
/// dashboard cannot be mailed outside the organisation by default.
/// </summary>
public sealed class RecipientDomains
{
    private readonly HashSet<string> _allowed;

    /// <param name="configured">True when the domains come from settings (they are then named in messages).</param>
    public RecipientDomains(IEnumerable<string> allowed, bool configured)
    {
        _allowed = allowed.Select(Normalize).Where(d => d.Length > 0).ToHashSet(StringComparer.Ordinal);
        Configured = configured;
    }

    public bool Configured { get; }

    public IReadOnlyCollection<string> Allowed => _allowed;

    /// <summary>The domain of an address such as <c>ana@example.com</c> or <c>Ana &lt;ana@example.com&gt;</c>; null when it is not an address.</summary>
    public static string? DomainOf(string recipient) =>
        MailAddress.TryCreate(recipient.Trim(), out var address) ? Normalize(address.Host) : null;

    public bool Allows(string recipient) => DomainOf(recipient) is { } domain && _allowed.Contains(domain);

    /// <summary>
    /// Adds an error keyed <c>recipients[i]</c> (the index in <paramref name="recipients"/> as given) for each address
    /// outside the allowed domains. Addresses that are not addresses at all are left to the address check.
    /// </summary>
    public void Check(IReadOnlyList<string?> recipients, IDictionary<string, string[]> errors)
    {
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i]?.Trim();
            if (string.IsNullOrEmpty(recipient) || DomainOf(recipient) is not { } domain || _allowed.Contains(domain)) continue;
            errors[$"recipients[{i}]"] = [$"{recipient}: deliveries may only go to {Describe()}; {domain} is not one of them."];
        }
    }

    /// <summary>The allowed domains in words, for messages.</summary>
    public string Describe()
    {
        if (_allowed.Count == 0) return "no domain yet (set Analytics:Subscriptions:AllowedRecipientDomains)";
        var list = string.Join(", ", _allowed.Order(StringComparer.Ordinal));
        return Configured
            ? $"the allowed domains ({list}, Analytics:Subscriptions:AllowedRecipientDomains)"
            : $"the domains of this app's users ({list}; an admin can set Analytics:Subscriptions:AllowedRecipientDomains)";
    }

    private static string Normalize(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();
}
