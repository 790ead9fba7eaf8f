using Analytics.Data.Exports.Pdf;
using Analytics.Domain.Dashboards;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Dashboards.Charts;

namespace Analytics.Tests.Dashboards;

/// <summary>
/// A widget kind is one record in <see cref="WidgetKinds"/> plus what draws it in each layer, keyed by its name: these
/// prove no kind is missing a drawer (and no drawer names a kind that does not exist).
/// </summary>
public sealed class WidgetKindRegistryTests
{
    public static TheoryData<string> Kinds() => new(WidgetKinds.All.Select(k => k.Name));

    [Theory, MemberData(nameof(Kinds))]
    public void Every_kind_has_a_screen_component(string name)
    {
        WidgetScreens.Default.For(name).Should().NotBeNull($"'{name}' needs a component in WidgetScreens.Default to be shown on a dashboard");
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Every_chart_kind_has_a_chart_builder_and_is_drawn_by_the_chart_component(string name)
    {
        var kind = WidgetKinds.Get(name);
        ChartOptionsBuilder.Default.Supports(name).Should().Be(kind.IsChart, $"'{name}' is {(kind.IsChart ? "" : "not ")}a chart: ChartOptionsBuilder.Default must {(kind.IsChart ? "" : "not ")}build it");
        (WidgetScreens.Default.For(name) == typeof(EChart)).Should().Be(kind.IsChart, $"chart kinds, and only they, are drawn by EChart");
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Every_kind_has_a_pdf_renderer(string name)
    {
        PdfWidgetRenderers.Default.Kinds.Should().Contain(name, $"'{name}' needs a renderer in PdfWidgetRenderers.Default (else the PDF falls back to a table)");
    }

    [Fact]
    public void No_registry_names_a_kind_that_does_not_exist()
    {
        var names = WidgetKinds.All.Select(k => k.Name).ToList();
        WidgetScreens.Default.Kinds.Should().BeSubsetOf(names);
        ChartOptionsBuilder.Default.Kinds.Should().BeSubsetOf(names);
        PdfWidgetRenderers.Default.Kinds.Should().BeSubsetOf(names);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Every_kinds_starter_passes_its_own_checks(string name)
    {
        var kind = WidgetKinds.Get(name);
        var problems = new WidgetDefinition { Type = name, Position = new WidgetPosition(0, 0, kind.DefaultW, kind.DefaultH), Config = kind.Starter }.Problems();
        problems.Should().BeEmpty($"the starter of '{name}' is what the palette drops on a dashboard");
        if (kind.Starter.Query is { } query)
        {
            var shape = WidgetKinds.ShapeOf(query);
            if (kind.MaxMetrics is { } most) shape.Metrics.Should().BeLessThanOrEqualTo(most);
            if (!kind.AllowsGroupBy) shape.GroupBy.Should().Be(0);
            if (!kind.AllowsTime || (kind.NeedsTime)) shape.ByTime.Should().Be(kind.NeedsTime);
        }
    }
}
