using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Exports.Delivery;

public enum SmtpTls
{
    /// <summary>Plain text (a relay on localhost or a test server).</summary>
    None,
    /// <summary>Upgrade with STARTTLS, required (port 587).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit,
    /// <summary>STARTTLS when the server offers it.</summary>
    Auto,
}

/// <summary><c>Analytics:Smtp</c>: the server that delivers exports by e-mail. Without a host, e-mail delivery is off.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Analytics:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>The sender, e.g. <c>Analytics &lt;reports@example.com&gt;</c>.</summary>
    [Required]
    public string From { get; set; } = "Analytics <analytics@localhost>";

    public string? User { get; set; }
    public string? Password { get; set; }
    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Tries per message; a temporary failure (4xx, dropped connection, timeout) is retried, a permanent one (5xx) is not.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second try; doubled for each try after it.</summary>
    [Range(0, 3600)]
    public double RetryDelaySeconds { get; set; } = 5;
}
