using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Demo;
using Analytics.Domain.Insights;
using Analytics.Tests.Chat;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Analytics.Tests.Insights;

/// <summary>
/// Where the detectors reach beyond the feed: per-dashboard weekly summaries, budget opportunities, the chat's
/// "anything unusual?" and the dashboards' KPI cards — each against numbers computed here, or against the scan itself.
/// </summary>
public sealed class InsightReachTests(ITestOutputHelper output)
{
    private static readonly DateOnly LastDay = DateOnly.FromDateTime(FixedTimeProvider.DefaultNow.UtcDateTime).AddDays(-1);

    private static async Task<(AnalyticsTestHost Host, InsightScanner Service, Actor Admin)> StartAsync(bool seedDemo = true)
    {
        var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo, new Dictionary<string, string?> { ["Analytics:Chat:QuestionsPerHour"] = "10000" });
        await host.InitializeAsync();
        return (host, host.Services.GetRequiredService<InsightScanner>(), await host.AdminAsync());
    }

    [Fact]
    public async Task Dashboard_weekly_summary_reads_correctly_against_totals_computed_from_the_generated_facts()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        // The demo dashboard's KPI cards (spend, sales, ROAS, ACOS) over all three instances, summed here from the rows.
        var rows = DemoWorkspace.Instances.SelectMany(i => new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(i, LastDay)).Rows())
            .Select(r => (Campaign: r.Dimensions[0]!, Day: DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(r.Ts).UtcDateTime), Spend: r.Measures[2] ?? 0, Sales: r.Measures[3] ?? 0))
            .ToList();
        bool ThisWeek(DateOnly d) => d > LastDay.AddDays(-7) && d <= LastDay;
        bool LastWeek(DateOnly d) => d > LastDay.AddDays(-14) && d <= LastDay.AddDays(-7);
        var (spend0, spend1) = (rows.Where(r => LastWeek(r.Day)).Sum(r => r.Spend), rows.Where(r => ThisWeek(r.Day)).Sum(r => r.Spend));
        var (sales0, sales1) = (rows.Where(r => LastWeek(r.Day)).Sum(r => r.Sales), rows.Where(r => ThisWeek(r.Day)).Sum(r => r.Sales));
        string Amount(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        string Move(string label, double before, double now) =>
            $"{label} {(now > before ? "up" : "down")} {Math.Round(Math.Abs(now - before) / before * 100).ToString("0", CultureInfo.InvariantCulture)}%";
        string Level(string label, double before, double now, Func<double, string> f) => $"{label} {(now > before ? "up" : "down")} from {f(before)} to {f(now)}";
        var spendMoved = Math.Abs(spend1 / spend0 - 1) >= Math.Abs(sales1 / sales0 - 1);
        var (headline, pick) = spendMoved ? ("spend", (Func<(string Campaign, DateOnly Day, double Spend, double Sales), double>)(r => r.Spend)) : ("sales", r => r.Sales);
        var totalDelta = rows.Where(r => ThisWeek(r.Day)).Sum(pick) - rows.Where(r => LastWeek(r.Day)).Sum(pick);
        var driver = rows.GroupBy(r => r.Campaign)
            .Select(g => (Campaign: g.Key, Delta: g.Where(r => ThisWeek(r.Day)).Sum(pick) - g.Where(r => LastWeek(r.Day)).Sum(pick)))
            .Where(c => Math.Sign(c.Delta) == Math.Sign(totalDelta)).OrderByDescending(c => Math.Abs(c.Delta)).First();

        var result = await service.SummarizeDashboardsAsync(admin, LastDay, CancellationToken.None);
        var again = await service.SummarizeDashboardsAsync(admin, LastDay, CancellationToken.None);

        var stored = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Summary), new PageRequest(50, null), CancellationToken.None)).Items
            .Should().ContainSingle().Subject;
        output.WriteLine(stored.Text);
        result.Created.Should().Be(1);
        again.Should().Be(new InsightRunResult(0, 1, 0));
        stored.DashboardId.Should().Be("demo-performance");
        stored.Instances.Should().BeEquivalentTo(DemoWorkspace.Instances.Select(i => i.SourceId));
        stored.PeriodStart.Should().Be(LastDay.AddDays(-6));
        stored.Text.Should().StartWith($"{Move("Spend", spend0, spend1)} week over week ({Amount(spend0)} → {Amount(spend1)})")
            .And.Contain($"{Move("sales", sales0, sales1)} ({Amount(sales0)} → {Amount(sales1)})")
            .And.Contain(Level("ROAS", sales0 / spend0, sales1 / spend1, v => v.ToString("0.0", CultureInfo.InvariantCulture)))
            .And.Contain(Level("ACOS", spend0 / sales0, spend1 / sales1, v => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"))
            .And.EndWith($"driven by campaign {driver.Campaign} ({headline} {(driver.Delta >= 0 ? "+" : "−")}{Amount(Math.Abs(driver.Delta))}).");

        // It spans three instances: a viewer of one of them does not see it.
        var viewer = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin,
            new CreateUserCommand("one@example.test", "One", "viewer", ["demo-contoso"], "Viewer-Passw0rd!"), CancellationToken.None));
        var one = await host.ActorAsync(viewer.User.Id);
        (await host.Services.GetRequiredService<InsightFeed>().ListAsync(one, new InsightFilter(), new PageRequest(50, null), CancellationToken.None)).Items.Should().BeEmpty();
        await host.Services.GetRequiredService<InsightFeed>().Invoking(s => s.GetAsync(one, stored.Id, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task A_private_dashboards_summary_is_seen_only_by_those_who_may_open_the_dashboard()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;
        var dashboards = host.Services.GetRequiredService<DashboardService>();
        var mine = await dashboards.DuplicateAsync(admin, "demo-performance", "Admin's own performance", CancellationToken.None);
        await service.SummarizeDashboardsAsync(admin, LastDay, CancellationToken.None);
        var summaries = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Summary), new PageRequest(50, null), CancellationToken.None)).Items;
        summaries.Select(i => i.DashboardId).Should().BeEquivalentTo(["demo-performance", mine.Id]);
        var hidden = summaries.Single(i => i.DashboardId == mine.Id);

        // Every instance granted, but the dashboard is not shared with them: its summary (name and numbers) stays hidden.
        var reader = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin,
            new CreateUserCommand("all@example.test", "All", "viewer", DemoWorkspace.Instances.Select(i => i.SourceId).ToList(), "Viewer-Passw0rd!"), CancellationToken.None));
        var actor = await host.ActorAsync(reader.User.Id);
        async Task<IEnumerable<string?>> SeenAsync() =>
            (await host.Services.GetRequiredService<InsightFeed>().ListAsync(actor, new InsightFilter(Type: InsightType.Summary), new PageRequest(50, null), CancellationToken.None)).Items.Select(i => i.DashboardId);
        (await SeenAsync()).Should().Equal("demo-performance");
        await host.Services.GetRequiredService<InsightFeed>().Invoking(s => s.GetAsync(actor, hidden.Id, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        await host.Services.GetRequiredService<InsightFeed>().Invoking(s => s.MarkAsync(actor, hidden.Id, InsightMark.Pin, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();

        await host.Services.GetRequiredService<DashboardSharing>().ShareAsync(admin, mine.Id, new ShareInput(reader.User.Id, null, "view", null), CancellationToken.None);
        (await SeenAsync()).Should().BeEquivalentTo(["demo-performance", mine.Id]);
        (await host.Services.GetRequiredService<InsightFeed>().GetAsync(actor, hidden.Id, CancellationToken.None)).Text.Should().Be(hidden.Text);
    }

    [Fact]
    public async Task Opportunity_scan_names_the_high_return_low_share_campaign_of_constructed_data()
    {
        var (host, service, admin) = await StartAsync(seedDemo: false);
        await using var _ = host;
        var sources = host.Services.GetRequiredService<SourceService>();
        var source = await sources.CreateAsync(admin, new SourceInput("Constructed", "csv", JsonNode.Parse("""
            { "timeColumn": "day", "dimensions": ["campaign"],
              "measures": [{ "name": "spend", "aggregation": "sum" }, { "name": "sales", "aggregation": "sum" }] }
            """)!.AsObject()), CancellationToken.None);
        // 28 days. ROAS: Big 3 and 4 on most of the spend; Gem 10 on 2.8% of it (the opportunity); Tiny 20 on too
        // little spend to mean anything; Heavy 9 on too much spend to be "small"; Lucky returns 15 overall, all of it on one day of 28.
        (string Campaign, double Spend, double Roas)[] daily = [("Big A", 1000, 3), ("Big B", 1000, 4), ("Mid", 800, 3.5), ("Gem", 100, 10), ("Tiny", 5, 20), ("Heavy", 700, 9)];
        var csv = new System.Text.StringBuilder("day,campaign,spend,sales\n");
        var first = LastDay.AddDays(-27);
        for (var d = first; d <= LastDay; d = d.AddDays(1))
        {
            foreach (var (campaign, spend, roas) in daily) csv.Append(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},{campaign},{spend},{spend * roas}\n");
            csv.Append(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},Lucky,20,{(d == LastDay ? 8000 : 20)}\n");
        }
        var uploader = host.Services.GetRequiredService<CsvRowUploader>();
        await uploader.UploadAsync(await uploader.FindTargetAsync(admin, source.Id, CancellationToken.None), csv.ToString(), CancellationToken.None);
        var totalSpend = daily.Sum(c => c.Spend) + 20; // a day
        var average = (28 * daily.Sum(c => c.Spend * c.Roas) + 27 * 20 + 8000) / (28 * totalSpend);

        var result = await service.ScanOpportunitiesAsync(admin, LastDay, days: 28, CancellationToken.None);

        var found = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Opportunity), new PageRequest(50, null), CancellationToken.None)).Items;
        output.WriteLine(string.Join("\n", found.Select(f => f.Text)));
        result.Created.Should().Be(1);
        var gem = found.Should().ContainSingle().Subject;
        gem.Segment.Should().Be("Gem");
        gem.Metric.Should().Be("roas");
        gem.Magnitude.Should().BeApproximately(10 / average - 1, 1e-9);
        gem.Confidence.Should().Be(1, "Gem beat the instance's ROAS on every one of its days");
        gem.Text.Should().StartWith($"Campaign Gem returns 10.0 per $ vs {average.ToString("0.0", CultureInfo.InvariantCulture)} average on " +
            $"{(100.0 / totalSpend).ToString("0.#%", CultureInfo.InvariantCulture)} of spend — consider shifting budget");
        gem.Chart.GetProperty("filters").GetProperty("campaign")[0].GetString().Should().Be("Gem");
    }

    [Fact]
    public void Opportunity_finder_wants_a_consistent_edge_not_one_lucky_day()
    {
        var first = new DateOnly(2026, 1, 1);
        var rows = new List<SegmentDay>();
        for (var d = 0; d < 14; d++)
        {
            var day = first.AddDays(d);
            SegmentDay Row(string c, double spend, double sales) => new(c, day, new Dictionary<string, double> { ["spend"] = spend, ["sales"] = sales });
            rows.AddRange([Row("A", 1000, 3000), Row("B", 1000, 4000), Row("C", 800, 2800)]);
            // Steady: 8 per $ every day. Streaky: ROAS 1 on 12 days and 50 on two — 8 overall as well.
            rows.Add(Row("Steady", 60, 480));
            rows.Add(Row("Streaky", 60, d < 12 ? 60 : 3000));
        }

        var found = new OpportunityFinder().Find(rows);

        found.Select(o => o.Campaign).Should().Equal("Steady");
        found[0].Roas.Should().BeApproximately(8, 1e-9);
        found[0].SpendShare.Should().BeApproximately(60.0 / 2920, 1e-9);
    }

    [Fact]
    public async Task The_chats_anything_unusual_names_the_anomalies_the_scan_stores()
    {
        var (host, service, admin) = await StartAsync();
        await using var _ = host;

        await service.ScanAnomaliesAsync(admin, LastDay, days: 365, CancellationToken.None);
        var reply = await host.Services.GetRequiredService<ChatService>().AskAsync(admin, "Anything unusual in the last 365 days?");

        var stored = (await host.Services.GetRequiredService<InsightFeed>().ListAsync(admin, new InsightFilter(Type: InsightType.Anomaly), new PageRequest(500, null), CancellationToken.None)).Items;
        output.WriteLine(reply.Text);
        stored.Should().NotBeEmpty();
        reply.ToolResults.Select(t => t.Name).Should().Contain("find_anomalies");
        var rows = reply.Visualizations.Single().Rows;
        rows.Select(r => ((string)r[1]!, (string)r[2]!)).Should().BeEquivalentTo(stored.Select(i => (i.Segment, i.PeriodStart.ToString("yyyy-MM-dd"))),
            "the chat and the daily scan use one detector over the same reading of the facts");
        rows.Select(r => (string)r[3]!).Should().Equal(rows.Select(r => stored.Single(i => i.Segment == (string)r[1]! && i.PeriodStart.ToString("yyyy-MM-dd") == (string)r[2]!).Metric),
            "and agree on which metric moved most");
        reply.Text.Should().StartWith($"I found {stored.Count} unusual days");
        foreach (var r in rows.Take(10)) reply.Text.Should().Contain($"{r[2]}, {r[1]}");
    }

    [Fact]
    public async Task A_kpi_card_is_flagged_when_its_latest_day_is_a_seeded_anomaly_and_not_otherwise()
    {
        var (host, _, admin) = await StartAsync();
        await using var _h = host;
        await using var db = await host.DbAsync();
        var anomaly = (await db.SeededAnomalies.Where(a => a.Metric == "spend" || a.Metric == "sales").ToListAsync())
            .Where(a => a.Factor >= 3 || a.Factor <= 1 / 3.0)
            .Where(a => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(a.Ts).UtcDateTime) < LastDay.AddDays(-14))
            .OrderByDescending(a => a.Ts).First();
        var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(anomaly.Ts).UtcDateTime);
        output.WriteLine($"{anomaly.SourceId} {anomaly.Campaign} {day} {anomaly.Metric} ×{anomaly.Factor}");
        var data = host.Services.GetRequiredService<DashboardDataService>();
        var dashboard = await host.Services.GetRequiredService<DashboardService>().GetAsync(admin, "demo-performance", CancellationToken.None);
        var widget = dashboard.Widgets.Single(w => w.Type == "kpi" && w.Config.Query!.Metrics![0] == anomaly.Metric);
        async Task<KpiValue> KpiEndingAsync(DateOnly lastDay)
        {
            var end = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var result = await data.GetAsync(admin, dashboard.Id, new DashboardDataRequest(end.AddDays(-30), end,
                Filters: new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = [anomaly.Campaign] }, WidgetIds: [widget.Id]), CancellationToken.None);
            return result.Widgets.Single().Kpi!;
        }

        var flagged = await KpiEndingAsync(day);
        var weekBefore = await KpiEndingAsync(day.AddDays(-7));
        var weekAfter = await KpiEndingAsync(day.AddDays(7));

        output.WriteLine(flagged.Anomaly);
        flagged.Anomaly.Should().NotBeNull().And.StartWith($"Unusual: {flagged.Label} {(anomaly.Factor > 1 ? "+" : "−")}")
            .And.Contain(day.ToString("ddd d MMM", CultureInfo.InvariantCulture));
        weekBefore.Anomaly.Should().BeNull();
        weekAfter.Anomaly.Should().BeNull("the same weekday a week later is back to normal");
    }
}
