using System.Text.Json.Nodes;
using Analytics.Data.Query;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Dashboards.Charts;
using Analytics.Web.Components.Pages.Dashboards;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using static Analytics.Tests.Dashboards.ChartResults;

namespace Analytics.Tests.Components;

/// <summary>
/// The richer widget settings without a browser: the panel's time range, instances, value filters, colours, axis,
/// thresholds and colour rules reach the form and the widget config (and read back), their problems show under their
/// fields, and the chart builder draws what they say.
/// </summary>
public sealed class WidgetSettingsPanelTests : AppComponentTests
{
    private static readonly Catalog Catalog = new(
        [
            new CatalogDataset("d1", "ads", "Ads", "s1", "Contoso", "day", [new CatalogDimension("campaign", "Campaign")], [new CatalogMeasure("spend", "Spend", "sum", true)], 1),
            new CatalogDataset("d2", "ads", "Ads", "s2", "Northwind", "day", [new CatalogDimension("campaign", "Campaign")], [new CatalogMeasure("spend", "Spend", "sum", true)], 1),
        ],
        [
            new MetricView("spend", "Spend", "", "sum(spend)", "currency", null, false, false, true, null, ["spend"], ["d1", "d2"]),
            new MetricView("roas", "ROAS", "", "sales/spend", "ratio", null, true, true, true, null, ["spend", "sales"], ["d1", "d2"]),
        ]);

    private (IRenderedComponent<WidgetConfigPanel> Panel, List<string> Changes) RenderPanel(WidgetConfigForm form, IReadOnlyList<(string, string)>? problems = null)
    {
        var changes = new List<string>();
        var panel = Render<WidgetConfigPanel>(p => p
            .Add(x => x.Form, form)
            .Add(x => x.Catalog, Catalog)
            .Add(x => x.Problems, problems ?? [])
            .Add(x => x.OnChange, EventCallback.Factory.Create<string>(this, changes.Add)));
        return (panel, changes);
    }

    private static IRenderedComponent<MudSelect<string>> Select(IRenderedComponent<WidgetConfigPanel> panel, string testId) =>
        panel.FindComponents<MudSelect<string>>().Single(s => s.FindAll($"[data-testid={testId}]").Count == 1);

    private static WidgetConfigForm Line() => WidgetConfigForm.From("line", WidgetKinds.Get("line").Starter);

    [Fact]
    public async Task Picking_last_7_days_gives_the_widget_its_own_time_range_and_picking_the_dashboards_takes_it_away()
    {
        RenderPopovers();
        var form = Line();
        var (panel, changes) = RenderPanel(form);
        form.ToConfig().Options?[WidgetOptions.TimeRange].Should().BeNull("a new widget follows the dashboard");

        await panel.InvokeAsync(() => Select(panel, "config-time-range").Instance.SelectOption("last7days"));

        changes.Should().Equal("timeRange");
        var config = form.ToConfig();
        WidgetOptions.OwnTimeRange(config.Options).Should().Be("last7days");
        WidgetConfigForm.From("line", config).TimeRange.Should().Be("last7days", "the panel reads back what it saved");
        var dashboard = new ResolvedFilters(DateTimeOffset.Parse("2025-03-01T00:00:00Z"), DateTimeOffset.Parse("2025-05-30T00:00:00Z"), "last90days", ["s1"],
            new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["Alpha"] });
        var own = dashboard.ForWidget(config.Options, DateTimeOffset.Parse("2025-05-30T15:00:00Z"), TimeZoneInfo.Utc);
        (own.Start, own.End, own.Preset).Should().Be((DateTimeOffset.Parse("2025-05-23T00:00:00Z"), DateTimeOffset.Parse("2025-05-30T00:00:00Z"), "last7days"));
        own.SourceIds.Should().Equal(["s1"], "the widget keeps the dashboard's instances and dimensions, with its own seven days");
        own.Dimensions.Should().ContainKey("campaign");
        dashboard.ForWidget(null, DateTimeOffset.Parse("2025-05-30T15:00:00Z"), TimeZoneInfo.Utc).Should().BeSameAs(dashboard);

        await panel.InvokeAsync(() => Select(panel, "config-time-range").Instance.SelectOption(WidgetConfigForm.FollowDashboard));
        form.ToConfig().Options?[WidgetOptions.TimeRange].Should().BeNull();
        panel.FindAll("[data-testid=config-time-range]").Should().ContainSingle();
        RenderPanel(WidgetConfigForm.From("text", WidgetKinds.Get("text").Starter)).Panel.FindAll("[data-testid=config-time-range]").Should().BeEmpty("text has no data");
    }

    [Fact]
    public async Task The_instances_chosen_in_the_panel_go_into_the_query_by_id_and_show_by_name()
    {
        RenderPopovers();
        var form = Line();
        var (panel, changes) = RenderPanel(form);
        form.ToConfig().Query!.SourceIds.Should().BeNull("none chosen: every instance the viewer may see");

        await panel.InvokeAsync(() => Select(panel, "config-instances").Instance.SelectOption("s2"));

        changes.Should().Equal("instances");
        form.SourceIds.Should().Equal("s2");
        form.ToConfig().Query!.SourceIds.Should().Equal("s2");
        WidgetConfigForm.From("line", form.ToConfig()).SourceIds.Should().Equal("s2");
        panel.WaitForAssertion(() => Select(panel, "config-instances").Markup.Should().Contain("Northwind", "the select names the instance, not its id"));
    }

    [Fact]
    public void A_value_filter_added_in_the_panel_reaches_the_query_and_a_metric_outside_the_query_is_named_under_its_field()
    {
        var form = Line();
        var (panel, changes) = RenderPanel(form);
        panel.Find("[data-testid=config-value-filters]").TextContent.Should().Contain("No value filter");

        panel.Find("button[data-testid=add-value-filter]").Click();
        changes.Should().Equal("valueFilters");
        form.ValueFilters.Should().ContainSingle().Which.Metric.Should().Be(form.Metrics[0]);
        panel.Find("input[data-testid=value-filter-value]").Change("2");
        form.ValueFilters[0].Value.Should().Be(2);
        form.ToConfig().Query!.Having.Should().Equal(new ValueFilter(form.Metrics[0], "<", 2));
        WidgetConfigForm.From("line", form.ToConfig()).ValueFilters.Single().Value.Should().Be(2);

        form.ValueFilters[0].Metric = "roas";
        var problems = form.Problems(new WidgetPosition(0, 0, 6, 4));
        problems.Select(p => p.Field).Should().Contain("config.query.having[0].metric");
        var (shown, _) = RenderPanel(form, problems);
        shown.Find("[data-testid=value-filter]").TextContent.Should().Contain("is not a metric of this query");
        shown.FindAll("[data-testid=config-problems]").Should().BeEmpty("the problem is shown at its field");
    }

    [Fact]
    public void Lines_offer_axis_and_colours_gauges_thresholds_tables_colour_rules_and_each_reads_back()
    {
        var line = Line();
        var (linePanel, _) = RenderPanel(line);
        linePanel.FindAll("[data-testid=config-log]").Should().NotBeEmpty();
        linePanel.FindAll("[data-testid=config-axis-format]").Should().NotBeEmpty();
        linePanel.FindAll($"[data-testid=config-color-{line.Metrics[0]}]").Should().NotBeEmpty();
        linePanel.FindAll("[data-testid=config-thresholds]").Should().BeEmpty();
        linePanel.Find("input[data-testid=config-log]").Change(true);
        line.LogScale = true;
        line.AxisFormat = "compact";
        line.Colors[line.Metrics[0]] = "#e53935";
        var lineConfig = WidgetConfigForm.From("line", line.ToConfig());
        (lineConfig.LogScale, lineConfig.AxisFormat, lineConfig.Colors[line.Metrics[0]]).Should().Be((true, "compact", "#e53935"));
        RenderPanel(WidgetConfigForm.From("pie", WidgetKinds.Get("pie").Starter)).Panel.FindAll("[data-testid=config-log]").Should().BeEmpty("a pie has no value axis");

        var gauge = WidgetConfigForm.From("gauge", WidgetKinds.Get("gauge").Starter);
        var (gaugePanel, gaugeChanges) = RenderPanel(gauge);
        gaugePanel.Find("[data-testid=config-thresholds]").TextContent.Should().Contain("No bands");
        gaugePanel.Find("button[data-testid=add-threshold]").Click();
        gaugeChanges.Should().Equal("thresholds");
        gauge.Problems(new WidgetPosition(0, 0, 3, 3)).Should().Contain(("config.options.thresholds[0].value", "A number: the arc up to it takes the colour."));
        gauge.Thresholds[0].Value = 2;
        gauge.Problems(new WidgetPosition(0, 0, 3, 3)).Should().BeEmpty();
        ChartWidgetOptions.From(gauge.ToConfig().Options).Thresholds.Should().Equal(new GaugeThreshold(2, ThresholdRow.DefaultColor));

        var table = WidgetConfigForm.From("table", WidgetKinds.Get("table").Starter);
        var (tablePanel, _) = RenderPanel(table);
        tablePanel.Find("button[data-testid=add-rule]").Click();
        table.Rules.Should().ContainSingle().Which.Column.Should().Be(table.Metrics[0]);
        table.Rules[0].Value = 2;
        ConditionalFormatRule.Parse(table.ToConfig().Options![WidgetOptions.Rules]).Should().Equal(
            new ConditionalFormatRule(table.Metrics[0], "lt", 2, null, "#b71c1c", "#ffebee"));
        table.Rules[0].Op = "between";
        table.Problems(new WidgetPosition(0, 0, 12, 4)).Select(p => p.Field).Should().Equal("config.options.rules[0].value2");
        var (tableShown, _) = RenderPanel(table, table.Problems(new WidgetPosition(0, 0, 12, 4)));
        tableShown.Find("[data-testid=rule]").TextContent.Should().Contain("Between needs a second number.");
        WidgetConfigForm.From("table", table.ToConfig()).Rules.Single().Op.Should().Be("between");
    }

    [Fact]
    public void The_chart_draws_the_chosen_series_colour_a_logarithmic_axis_and_the_chosen_axis_labels()
    {
        var result = Result([Time(), Metric("spend", "currency", "Spend"), Metric("sales", "currency", "Sales")], [[Day(6), 10.0, 40.0], [Day(7), 12.5, 30.0]]);
        var options = new JsonObject
        {
            [WidgetOptions.Colors] = new JsonObject { ["sales"] = "#e53935" }, [WidgetOptions.LogScale] = true, [WidgetOptions.AxisFormat] = "compact",
            [WidgetOptions.Min] = 1, [WidgetOptions.Max] = 1000,
        };

        var option = ChartOptionsBuilder.Default.Build("line", options, result);

        var series = option["series"]!.AsArray();
        series[0]!["color"].Should().BeNull("spend keeps the palette's colour");
        series[1]!["color"]!.GetValue<string>().Should().Be("#e53935");
        var axis = option["yAxis"]![0]!;
        axis["type"]!.GetValue<string>().Should().Be("log");
        axis["axisLabel"]!["formatter"]!.GetValue<string>().Should().Be("$axis:compact");
        (axis["min"]!.GetValue<double>(), axis["max"]!.GetValue<double>()).Should().Be((1, 1000));

        var plain = ChartOptionsBuilder.Default.Build("line", (JsonObject?)null, result)["yAxis"]![0]!;
        plain["type"]!.GetValue<string>().Should().Be("value");
        plain["axisLabel"]!["formatter"]!.GetValue<string>().Should().Be("$axis:currency");
    }
}
