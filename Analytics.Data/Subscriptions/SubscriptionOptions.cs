using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Subscriptions;

/// <summary><c>Analytics:Subscriptions</c>: scheduled dashboard deliveries.</summary>
public sealed class SubscriptionOptions : IValidatableObject
{
    public const string Section = "Analytics:Subscriptions";

    /// <summary>Domains recipients may be at (e.g. <c>example.com</c>). Empty = the domains of the app's users' own e-mail addresses.</summary>
    public string[] AllowedRecipientDomains { get; set; } = [];

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var bad = AllowedRecipientDomains.Where(d => string.IsNullOrWhiteSpace(d) || d.Contains('@') || d.Any(char.IsWhiteSpace) || !d.Contains('.')).ToList();
        if (bad.Count > 0)
            yield return new ValidationResult($"Analytics:Subscriptions:AllowedRecipientDomains holds entries that are not domain names ({string.Join(", ", bad.Select(b => $"'{b}'"))}); give bare domains such as example.com.");
    }

    /// <summary>Delivered files up to this size are kept in the database for re-download; larger ones keep only their metadata.</summary>
    [Range(0, 200L * 1024 * 1024)]
    public long MaxStoredFileBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>A run still <c>running</c> after this long belongs to a process that died: it is marked failed (never re-sent).</summary>
    [Range(1, 1440)]
    public double StaleRunMinutes { get; set; } = 30;
}
