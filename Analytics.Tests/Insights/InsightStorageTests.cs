using Analytics.Data;
using Analytics.Data.Insights;
using Analytics.Domain;
using Analytics.Domain.Insights;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Insights;

/// <summary>Insight storage and the feed's filters on each provider (the migration, DateOnly periods, enum filters, paging).</summary>
public abstract class InsightStorageTests : ProviderTests
{
    private static readonly DateOnly LastDay = DateOnly.FromDateTime(FixedTimeProvider.DefaultNow.UtcDateTime).AddDays(-1);

    [ProviderFact]
    public async Task Scans_store_once_per_key_and_the_feed_filters_by_type_instance_priority_and_time()
    {
        await using var host = await CreateHostAsync(seedDemo: true);
        await host.InitializeAsync();
        var service = host.Services.GetRequiredService<InsightScanner>();
        var admin = await host.AdminAsync();

        var anomalies = await service.ScanAnomaliesAsync(admin, LastDay, days: 400, CancellationToken.None);
        await service.SummarizeWeekAsync(admin, LastDay, CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromHours(1));
        var rescan = await service.ScanAnomaliesAsync(admin, LastDay, days: 400, CancellationToken.None);

        anomalies.Created.Should().BeGreaterThan(0);
        rescan.Should().Be(new InsightRunResult(0, anomalies.Created, 0));
        await using (var db = await host.DbAsync())
        {
            (await db.Insights.CountAsync()).Should().Be(anomalies.Created + 3);
            (await db.Insights.Select(i => i.Key).Distinct().CountAsync()).Should().Be(anomalies.Created + 3);
        }

        async Task<IReadOnlyList<InsightView>> List(InsightFilter filter) =>
            (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, filter, new PageRequest(PageRequest.MaxLimit, null), CancellationToken.None)).Items;

        (await List(new InsightFilter(Type: InsightType.Summary))).Should().HaveCount(3).And.OnlyContain(i => i.PeriodEnd == LastDay && i.PeriodStart == LastDay.AddDays(-6));
        (await List(new InsightFilter(Type: InsightType.Anomaly, SourceId: "demo-contoso"))).Should().NotBeEmpty().And.OnlyContain(i => i.SourceId == "demo-contoso" && i.Type == "anomaly");
        (await List(new InsightFilter(MinPriority: InsightPriority.Critical))).Should().NotBeEmpty().And.OnlyContain(i => i.Priority == "critical");
        (await List(new InsightFilter(Since: FixedTimeProvider.DefaultNow.AddMinutes(30)))).Should().HaveCount(anomalies.Created, "re-found anomalies were updated an hour later; the summaries were not");

        var page1 = await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(), new PageRequest(5, null), CancellationToken.None);
        var page2 = await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(), new PageRequest(5, page1.NextAfter), CancellationToken.None);
        page2.Items.Select(i => i.Id).Should().NotIntersectWith(page1.Items.Select(i => i.Id));
        page1.Items.Concat(page2.Items).Select(i => i.Id).Should().BeInDescendingOrder(StringComparer.Ordinal);

        var pinned = await host.Services.GetRequiredService<InsightFeed>().MarkAsync(admin, page2.Items[0].Id, InsightMark.Pin, CancellationToken.None);
        (await List(new InsightFilter(PinnedOnly: true))).Select(i => i.Id).Should().Equal(pinned.Id);
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteInsightStorageTests : InsightStorageTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresInsightStorageTests : InsightStorageTests;
