using System.Net.Sockets;
using Analytics.Domain;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Analytics.Data.Exports.Delivery;

/// <summary>
/// An e-mail, carrying one export file or (insight notifications) none. <see cref="Attachment"/> must be seekable: each
/// try reads it from the start.
/// </summary>
public sealed record ExportEmail(IReadOnlyList<string> To, string Subject, string Body, string? AttachmentName = null, string? ContentType = null, Stream? Attachment = null);

public enum DeliveryStatus { Sent, Failed }

/// <summary>
/// What really happened to one e-mail: <see cref="DeliveryStatus.Sent"/> only once the server accepted the message
/// (its reply to the end of DATA); anything short of that is <see cref="DeliveryStatus.Failed"/> with the reason.
/// </summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, int Attempts, DateTimeOffset At, string? Error = null, string? ServerReply = null)
{
    public bool Sent => Status == DeliveryStatus.Sent;
}

/// <summary>
/// Sends the product's e-mails over SMTP (MailKit; <c>Analytics:Smtp</c>) — exports, subscriptions and insight
/// notifications — retrying temporary failures with a doubling delay.
/// </summary>
public sealed class ExportMailer(IOptions<SmtpOptions> options, TimeProvider time, ILogger<ExportMailer> logger)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    /// <summary>Recipients as addresses, or a <see cref="ValidationException"/> naming <c>recipients</c>.</summary>
    public static List<MailboxAddress> Recipients(IReadOnlyList<string> to)
    {
        if (to.Count == 0) throw new ValidationException("recipients", "Give at least one recipient.");
        var bad = to.Where(t => !MailboxAddress.TryParse(t, out var m) || !m.Address.Contains('@')).ToList();
        if (bad.Count > 0) throw new ValidationException("recipients", $"Not e-mail addresses: {string.Join(", ", bad)}.");
        return to.Select(MailboxAddress.Parse).ToList();
    }

    public async Task<DeliveryOutcome> SendAsync(ExportEmail email, CancellationToken ct = default)
    {
        var o = options.Value;
        var recipients = Recipients(email.To);
        if (!IsConfigured)
            return new DeliveryOutcome(DeliveryStatus.Failed, 0, time.GetUtcNow(), "E-mail delivery is not configured: set Analytics:Smtp:Host.");
        string? error = null;
        for (var attempt = 1; attempt <= o.MaxAttempts; attempt++)
        {
            if (attempt > 1 && o.RetryDelaySeconds > 0)
                await Task.Delay(TimeSpan.FromSeconds(o.RetryDelaySeconds * Math.Pow(2, attempt - 2)), time, ct);
            try
            {
                var reply = await SendOnceAsync(o, Message(o, email, recipients), ct);
                logger.LogInformation("E-mail {Subject} sent to {Count} recipient(s) on try {Attempt}", email.Subject, recipients.Count, attempt);
                return new DeliveryOutcome(DeliveryStatus.Sent, attempt, time.GetUtcNow(), null, reply);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or TimeoutException
                                          or OperationCanceledException or AuthenticationException or ServiceNotConnectedException or SslHandshakeException)
            {
                error = Describe(e);
                var permanent = e is SmtpCommandException { StatusCode: var code } && (int)code >= 500 || e is AuthenticationException;
                logger.LogWarning("E-mail {Subject}: try {Attempt} of {Max} failed ({Permanent}): {Error}",
                    email.Subject, attempt, o.MaxAttempts, permanent ? "permanent" : "temporary", error);
                if (permanent) return new DeliveryOutcome(DeliveryStatus.Failed, attempt, time.GetUtcNow(), error);
            }
        }
        return new DeliveryOutcome(DeliveryStatus.Failed, o.MaxAttempts, time.GetUtcNow(), error);
    }

    private static async Task<string> SendOnceAsync(SmtpOptions o, MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        var security = o.Tls switch
        {
            SmtpTls.None => SecureSocketOptions.None,
            SmtpTls.Implicit => SecureSocketOptions.SslOnConnect,
            SmtpTls.Auto => SecureSocketOptions.StartTlsWhenAvailable,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(o.Host!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        var reply = await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return reply;
    }

    private static MimeMessage Message(SmtpOptions o, ExportEmail email, List<MailboxAddress> recipients)
    {
        var message = new MimeMessage { Subject = email.Subject };
        message.From.Add(MailboxAddress.Parse(o.From));
        message.To.AddRange(recipients);
        var body = new BodyBuilder { TextBody = email.Body };
        if (email.Attachment is { } attachment)
        {
            attachment.Position = 0;
            body.Attachments.Add(email.AttachmentName ?? "attachment", attachment, ContentType.Parse(email.ContentType ?? "application/octet-stream"));
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Describe(Exception e) => e switch
    {
        SmtpCommandException c => $"The server refused ({(int)c.StatusCode}): {c.Message}",
        SmtpProtocolException p => $"The connection broke off: {p.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}

/// <summary>Renders a document in a format and e-mails it; the outcome says whether it really went.</summary>
public sealed class ExportDelivery(ExportService exports, ExportMailer mailer)
{
    public async Task<DeliveryOutcome> DeliverAsync(Analytics.Domain.Exports.ExportDocument document, string format, IReadOnlyList<string> recipients, CancellationToken ct = default)
    {
        ExportMailer.Recipients(recipients);
        await using var file = await exports.RenderAsync(format, document, ct);
        return await DeliverFileAsync(document, format, file, recipients, ct);
    }

    /// <summary>E-mails an already rendered <paramref name="file"/> of <paramref name="document"/> (e.g. one a subscription also keeps for re-download).</summary>
    public async Task<DeliveryOutcome> DeliverFileAsync(Analytics.Domain.Exports.ExportDocument document, string format, ExportFile file, IReadOnlyList<string> recipients, CancellationToken ct = default)
    {
        ExportMailer.Recipients(recipients);
        var lines = new List<string> { document.Title, "" };
        if (!string.IsNullOrWhiteSpace(document.Description)) lines.AddRange([document.Description, ""]);
        if (document.TimeRange is { } range) lines.Add($"{range.Label}: {range.Value}");
        lines.AddRange(document.Filters.Select(f => $"{f.Label}: {f.Value}"));
        lines.AddRange(["", $"Generated {Analytics.Domain.Exports.ExportFormatter.For(document).FormatStamp(document.GeneratedAt)}. The {format.ToUpperInvariant()} is attached."]);
        var email = new ExportEmail(recipients, $"{document.Title} ({format.ToUpperInvariant()})", string.Join("\n", lines), file.FileName, file.ContentType, file.Content);
        return await mailer.SendAsync(email, ct);
    }
}
