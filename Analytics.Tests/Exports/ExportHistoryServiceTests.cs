using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Exports;

/// <summary>
/// The export history's service on each provider (its own migration per provider): recording, the absolute range kept
/// for a preset, filters and paging, and retention by <c>Analytics:Exports:HistoryDays</c> under a moving clock.
/// </summary>
public sealed class ExportHistoryServiceTests
{
    [Fact]
    public Task Records_list_page_and_expire_on_sqlite() => RecordsListPageAndExpire(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Records_list_page_and_expire_on_postgres() => RecordsListPageAndExpire(DatabaseProvider.Postgres);

    private static async Task RecordsListPageAndExpire(DatabaseProvider provider)
    {
        await using var host = await AnalyticsTestHost.CreateAsync(provider, settings: new Dictionary<string, string?> { ["Analytics:Exports:HistoryDays"] = "30" });
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var dashboards = host.Services.GetRequiredService<DashboardService>();
        var exports = host.Services.GetRequiredService<DashboardExportService>();
        var history = host.Services.GetRequiredService<ExportHistoryService>();
        var dashboard = await dashboards.CreateAsync(admin, new DashboardDefinition
        {
            Name = "History on " + provider,
            Filters = [new DashboardFilter("time", Preset: "last7days"), new DashboardFilter("campaign", Values: ["Brand"])],
            Widgets =
            [
                new WidgetDefinition { Id = "t1", Type = "table", Position = new WidgetPosition(0, 0, 6, 4), Config = new WidgetConfig { Title = "Spend table", Query = new SemanticQuery { Metrics = ["spend"], GroupBy = ["campaign"] } } },
                new WidgetDefinition { Id = "n1", Type = "text", Position = new WidgetPosition(6, 0, 6, 4), Config = new WidgetConfig { Title = "Notes" } },
            ],
        }, default);

        long streamed;
        await using (var file = await exports.ExportAsync(admin, dashboard.Id, new DashboardExportRequest("csv", new DashboardDataRequest(), "t1"), default))
        {
            using var sink = new MemoryStream();
            await file.Content.CopyToAsync(sink);
            streamed = sink.Length;
        }
        var act = () => exports.ExportAsync(admin, dashboard.Id, new DashboardExportRequest("xlsx", new DashboardDataRequest(), "gone"), default);
        await act.Should().ThrowAsync<NotFoundException>("the caller still gets the export's error");
        host.Clock.Advance(TimeSpan.FromDays(20));
        await (await exports.ExportAsync(admin, dashboard.Id, new DashboardExportRequest("xlsx", new DashboardDataRequest()), default)).DisposeAsync();

        var all = await history.ListAsync(admin, new ExportHistoryQuery(), new PageRequest(10, null), default);
        all.Items.Select(r => (r.Format, r.Outcome)).Should().Equal(("xlsx", "ok"), ("xlsx", "failed"), ("csv", "ok"));
        var csv = all.Items[2];
        csv.SizeBytes.Should().Be(streamed);
        csv.WidgetTitle.Should().Be("Spend table");
        csv.Parameters.Preset.Should().Be("last7days");
        (csv.Parameters.End - csv.Parameters.Start).Should().Be(TimeSpan.FromDays(7));
        csv.Parameters.Filters.Should().ContainKey("campaign").WhoseValue.Should().Equal("Brand");
        all.Items[1].Error.Should().Contain("gone");

        (await history.ListAsync(admin, new ExportHistoryQuery(Format: "CSV"), new PageRequest(10, null), default)).Items.Should().ContainSingle().Which.Id.Should().Be(csv.Id);
        var first = await history.ListAsync(admin, new ExportHistoryQuery(DashboardId: dashboard.Id), new PageRequest(2, null), default);
        first.Items.Should().HaveCount(2);
        var second = await history.ListAsync(admin, new ExportHistoryQuery(DashboardId: dashboard.Id), new PageRequest(2, first.NextAfter), default);
        second.Items.Select(r => r.Id).Should().Equal(csv.Id);
        second.NextAfter.Should().BeNull();

        host.Clock.Advance(TimeSpan.FromDays(15)); // the first two are 35 days old, the last 15: HistoryDays is 30
        (await history.PurgeExpiredAsync(default)).Should().Be(2);
        (await history.ListAsync(admin, new ExportHistoryQuery(), new PageRequest(10, null), default)).Items.Select(r => r.Id).Should().Equal(all.Items[0].Id);
    }
}
