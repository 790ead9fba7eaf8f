using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Exports;
using Analytics.Tests.Web;
using MimeKit;

namespace Analytics.Tests.Subscriptions;

/// <summary><c>POST /dashboards/{id}/email</c> ("e-mail this now") and the export's page options over HTTP, against a fake SMTP server.</summary>
public sealed class DashboardEmailApiTests(SubscriptionsWebFactory factory) : IClassFixture<SubscriptionsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    [Fact]
    public async Task A_bad_page_size_an_outside_recipient_and_an_unknown_format_are_each_named_and_nothing_is_sent_or_recorded()
    {
        var before = factory.Smtp.Messages.Count;
        var exportsBefore = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/exports?limit=100"))!["items"]!.AsArray().Count;
        var response = await Admin.PostAsJsonAsync("/api/v1/dashboards/demo-performance/email",
            new { recipients = new[] { "ana@example.com", "eve@elsewhere.org" }, format = "docx", page = "a3", orientation = "sideways" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo("recipients[1]", "format", "page", "orientation");
        errors["page"]![0]!.GetValue<string>().Should().Be("One of a4, letter, not 'a3'.");
        factory.Smtp.Messages.Count.Should().Be(before);
        (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/exports?limit=100"))!["items"]!.AsArray().Should().HaveCount(exportsBefore);

        var download = await Admin.GetAsync("/api/v1/dashboards/demo-performance/export?format=pdf&page=tabloid");
        download.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await download.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("page");
    }

    [Fact]
    public async Task E_mail_now_sends_the_chosen_page_and_summary_and_records_it_with_its_recipients()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/dashboards/demo-performance/email",
            new { recipients = new[] { "cy@example.com" }, format = "pdf", page = "letter", orientation = "portrait", summary = true, preset = "last7days" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        result["sent"]!.GetValue<bool>().Should().BeTrue();
        var exportId = result["exportId"]!.GetValue<string>();

        var message = factory.Smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m))).Single(m => m.To.Mailboxes.Any(b => b.Address == "cy@example.com"));
        var path = ExportTestFiles.PathFor("email-now-letter-portrait-summary.pdf");
        await using (var file = File.Create(path)) await message.Attachments.OfType<MimePart>().Single().Content!.DecodeToAsync(file);
        ExportTestFiles.PageSize(path).Should().Be((612.0, 792.0));
        ExportTestFiles.PdfText(path).Split('\f')[0].Should().Contain("Executive summary");

        var record = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/exports?limit=100"))!["items"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == exportId)!;
        record["trigger"]!.GetValue<string>().Should().Be("email");
        record["outcome"]!.GetValue<string>().Should().Be("ok");
        record["parameters"]!["recipients"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("cy@example.com");
        record["parameters"]!["page"]!.GetValue<string>().Should().Be("letter");
        record["parameters"]!["summary"]!.GetValue<bool>().Should().BeTrue();
    }
}
