using System.Net;
using System.Net.Sockets;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Csv;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Exports.Xlsx;
using Analytics.Domain;
using Analytics.Domain.Exports;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Analytics.Tests.Exports;

public class ExportDeliveryTests
{
    private static ExportDelivery Delivery(SmtpOptions smtp, out ExportMailer mailer)
    {
        var time = new FixedTimeProvider(new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero));
        var exports = new ExportService([new PdfExportWriter(ExportTestFiles.Pdf()), new XlsxExportWriter(new XlsxExporter()), new CsvExportWriter(new CsvExporter())], time);
        mailer = new ExportMailer(Options.Create(smtp), TimeProvider.System, NullLogger<ExportMailer>.Instance);
        return new ExportDelivery(exports, mailer);
    }

    private static SmtpOptions Smtp(int port, int attempts = 3) => new()
    {
        Host = "127.0.0.1", Port = port, Tls = SmtpTls.None, From = "Analytics <reports@example.com>",
        User = "mailer", Password = "s3cret", MaxAttempts = attempts, RetryDelaySeconds = 0, TimeoutSeconds = 10,
    };

    [Fact]
    public async Task The_export_arrives_as_an_attachment_to_every_recipient()
    {
        await using var server = new FakeSmtpServer();
        var document = SampleExportDocument.Create(widgetCount: 6);
        var outcome = await Delivery(Smtp(server.Port), out _).DeliverAsync(document, "pdf", ["ana@example.com", "Bo <bo@example.com>"]);

        outcome.Status.Should().Be(DeliveryStatus.Sent);
        outcome.Attempts.Should().Be(1);
        outcome.ServerReply.Should().Contain("Queued as fake");
        server.Recipients.Should().BeEquivalentTo("ana@example.com", "bo@example.com");
        server.Logins.Should().ContainSingle().Which.Should().EndWith("mailer|s3cret");

        server.Messages.Should().ContainSingle();
        using var message = MimeMessage.Load(new MemoryStream(server.Messages.Single()));
        message.Subject.Should().Be("Northwind advertising overview (PDF)");
        message.From.Mailboxes.Single().Address.Should().Be("reports@example.com");
        message.TextBody.Should().Contain("Time range: " + document.TimeRange!.Value);
        var attachment = message.Attachments.OfType<MimePart>().Single();
        attachment.FileName.Should().Be("northwind-advertising-overview-2025-07-01.pdf");
        attachment.ContentType.MimeType.Should().Be("application/pdf");
        var path = ExportTestFiles.PathFor("mailed.pdf");
        await using (var file = File.Create(path)) await attachment.Content!.DecodeToAsync(file);
        ExportTestFiles.PdfText(path).Should().Contain(document.Title).And.Contain("Sales and spend by day");
    }

    [Fact]
    public async Task A_message_the_server_rejects_is_failed_and_not_retried()
    {
        await using var server = new FakeSmtpServer();
        server.DataReplies.Enqueue("554 5.7.1 Message rejected as spam");
        var outcome = await Delivery(Smtp(server.Port), out _).DeliverAsync(SampleExportDocument.Create(widgetCount: 2), "csv", ["ana@example.com"]);

        outcome.Status.Should().Be(DeliveryStatus.Failed, "a refused message was never delivered");
        outcome.Sent.Should().BeFalse();
        outcome.Attempts.Should().Be(1, "a permanent refusal is not retried");
        outcome.Error.Should().Contain("554").And.Contain("rejected as spam");
        server.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task A_temporary_failure_or_a_dropped_connection_is_retried_until_it_goes_through()
    {
        await using var server = new FakeSmtpServer();
        server.DataReplies.Enqueue("451 4.3.0 Try again later");
        server.DataReplies.Enqueue(FakeSmtpServer.HangUp);
        var outcome = await Delivery(Smtp(server.Port, attempts: 3), out _).DeliverAsync(SampleExportDocument.Create(widgetCount: 3), "xlsx", ["ana@example.com"]);

        outcome.Status.Should().Be(DeliveryStatus.Sent);
        outcome.Attempts.Should().Be(3);
        server.Messages.Should().ContainSingle("only the accepted try counts");
        using var message = MimeMessage.Load(new MemoryStream(server.Messages.Single()));
        message.Attachments.OfType<MimePart>().Single().ContentType.MimeType.Should().Be(XlsxExporter.ContentType);
    }

    [Fact]
    public async Task An_unreachable_server_fails_after_every_try()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var outcome = await Delivery(Smtp(port, attempts: 2), out _).DeliverAsync(SampleExportDocument.Create(widgetCount: 2), "csv", ["ana@example.com"]);
        outcome.Status.Should().Be(DeliveryStatus.Failed);
        outcome.Attempts.Should().Be(2);
        outcome.Error.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Without_a_server_nothing_is_sent_and_the_setting_is_named()
    {
        var outcome = await Delivery(new SmtpOptions(), out var mailer).DeliverAsync(SampleExportDocument.Create(widgetCount: 2), "csv", ["ana@example.com"]);
        mailer.IsConfigured.Should().BeFalse();
        outcome.Status.Should().Be(DeliveryStatus.Failed);
        outcome.Attempts.Should().Be(0);
        outcome.Error.Should().Contain("Analytics:Smtp:Host");
    }

    [Fact]
    public async Task Bad_recipients_are_a_validation_error_naming_the_field()
    {
        var act = () => Delivery(Smtp(25), out _).DeliverAsync(SampleExportDocument.Create(widgetCount: 2), "csv", ["not an address"]);
        (await act.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("recipients");
    }
}
