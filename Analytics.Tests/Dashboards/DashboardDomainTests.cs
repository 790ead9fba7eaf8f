using Analytics.Data.Dashboards;
using Analytics.Data.Facts;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;
using Analytics.Web.Components.Pages.Dashboards;

namespace Analytics.Tests.Dashboards;

public sealed class DashboardDomainTests
{
    private static readonly Actor Owner = new("u-owner", "Owner", Role.Analyst, new HashSet<string>());
    private static readonly Actor Analyst = new("u-analyst", "Analyst", Role.Analyst, new HashSet<string>());
    private static readonly Actor Viewer = new("u-viewer", "Viewer", Role.Viewer, new HashSet<string>());

    private static Dashboard Board(string owner = "u-owner", string? folder = null) =>
        new() { Id = "d1", Name = "D", OwnerId = owner, FolderId = folder };

    private static DashboardShare Share(ShareTarget target, string targetId, SharePrincipal kind, string principal, SharePermission permission) =>
        new() { Id = Ids.New(), TargetKind = target, TargetId = targetId, PrincipalKind = kind, PrincipalId = principal, Permission = permission, CreatedBy = "u-owner" };

    [Fact]
    public void Permission_is_the_strongest_grant_and_edit_needs_an_author()
    {
        var none = new HashSet<string>();
        Owner.PermissionOf(Board(), [], none).Should().Be(SharePermission.Edit);
        Analyst.PermissionOf(Board(), [], none).Should().BeNull();
        Analyst.PermissionOf(Board(DashboardAccess.WorkspaceOwner), [], none).Should().Be(SharePermission.View);
        Actor.System.PermissionOf(Board(), [], none).Should().Be(SharePermission.Edit);

        var shares = new[]
        {
            Share(ShareTarget.Dashboard, "d1", SharePrincipal.User, "u-analyst", SharePermission.View),
            Share(ShareTarget.Folder, "f1", SharePrincipal.Team, "t1", SharePermission.Edit),
            Share(ShareTarget.Dashboard, "other", SharePrincipal.User, "u-viewer", SharePermission.Edit),
        };
        Analyst.PermissionOf(Board(), shares, none).Should().Be(SharePermission.View);
        Analyst.PermissionOf(Board(folder: "f1"), shares, new HashSet<string> { "t1" }).Should().Be(SharePermission.Edit, "the team's folder grant is stronger");
        Viewer.PermissionOf(Board(folder: "f1"), shares, new HashSet<string> { "t1" }).Should().Be(SharePermission.View, "a viewer given edit still only views");
        Viewer.PermissionOf(Board(), shares, none).Should().BeNull("a share of another dashboard grants nothing here");
        Analyst.CanManage(Board()).Should().BeFalse();
        FluentActions.Invoking(() => Analyst.EnsureCanEdit(Board(), SharePermission.View)).Should().Throw<ForbiddenException>();
        FluentActions.Invoking(() => Analyst.EnsureCanEdit(Board(), null)).Should().Throw<NotFoundException>();
    }

    [Theory]
    [InlineData("last7days", "2026-03-23", "2026-03-30")]
    [InlineData("yesterday", "2026-03-29", "2026-03-30")]
    [InlineData("thisWeek", "2026-03-30", "2026-04-06")]
    [InlineData("lastWeek", "2026-03-23", "2026-03-30")]
    [InlineData("lastMonth", "2026-02-01", "2026-03-01")]
    [InlineData("thisQuarter", "2026-01-01", "2026-04-01")]
    [InlineData("lastYear", "2025-01-01", "2026-01-01")]
    public void Presets_are_whole_days_in_the_viewers_zone(string preset, string from, string to)
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // Sunday 29 March 2026 is the day Berlin moves to summer time; 23:30 UTC on the 29th is already Monday the 30th there.
        var now = new DateTimeOffset(2026, 3, 29, 23, 30, 0, TimeSpan.Zero);
        var (start, end) = DateRangePresets.Resolve(preset, now, berlin);
        TimeZoneInfo.ConvertTime(start, berlin).ToString("yyyy-MM-dd HH:mm").Should().Be($"{from} 00:00");
        TimeZoneInfo.ConvertTime(end, berlin).ToString("yyyy-MM-dd HH:mm").Should().Be($"{to} 00:00");
    }

    [Fact]
    public void Resolved_filters_apply_only_to_widgets_whose_data_has_the_dimension()
    {
        var saved = new[] { new DashboardFilter("time", Preset: "last7days"), new DashboardFilter("campaign", ["A", "B"]), new DashboardFilter("instance", ["s1"]) };
        var resolved = DashboardFilters.Resolve(saved, DateTimeOffset.Parse("2026-01-10T12:00:00Z"), TimeZoneInfo.Utc, overrides: new Dictionary<string, IReadOnlyList<string?>> { ["asin"] = ["X"] });
        resolved.Start.Should().Be(DateTimeOffset.Parse("2026-01-03T00:00:00Z"));
        resolved.Previous().End.Should().Be(resolved.Start);
        resolved.Previous().Start.Should().Be(DateTimeOffset.Parse("2025-12-27T00:00:00Z"));

        var query = new SemanticQuery { Metrics = ["spend"], Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["B", "C"] } };
        var applied = resolved.ApplyTo(query, d => d == "campaign")!;
        applied.Filters!["campaign"].Should().Equal("B");
        applied.Filters.Should().NotContainKey("asin", "the widget's data has no ASIN dimension");
        applied.SourceIds.Should().Equal("s1");
        applied.TimeRange!.Start.Should().Be(resolved.Start);
    }

    [Fact]
    public void A_widget_pinned_only_to_instances_outside_the_dashboards_instance_filter_reads_nothing_rather_than_everything()
    {
        var resolved = DashboardFilters.Resolve([new DashboardFilter("instance", ["s1"])], DateTimeOffset.Parse("2026-01-10T12:00:00Z"), TimeZoneInfo.Utc);

        resolved.ApplyTo(new SemanticQuery { Metrics = ["spend"], SourceIds = ["s2"] }, _ => true).Should().BeNull();
        resolved.ApplyTo(new SemanticQuery { Metrics = ["spend"], SourceIds = ["s1", "s2"] }, _ => true)!.SourceIds.Should().Equal("s1");
        resolved.ApplyTo(new SemanticQuery { Metrics = ["spend"] }, _ => true)!.SourceIds.Should().Equal("s1");
    }

    [Fact]
    public void Widget_kinds_check_the_shape_of_their_query()
    {
        WidgetDefinition W(string type, string[] metrics, string[] groupBy, string granularity = "none") => new()
        {
            Type = type, Position = new WidgetPosition(0, 0, 6, 4),
            Config = new WidgetConfig { Query = new SemanticQuery { Metrics = metrics, GroupBy = groupBy, Granularity = granularity } },
        };
        W("line", ["spend"], [], "day").Problems().Should().BeEmpty();
        W("line", ["spend"], ["campaign"]).Problems().Should().ContainSingle(p => p.Field == "config.query");
        W("pie", ["spend"], ["campaign"]).Problems().Should().BeEmpty();
        W("heatmap", ["roas"], ["campaign"], "week").Problems().Should().BeEmpty();
        W("heatmap", ["roas"], ["campaign"]).Problems().Should().NotBeEmpty();
        W("kpi", ["roas", "acos"], []).Problems().Should().NotBeEmpty();
        W("bar", [], ["campaign"]).Problems().Should().ContainSingle(p => p.Message.Contains("metric"));
        new WidgetDefinition { Type = "text", Position = new WidgetPosition(0, 0, 4, 2) }.Problems().Should().BeEmpty();
        WidgetKinds.All.Select(k => k.Name).Should().OnlyHaveUniqueItems().And.Contain(["line", "area", "bar", "pie", "donut", "heatmap", "gauge", "kpi", "table", "text"]);
    }

    private static DashboardView View(DashboardSettings settings, params DashboardFilter[] filters) =>
        new("d1", "D", "", 0, filters, settings, null, [], "u", "U", 1, default, default, null, "edit", true, true, false, null);

    [Fact]
    public void Filters_wait_for_apply_on_slow_dashboards_and_run_once()
    {
        var state = new DashboardViewState(View(new DashboardSettings { ApplyFiltersWithButton = true }, new DashboardFilter("time", Preset: "last30days")));
        state.SetPreset("last7days").Should().BeFalse();
        state.SetDimension("campaign", ["A"]).Should().BeFalse();
        state.SetDimension("instance", ["s1"]).Should().BeFalse();
        state.HasPendingChanges.Should().BeTrue();
        state.ToRequest().Preset.Should().Be("last30days", "nothing applied yet");
        state.Apply().Should().BeTrue();
        state.Apply().Should().BeFalse("nothing left to apply");
        var request = state.ToRequest();
        request.Preset.Should().Be("last7days");
        request.Filters!["campaign"].Should().Equal("A");
        request.Filters["instance"].Should().Equal("s1");

        var instant = new DashboardViewState(View(new DashboardSettings()));
        instant.SetPreset("lastMonth").Should().BeTrue();
        instant.ToRequest().Preset.Should().Be("lastMonth");
    }

    [Fact]
    public void Drill_down_filters_the_dashboard_and_the_breadcrumb_goes_back()
    {
        var state = new DashboardViewState(View(new DashboardSettings(), new DashboardFilter("campaign_type", ["Sponsored Products"])));
        state.DrillDown("campaign_type", "Sponsored Brands").Should().BeTrue();
        state.DrillDown("campaign", "Brand X").Should().BeTrue();
        state.Drill.Select(d => d.Label).Should().Equal("campaign_type: Sponsored Brands", "campaign: Brand X");
        state.ToRequest().Filters!["campaign"].Should().Equal("Brand X");

        state.DrillBack(1).Should().BeTrue();
        state.ToRequest().Filters.Should().NotContainKey("campaign", "back before the campaign drill clears it");
        state.ToRequest().Filters!["campaign_type"].Should().Equal("Sponsored Brands");
        state.DrillBack(0).Should().BeTrue();
        state.ToRequest().Filters!["campaign_type"].Should().Equal(["Sponsored Products"], "the saved filter comes back");
        state.Drill.Should().BeEmpty();
    }

    [Fact]
    public void Live_refresh_touches_only_widgets_that_read_the_changed_data()
    {
        WidgetView Q(string id, string metric, IReadOnlyList<string>? sources = null) =>
            new(id, "line", new WidgetPosition(0, 0, 6, 4), new WidgetConfig { Query = new SemanticQuery { Metrics = [metric], SourceIds = sources } });
        var widgets = new[]
        {
            Q("spend", "spend"), Q("reach", "reach"), Q("other-source", "spend", ["s2"]),
            new WidgetView("ops", "line", new WidgetPosition(0, 0, 6, 4), new WidgetConfig { Series = new WidgetSeries("http.server.errors") }),
            new WidgetView("text", "text", new WidgetPosition(0, 0, 6, 4), new WidgetConfig()),
        };
        var catalog = new Catalog([], [
            new MetricView("spend", "Spend", "", "spend", "currency", null, false, false, true, null, ["spend"], ["7"]),
            new MetricView("reach", "Reach", "", "reach", "number", null, true, false, false, null, ["reach"], ["9"]),
        ]);
        var change = new DataChange(7, "s1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2);
        LiveRefresh.Affected(widgets, change, catalog, null).Should().Equal("spend");
        LiveRefresh.Affected(widgets, change, catalog, ["s3"]).Should().BeEmpty("the dashboard shows other instances");
        LiveRefresh.Affected(widgets, new MetricsChange(["http.server.errors"])).Should().Equal("ops");
    }
}
