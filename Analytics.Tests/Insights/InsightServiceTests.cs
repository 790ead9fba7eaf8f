using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Demo;
using Analytics.Domain.Insights;
using Analytics.Domain.Metrics;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Analytics.Tests.Insights;

public sealed class InsightServiceTests(ITestOutputHelper output)
{
    private static readonly DateOnly LastDay = DateOnly.FromDateTime(FixedTimeProvider.DefaultNow.UtcDateTime).AddDays(-1);

    private static async Task<(AnalyticsTestHost Host, InsightScanner Service, Actor Admin)> StartAsync()
    {
        var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true);
        await host.InitializeAsync();
        return (host, host.Services.GetRequiredService<InsightScanner>(), await host.AdminAsync());
    }

    private static async Task<Actor> ViewerOfAsync(AnalyticsTestHost host, Actor admin, string email, params string[] instances)
    {
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(admin, new CreateUserCommand(email, email, "viewer", instances, "Viewer-Passw0rd!"), CancellationToken.None));
        return await host.ActorAsync(created.User.Id);
    }

    [Fact]
    public async Task Anomaly_scan_stores_the_seeded_anomalies_once_and_notifies_critical_ones()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;

        var first = await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);
        var again = await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);

        await using var db = await host.DbAsync();
        var insights = await db.Insights.Where(i => i.Type == InsightType.Anomaly).ToListAsync();
        var seeded = (await db.SeededAnomalies.ToListAsync())
            .Select(a => (a.SourceId, a.Campaign, Day: DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(a.Ts).UtcDateTime), a.Metric))
            .Where(a => a.Day > LastDay.AddDays(-600))
            .ToList();
        var hits = insights.Count(i => seeded.Any(a => a.SourceId == i.SourceId && a.Campaign == i.Segment && a.Day == i.PeriodStart));
        var recalled = seeded.Count(a => insights.Any(i => i.SourceId == a.SourceId && i.Segment == a.Campaign && i.PeriodStart == a.Day));
        output.WriteLine($"Stored {insights.Count} anomaly insights; {hits} on seeded anomalies; recalled {recalled} of {seeded.Count}");
        foreach (var i in insights.OrderBy(i => i.PeriodStart)) output.WriteLine($"{i.Priority,-8} {i.Text}");

        seeded.Should().NotBeEmpty();
        ((double)recalled / seeded.Count).Should().BeGreaterThanOrEqualTo(0.9);
        ((double)hits / insights.Count).Should().BeGreaterThanOrEqualTo(0.8);
        first.Created.Should().Be(insights.Count);
        again.Created.Should().Be(0, "a second scan of the same days updates what the first one stored");
        again.Updated.Should().Be(insights.Count);
        insights.Should().OnlyContain(i => i.Text.Contains(i.Segment) && i.ChartQuery.Contains("\"granularity\":\"day\""));

        var critical = insights.Count(i => i.Priority == InsightPriority.Critical);
        critical.Should().BeGreaterThan(0);
        first.Notified.Should().Be(critical, "each new critical insight notifies the one admin");
        (await db.Notifications.CountAsync(n => n.UserId == admin.UserId && n.Category == "insight")).Should().Be(critical);
    }

    [Fact]
    public async Task Scans_and_feed_only_reach_instances_the_actor_can_read()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var viewer = await ViewerOfAsync(host, admin, "viewer@example.test", "demo-northwind");

        await service.ScanAnomaliesAsync(viewer, LastDay, days: 600, CancellationToken.None);
        await using (var db = await host.DbAsync())
        {
            (await db.Insights.Select(i => i.SourceId).Distinct().ToListAsync()).Should().Equal("demo-northwind");
        }

        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        var seen = await host.Services.GetRequiredService<InsightFeed>().ListAsync(viewer, new InsightFilter(), new PageRequest(500, null), CancellationToken.None);
        var all = await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(), new PageRequest(500, null), CancellationToken.None);

        seen.Items.Should().NotBeEmpty().And.OnlyContain(i => i.SourceId == "demo-northwind");
        all.Items.Select(i => i.SourceId).Distinct().Should().HaveCount(3);
        var hidden = all.Items.First(i => i.SourceId != "demo-northwind");
        await host.Services.GetRequiredService<InsightFeed>().Invoking(s => s.GetAsync(viewer, hidden.Id, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        await host.Services.GetRequiredService<InsightFeed>().Invoking(s => s.MarkAsync(viewer, hidden.Id, InsightMark.Pin, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Read_dismiss_and_pin_are_per_user_and_filter_the_feed()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var viewer = await ViewerOfAsync(host, admin, "viewer@example.test", "demo-northwind", "demo-contoso", "demo-fabrikam");
        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        var summaries = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Summary), new PageRequest(50, null), CancellationToken.None)).Items;
        summaries.Should().HaveCount(3);
        var (a, b) = (summaries[0], summaries[1]);

        await host.Services.GetRequiredService<InsightFeed>().MarkAsync(viewer, a.Id, InsightMark.Dismiss, CancellationToken.None);
        var pinned = await host.Services.GetRequiredService<InsightFeed>().MarkAsync(viewer, b.Id, InsightMark.Pin, CancellationToken.None);
        await host.Services.GetRequiredService<InsightFeed>().MarkAsync(viewer, b.Id, InsightMark.Read, CancellationToken.None);

        pinned.Pinned.Should().BeTrue();
        var viewerFeed = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(viewer, new InsightFilter(), new PageRequest(50, null), CancellationToken.None)).Items;
        viewerFeed.Select(i => i.Id).Should().NotContain(a.Id).And.Contain(b.Id);
        viewerFeed.Single(i => i.Id == b.Id).Should().Match<InsightView>(i => i.Read && i.Pinned && !i.Dismissed);
        (await host.Services.GetRequiredService<InsightFeed>().ListAsync(viewer, new InsightFilter(PinnedOnly: true), new PageRequest(50, null), CancellationToken.None)).Items.Select(i => i.Id).Should().Equal(b.Id);
        (await host.Services.GetRequiredService<InsightFeed>().ListAsync(viewer, new InsightFilter(IncludeDismissed: true), new PageRequest(50, null), CancellationToken.None)).Items.Should().Contain(i => i.Id == a.Id && i.Dismissed);
        var adminFeed = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(), new PageRequest(50, null), CancellationToken.None)).Items;
        adminFeed.Should().Contain(i => i.Id == a.Id).And.OnlyContain(i => !i.Read && !i.Pinned, "marks belong to the user who made them");
    }

    [Fact]
    public async Task Weekly_summary_reads_the_seeded_facts_like_the_generator_rows()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var instance = DemoWorkspace.Instances[1];
        var rows = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(instance, LastDay)).Rows()
            .Select(r => new SegmentDay(r.Dimensions[0]!, DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(r.Ts).UtcDateTime),
                DemoWorkspace.Measures().ToDictionary(m => m.Name, m => r.Measures[m.Slot - 1] ?? 0)));
        var expected = WeeklySummaryBuilder.Build(rows, LastDay);

        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        var second = await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);

        var stored = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Summary, SourceId: instance.SourceId), new PageRequest(50, null), CancellationToken.None)).Items;
        output.WriteLine(stored.Single().Text);
        stored.Single().Text.Should().Be(expected.Text);
        stored.Single().PeriodStart.Should().Be(LastDay.AddDays(-6));
        second.Should().Be(new InsightRunResult(0, 3, 0));
    }

    [Fact]
    public async Task Each_user_is_notified_only_of_the_insight_types_and_priorities_they_chose()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var preferences = host.Services.GetRequiredService<Analytics.Data.Identity.UserPreferencesService>();
        var quiet = await ViewerOfAsync(host, admin, "quiet@example.test", "demo-northwind");
        var keen = await ViewerOfAsync(host, admin, "keen@example.test", "demo-northwind");
        var summariesOnly = await ViewerOfAsync(host, admin, "summaries@example.test", "demo-northwind");
        await preferences.UpdateAsync(quiet, new(null, new InsightNotificationPreferences { Frequency = "off" }), CancellationToken.None);
        await preferences.UpdateAsync(keen, new(null, new InsightNotificationPreferences { MinPriority = InsightPriority.Low }), CancellationToken.None);
        await preferences.UpdateAsync(summariesOnly, new(null, new InsightNotificationPreferences { Types = [InsightType.Summary], MinPriority = InsightPriority.Low }), CancellationToken.None);
        (await preferences.GetAsync(keen, CancellationToken.None)).Insights!.MinPriority.Should().Be(InsightPriority.Low);
        var bad = () => preferences.UpdateAsync(keen, new(null, new InsightNotificationPreferences { Frequency = "hourly" }), CancellationToken.None);
        (await bad.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Contain("insights.frequency");

        await service.ScanAnomaliesAsync(admin, LastDay, days: 600, CancellationToken.None);
        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);

        await using var db = await host.DbAsync();
        var northwind = await db.Insights.Where(i => i.SourceId == "demo-northwind").ToListAsync();
        async Task<int> Count(Actor user) => await db.Notifications.CountAsync(n => n.UserId == user.UserId && n.Category == "insight");
        (await Count(quiet)).Should().Be(0, "notifications off");
        (await Count(keen)).Should().Be(northwind.Count, "every type, every priority");
        (await Count(summariesOnly)).Should().Be(northwind.Count(i => i.Type == InsightType.Summary));
        (await Count(admin)).Should().Be(await db.Insights.CountAsync(i => i.Priority == InsightPriority.Critical), "the default: critical only");
    }

    [Fact]
    public async Task New_critical_insights_are_posted_to_the_configured_webhook()
    {
        await using var webhook = await Analytics.Tests.Infrastructure.FakeWebhookServer.StartAsync();
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true,
            settings: Analytics.Tests.Infrastructure.LocalFakes.With(new Dictionary<string, string?> { ["Analytics:Insights:WebhookUrl"] = webhook.Url.ToString() }));
        await host.InitializeAsync();
        var service = host.Services.GetRequiredService<InsightScanner>();

        await service.ScanAnomaliesAsync(await host.AdminAsync(), LastDay, days: 600, CancellationToken.None);

        await using var db = await host.DbAsync();
        var critical = await db.Insights.Where(i => i.Priority == InsightPriority.Critical).Select(i => i.Id).ToListAsync();
        critical.Should().NotBeEmpty();
        var posted = webhook.Received.Select(b => System.Text.Json.Nodes.JsonNode.Parse(b)!).ToList();
        posted.Select(p => p["id"]!.GetValue<string>()).Should().BeEquivalentTo(critical);
        posted.Should().OnlyContain(p => p["priority"]!.GetValue<string>() == "critical" && p["link"]!.GetValue<string>().StartsWith("/insights?id="));
    }

    [Fact]
    public async Task Monthly_review_compares_the_month_with_the_one_before_from_the_stored_facts()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var instance = DemoWorkspace.Instances[0];
        var month = new DateOnly(LastDay.Year, LastDay.Month, 1).AddMonths(-1);
        var rows = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(instance, LastDay)).Rows()
            .Select(r => (Day: DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(r.Ts).UtcDateTime), Spend: r.Measures[2] ?? 0, Sales: r.Measures[3] ?? 0))
            .ToList();
        double Total(DateOnly from, Func<(DateOnly Day, double Spend, double Sales), double> pick) =>
            rows.Where(r => r.Day >= from && r.Day < from.AddMonths(1)).Sum(pick);
        var (spendBefore, spendNow) = (Total(month.AddMonths(-1), r => r.Spend), Total(month, r => r.Spend));
        var (salesNow, roasNow) = (Total(month, r => r.Sales), Total(month, r => r.Sales) / spendNow);

        await service.SummarizeMonthAsync(admin, month, CancellationToken.None);

        var stored = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Summary, SourceId: instance.SourceId), new PageRequest(50, null), CancellationToken.None)).Items.Single();
        output.WriteLine(stored.Text);
        stored.PeriodStart.Should().Be(month);
        stored.PeriodEnd.Should().Be(month.AddMonths(1).AddDays(-1));
        stored.Text.Should().Contain("month over month")
            .And.Contain($"({MetricFormat.Approximate(spendBefore, "integer")} → {MetricFormat.Approximate(spendNow, "integer")})")
            .And.Contain(MetricFormat.Approximate(salesNow, "integer"))
            .And.Contain($"to {MetricFormat.Approximate(roasNow, "ratio")}", "ROAS of the month is its sales over its spend");
    }

    [Fact]
    public async Task Trend_scan_finds_significant_weekly_trends_with_their_test()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;

        var result = await service.ScanTrendsAsync(admin, LastDay, weeks: 12, CancellationToken.None);

        var trends = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Trend), new PageRequest(500, null), CancellationToken.None)).Items;
        foreach (var t in trends) output.WriteLine(t.Text);
        result.Created.Should().Be(trends.Count);
        trends.Should().OnlyContain(t => t.Confidence >= 0.95 && Math.Abs(t.Magnitude) >= 0.10 && t.Text.Contains("Mann–Kendall p "));
    }
}
