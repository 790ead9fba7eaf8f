using Analytics.Data.Query;
using Analytics.Domain.Dashboards;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Pages.Dashboards;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Tests.Components;

/// <summary>
/// The dashboard builder's widget settings panel on MudBlazor, without a browser: its fields follow the widget's kind,
/// every change reaches the form and names the field (the editor's undo coalesces by it), problems show under the field
/// they name, and picking another type in the select changes the kind.
/// </summary>
public sealed class DashboardComponentTests : AppComponentTests
{
    private static readonly Catalog Catalog = new(
        [new CatalogDataset("d1", "amc", "AMC campaigns", "s1", "Contoso", "day",
            [new CatalogDimension("campaign", "Campaign"), new CatalogDimension("asin", "ASIN")],
            [new CatalogMeasure("spend", "Spend", "sum", true)], 1)],
        [
            new MetricView("spend", "Spend", "", "sum(spend)", "currency", null, false, false, true, null, ["spend"], ["d1"]),
            new MetricView("roas", "ROAS", "", "sales/spend", "ratio", null, true, true, true, null, ["spend", "sales"], ["d1"]),
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

    [Fact]
    public void Typing_a_title_updates_the_form_at_once_and_reports_the_title_field()
    {
        var form = WidgetConfigForm.From("line", WidgetKinds.Get("line").Starter);
        var (panel, changes) = RenderPanel(form);

        panel.Find("input[data-testid=config-title]").Input("Spend by day");

        form.Title.Should().Be("Spend by day");
        changes.Should().Equal("title");
    }

    [Fact]
    public void A_text_widget_offers_markdown_and_no_query_fields_while_a_chart_offers_the_query_and_its_options()
    {
        var (text, _) = RenderPanel(WidgetConfigForm.From("text", WidgetKinds.Get("text").Starter));
        text.FindAll("[data-testid=config-markdown]").Should().ContainSingle();
        text.FindAll("[data-testid=config-metrics]").Should().BeEmpty();
        text.FindAll("[data-testid=config-smooth]").Should().BeEmpty();

        var (bar, _) = RenderPanel(WidgetConfigForm.From("bar", WidgetKinds.Get("bar").Starter));
        bar.FindAll("[data-testid=config-markdown]").Should().BeEmpty();
        bar.FindAll("[data-testid=config-metrics]").Should().NotBeEmpty();
        bar.FindAll("[data-testid=config-horizontal]").Should().NotBeEmpty("a bar chart can lie on its side");
        bar.FindAll("[data-testid=config-smooth]").Should().BeEmpty("only lines and areas are smoothed");
    }

    [Fact]
    public void The_show_forecast_switch_is_offered_on_lines_only_and_turning_it_on_puts_the_option_in_the_config()
    {
        var (bar, _) = RenderPanel(WidgetConfigForm.From("bar", WidgetKinds.Get("bar").Starter));
        bar.FindAll("[data-testid=config-show-forecast]").Should().BeEmpty("bars draw no forecast");

        var form = WidgetConfigForm.From("line", WidgetKinds.Get("line").Starter);
        var (panel, changes) = RenderPanel(form);
        form.ToConfig().ShowsForecast.Should().BeFalse();

        panel.Find("input[data-testid=config-show-forecast]").Change(true);

        form.ShowForecast.Should().BeTrue();
        changes.Should().Equal(WidgetConfig.ShowForecastOption);
        form.ToConfig().ShowsForecast.Should().BeTrue();
        WidgetConfigForm.From("line", form.ToConfig()).ShowForecast.Should().BeTrue("the switch reads back what it saved");
    }

    [Fact]
    public void A_problem_with_a_field_shows_under_that_field_and_the_others_in_the_list_below()
    {
        var form = WidgetConfigForm.From("line", WidgetKinds.Get("line").Starter);
        var (panel, _) = RenderPanel(form, [("config.title", "At most 200 characters."), ("config.query", "A line chart needs a time granularity.")]);

        var title = panel.Find("input[data-testid=config-title]").Closest(".mud-input-control")!;
        title.QuerySelector(".mud-input-helper-text.mud-input-error")!.TextContent.Should().Contain("At most 200 characters.");
        panel.Find("[data-testid=config-problems]").TextContent.Should().Contain("A line chart needs a time granularity.").And.NotContain("At most 200");
    }

    [Fact]
    public void The_form_as_it_really_is_checked_shows_the_servers_message_for_a_too_long_title_under_the_title()
    {
        var form = WidgetConfigForm.From("kpi", WidgetKinds.Get("kpi").Starter);
        form.Title = new string('x', 201);
        var (panel, _) = RenderPanel(form, form.Problems(new WidgetPosition(0, 0, 3, 2)));

        panel.Find("input[data-testid=config-title]").Closest(".mud-input-control")!.TextContent.Should().Contain("At most 200 characters.");
    }

    [Fact]
    public async Task Picking_another_type_in_the_select_changes_the_kind_and_keeps_what_still_fits()
    {
        RenderPopovers();
        var form = WidgetConfigForm.From("line", WidgetKinds.Get("line").Starter);
        var metrics = form.Metrics.ToList();
        var (panel, changes) = RenderPanel(form);

        var type = panel.FindComponents<MudSelect<string>>().Single(s => s.FindAll("[data-testid=config-type]").Count == 1);
        type.Find("[data-testid=config-type]").TextContent.Should().Contain("Line");
        await panel.InvokeAsync(() => type.Instance.SelectOption("bar"));

        form.Kind.Should().Be("bar");
        form.Metrics.Should().Equal(metrics, "a line's metrics make a bar");
        changes.Should().Equal("kind");
        panel.WaitForAssertion(() => panel.FindAll("[data-testid=config-horizontal]").Should().NotBeEmpty());
    }

    [Fact]
    public void Material_icon_names_from_the_domain_become_mudblazor_svg_icons()
    {
        MaterialIcons.FromName("bar_chart").Should().Be(Icons.Material.Filled.BarChart);
        MaterialIcons.FromName("trending_up").Should().Be(Icons.Material.Filled.TrendingUp);
        MaterialIcons.FromName("no_such_icon").Should().Be(Icons.Material.Filled.Widgets);
        WidgetKinds.All.Select(k => MaterialIcons.FromName(k.Icon, "missing")).Should().NotContain("missing", "every widget kind has an icon");
        DashboardTemplates.All.Select(t => MaterialIcons.FromName(t.Icon, "missing")).Should().NotContain("missing", "every template has an icon");
    }
}
