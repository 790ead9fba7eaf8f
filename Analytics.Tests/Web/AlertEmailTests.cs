using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Alerts;
using Analytics.Data.Operational;
using Analytics.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Analytics.Tests.Web;

/// <summary>E-mail as an alert channel, read back from the SMTP listener on 127.0.0.1: recipients checked like subscriptions'.</summary>
public sealed class AlertEmailTests(SubscriptionsWebFactory factory) : IClassFixture<SubscriptionsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private async Task WritePointAsync(string metric, DateTimeOffset at, double value) =>
        await factory.Services.GetRequiredService<OperationalMetricsWriter>().WriteAsync(
            [new OperationalPoint(metric, new Dictionary<string, string>(), at.ToUnixTimeMilliseconds(), value)], default);

    private object Rule(string metric, params string[] recipients) => new
    {
        name = "Queue backlog", metric, kind = "operational", aggregation = "max",
        condition = new { op = "gt", threshold = 10, window = "15m" },
        channels = new object[] { new { type = "inapp" }, new { type = "email", recipients } },
    };

    [Fact]
    public async Task An_email_channel_mails_the_firing_and_the_resolving_and_refuses_recipients_outside_the_allowed_domains_by_field()
    {
        var metric = $"test.queue.{Guid.NewGuid():N}";
        const string domain = "example.com"; // the test apps allow example.com (Analytics:Subscriptions:AllowedRecipientDomains)
        var refused = await Admin.PostAsJsonAsync("/api/v1/alerts", Rule(metric, $"ops@{domain}", "someone@elsewhere.test"));
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Equal("channels[1].recipients[1]");
        errors["channels[1].recipients[1]"]![0]!.GetValue<string>().Should().Contain("elsewhere.test");
        var empty = await Admin.PostAsJsonAsync("/api/v1/alerts", Rule(metric));
        (await empty.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("channels[1].recipients");
        var garbled = await Admin.PostAsJsonAsync("/api/v1/alerts", Rule(metric, "not an address"));
        (await garbled.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain("channels[1].recipients");
        (await Admin.GetFromJsonAsync<JsonArray>("/api/v1/alerts"))!.Should().NotContain(r => r!["metric"]!.GetValue<string>() == metric, "nothing refused was saved");

        var created = await Admin.PostAsJsonAsync("/api/v1/alerts", Rule(metric, $"ops@{domain}"));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var evaluator = factory.Services.GetRequiredService<AlertEvaluationService>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);

        await WritePointAsync(metric, at, 42);
        await evaluator.EvaluateAllAsync(default);
        var fired = factory.Smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m))).Where(m => m.Subject?.Contains("Queue backlog") == true).ToList();
        fired.Should().ContainSingle().Which.Subject.Should().Be("Alert: Queue backlog");
        fired[0].To.Mailboxes.Select(m => m.Address).Should().Equal($"ops@{domain}");
        fired[0].TextBody.Should().Contain("42").And.Contain("/alerts");

        await WritePointAsync(metric, at, 1);
        await evaluator.EvaluateAllAsync(default);
        factory.Smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m)).Subject).Should().Contain("Resolved: Queue backlog");
        var events = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/events?ruleId={id}"))!["items"]!.AsArray();
        events.Select(e => e!["delivery"]!.GetValue<string>()).Should().AllSatisfy(d => d.Should().Contain("inapp: ok").And.Contain("email: sent to 1"));
    }
}

/// <summary>The rule form's e-mail field: addresses become the e-mail channel, and the service's errors land under it.</summary>
public sealed class AlertRuleFormEmailTests
{
    [Fact]
    public void Addresses_become_an_email_channel_after_the_webhook_and_its_errors_are_found_by_that_index()
    {
        var form = new Analytics.Web.Components.Pages.Alerts.AlertRuleForm { EmailRecipients = " ops@example.com; lead@example.com ,", WebhookUrl = "https://hooks.example.com/x" };
        var channels = form.ToInput().Channels!;
        channels.Select(c => c.Type).Should().Equal("inapp", "webhook", "email");
        channels[2].Recipients.Should().Equal("ops@example.com", "lead@example.com");
        form.EmailChannelIndex.Should().Be(2);
        var errors = new Dictionary<string, string[]> { ["channels[2].recipients[1]"] = ["lead@example.com: not allowed"], ["channels[1].url"] = ["bad"] };
        form.EmailErrors(errors).Should().Equal("lead@example.com: not allowed");

        form.WebhookUrl = "";
        form.ToInput().Channels!.Select(c => c.Type).Should().Equal("inapp", "email");
        form.EmailChannelIndex.Should().Be(1);
        new Analytics.Web.Components.Pages.Alerts.AlertRuleForm().ToInput().Channels!.Select(c => c.Type).Should().Equal("inapp");
    }
}
