using System.Globalization;
using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Analytics.Tests.Insights;

/// <summary>
/// Insight notifications by e-mail through the SMTP settings the exports use, read back from a real SMTP listener on
/// 127.0.0.1: immediate ones, failures recorded as failed, daily and weekly digests that never repeat an insight.
/// </summary>
public abstract class InsightDeliveryTests : ProviderTests
{
    private const string BaseUrl = "https://analytics.example.test";
    private static readonly DateOnly LastDay = DateOnly.FromDateTime(FixedTimeProvider.DefaultNow.UtcDateTime).AddDays(-1);

    private async Task<(AnalyticsTestHost Host, InsightScanner Service, InsightDeliveryService Deliveries, FakeSmtpServer Smtp)> ArrangeAsync()
    {
        var smtp = new FakeSmtpServer();
        var host = await CreateHostAsync(seedDemo: true, new Dictionary<string, string?>
        {
            ["Analytics:Smtp:Host"] = "127.0.0.1",
            ["Analytics:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Analytics:Smtp:Tls"] = "None",
            ["Analytics:Smtp:RetryDelaySeconds"] = "0",
            ["Analytics:Smtp:MaxAttempts"] = "2",
            ["Analytics:Insights:PublicBaseUrl"] = BaseUrl,
        });
        await host.InitializeAsync();
        return (host, host.Services.GetRequiredService<InsightScanner>(), host.Services.GetRequiredService<InsightDeliveryService>(), smtp);
    }

    private static List<MimeMessage> Read(FakeSmtpServer smtp) => smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m))).ToList();

    private static async Task<Actor> UserAsync(AnalyticsTestHost host, Actor admin, string email, InsightNotificationPreferences preferences)
    {
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin,
            new CreateUserCommand(email, email, "viewer", ["demo-northwind", "demo-contoso", "demo-fabrikam"], "Viewer-Passw0rd!"), CancellationToken.None));
        var actor = await host.ActorAsync(created.User.Id);
        await host.Services.GetRequiredService<UserPreferencesService>().UpdateAsync(actor, new UserPreferences(null, preferences), CancellationToken.None);
        return actor;
    }

    [ProviderFact]
    public async Task Critical_insights_are_emailed_at_once_naming_their_numbers_and_linking_to_their_chart()
    {
        var (host, service, _, smtp) = await ArrangeAsync();
        await using var _h = host;
        await using var _s = smtp;
        var admin = await host.AdminAsync();

        await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);

        await using var db = await host.DbAsync();
        var critical = await db.Insights.Where(i => i.Priority == InsightPriority.Critical).ToListAsync();
        critical.Should().NotBeEmpty();
        var message = Read(smtp).Should().ContainSingle("the admin gets one e-mail for what one scan found").Subject;
        message.To.Mailboxes.Select(m => m.Address).Should().Equal(AnalyticsTestHost.AdminEmail);
        var body = message.TextBody!;
        // The numbers, computed here from the generator's rows, not taken from the insight.
        var demo = DemoAnomalyData.Load();
        foreach (var insight in critical)
        {
            var series = demo.Single(d => d.Demo.SourceId == insight.SourceId).Series[insight.Metric].Single(s => s.Key == insight.Segment);
            var value = series.Values[insight.PeriodStart.DayNumber - series.FirstDay.DayNumber];
            var number = value.ToString(Math.Abs(value) >= 100 ? "#,0" : "#,0.##", CultureInfo.InvariantCulture);
            body.Should().Contain(insight.Text).And.Contain($"in campaign {insight.Segment}: {number} against about")
                .And.Contain($"Chart: {BaseUrl}/insights?id={insight.Id}");
        }
        var deliveries = await db.InsightDeliveries.Where(d => d.Channel == InsightChannel.Email).ToListAsync();
        deliveries.Should().HaveCount(critical.Count).And.OnlyContain(d =>
            d.Status == InsightDeliveryStatus.Sent && d.UserId == admin.UserId && d.Attempts == 1 && d.SentAt != null && d.Error == null);
        deliveries.Select(d => d.MessageId).Distinct().Should().ContainSingle();

        await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);
        (await host.Services.GetRequiredService<InsightDeliveryService>().SendDigestsAsync(CancellationToken.None)).Messages.Should().Be(0);
        smtp.Messages.Should().HaveCount(1, "finding the same insights again sends nothing again");
    }

    [ProviderFact]
    public async Task A_refused_email_is_recorded_as_failed_and_the_digest_run_retries_it_once()
    {
        var (host, service, deliveries, smtp) = await ArrangeAsync();
        await using var _h = host;
        await using var _s = smtp;
        var admin = await host.AdminAsync();
        smtp.DataReplies.Enqueue("550 5.7.1 Relaying denied");

        await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);

        smtp.Messages.Should().BeEmpty();
        await using (var db = await host.DbAsync())
        {
            var failed = await db.InsightDeliveries.Where(d => d.Channel == InsightChannel.Email).ToListAsync();
            failed.Should().NotBeEmpty().And.OnlyContain(d => d.Status == InsightDeliveryStatus.Failed && d.SentAt == null && d.Attempts == 1 && d.Error!.Contains("550"));
            (await db.Notifications.CountAsync(n => n.UserId == admin.UserId)).Should().Be(failed.Count, "the bell is its own channel and got them");
        }
        var mine = await deliveries.ListAsync(admin, 500, CancellationToken.None);
        mine.Where(d => d.Channel == "email").Should().OnlyContain(d => d.Status == "failed");

        var retry = await deliveries.SendDigestsAsync(CancellationToken.None);
        var again = await deliveries.SendDigestsAsync(CancellationToken.None);

        retry.Messages.Should().Be(1);
        again.Messages.Should().Be(0);
        Read(smtp).Should().ContainSingle();
        await using var check = await host.DbAsync();
        (await check.InsightDeliveries.Where(d => d.Channel == InsightChannel.Email).ToListAsync())
            .Should().OnlyContain(d => d.Status == InsightDeliveryStatus.Sent && d.Attempts == 2 && d.Error == null);
    }

    [ProviderFact]
    public async Task Daily_and_weekly_digests_list_each_insight_once_since_the_last_digest()
    {
        var (host, service, deliveries, smtp) = await ArrangeAsync();
        await using var _h = host;
        await using var _s = smtp;
        var admin = await host.AdminAsync();
        InsightNotificationPreferences Digest(string frequency) => new()
        {
            Frequency = InsightFrequency.Off,
            Email = new InsightChannelPreferences { Types = [InsightType.Summary], MinPriority = InsightPriority.Low, Frequency = frequency },
        };
        await UserAsync(host, admin, "daily@example.test", Digest(InsightFrequency.Daily));
        await UserAsync(host, admin, "weekly@example.test", Digest(InsightFrequency.Weekly));

        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        smtp.Messages.Should().BeEmpty("digest users wait for the digest; summaries are below the admin's critical bar");

        // Sunday 15 March: the daily digest goes, the weekly one waits for Monday.
        (await deliveries.SendDigestsAsync(CancellationToken.None)).Messages.Should().Be(1);
        await using var db = await host.DbAsync();
        var firstWeek = await db.Insights.Where(i => i.Type == InsightType.Summary).Select(i => i.Id).ToListAsync();
        firstWeek.Should().HaveCount(3);
        var daily1 = Read(smtp).Single();
        daily1.To.Mailboxes.Single().Address.Should().Be("daily@example.test");
        daily1.Subject.Should().Be("Your daily insights digest: 3 new insights");
        firstWeek.Should().OnlyContain(id => daily1.TextBody!.Contains($"{BaseUrl}/insights?id={id}"));

        await service.SummarizeWeekAsync(admin, LastDay.AddDays(-7), CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromDays(1)); // Monday
        (await deliveries.SendDigestsAsync(CancellationToken.None)).Messages.Should().Be(2);
        (await deliveries.SendDigestsAsync(CancellationToken.None)).Messages.Should().Be(0, "nothing is left to send");

        var messages = Read(smtp);
        messages.Should().HaveCount(3);
        var daily2 = messages.Skip(1).Single(m => m.To.Mailboxes.Single().Address == "daily@example.test");
        var weekly = messages.Single(m => m.To.Mailboxes.Single().Address == "weekly@example.test");
        var secondWeek = await db.Insights.Where(i => i.Type == InsightType.Summary && !firstWeek.Contains(i.Id)).Select(i => i.Id).ToListAsync();
        secondWeek.Should().HaveCount(3);
        secondWeek.Should().OnlyContain(id => daily2.TextBody!.Contains(id));
        firstWeek.Should().NotContain(id => daily2.TextBody!.Contains(id), "an insight is in one digest only");
        weekly.Subject.Should().Be("Your weekly insights digest: 6 new insights");
        firstWeek.Concat(secondWeek).Should().OnlyContain(id => weekly.TextBody!.Contains(id));
        (await db.InsightDeliveries.CountAsync(d => d.Status == InsightDeliveryStatus.Sent && d.Channel == InsightChannel.Email)).Should().Be(12);
        (await db.Notifications.CountAsync(n => n.Category == "insight")).Should().Be(0, "their bell is off and the summaries are not critical");
    }

    [ProviderFact]
    public async Task Queued_digest_items_of_a_channel_turned_off_are_skipped_not_sent()
    {
        var (host, service, deliveries, smtp) = await ArrangeAsync();
        await using var _h = host;
        await using var _s = smtp;
        var admin = await host.AdminAsync();
        var user = await UserAsync(host, admin, "changes@example.test", new InsightNotificationPreferences
        {
            Types = [InsightType.Summary], MinPriority = InsightPriority.Low, Frequency = InsightFrequency.Daily,
            Email = new InsightChannelPreferences { Types = [InsightType.Summary], MinPriority = InsightPriority.Low, Frequency = InsightFrequency.Daily },
        });
        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        await host.Services.GetRequiredService<UserPreferencesService>().UpdateAsync(user, new UserPreferences(null, new InsightNotificationPreferences
        {
            Types = [InsightType.Summary], MinPriority = InsightPriority.Low, Frequency = InsightFrequency.Daily,
            Email = new InsightChannelPreferences { Frequency = InsightFrequency.Off },
        }), CancellationToken.None);

        var result = await deliveries.SendDigestsAsync(CancellationToken.None);

        result.Skipped.Should().Be(3);
        smtp.Messages.Should().BeEmpty();
        await using var db = await host.DbAsync();
        var bell = await db.Notifications.Where(n => n.UserId == user.UserId).ToListAsync();
        bell.Should().ContainSingle("the in-app daily digest is one notification").Which.Title.Should().Be("3 new insights (daily digest)");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteInsightDeliveryTests : InsightDeliveryTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresInsightDeliveryTests : InsightDeliveryTests;
