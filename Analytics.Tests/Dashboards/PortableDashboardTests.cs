using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;

namespace Analytics.Tests.Dashboards;

/// <summary>The portable document without a database: instances travel by name or external id and land on another workspace's own ids.</summary>
public sealed class PortableDashboardTests
{
    private static readonly HashSet<string> Metrics = new(["spend", "sales", "roas"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> Dimensions = new(["campaign"], StringComparer.OrdinalIgnoreCase);

    private static PortableWorkspace Workspace(params PortableWorkspaceInstance[] instances) =>
        new(instances, Metrics, Dimensions, [], new HashSet<string>());

    private static DashboardDefinition Pinned(params string[] sourceIds) => new()
    {
        Name = "Pinned",
        Filters = [new DashboardFilter(DashboardFilter.Instance, sourceIds.Cast<string?>().ToList())],
        Widgets =
        [
            new WidgetDefinition
            {
                Id = "w1", Type = "bar", Position = new WidgetPosition(0, 0, 6, 4),
                Config = new WidgetConfig { Query = new SemanticQuery { Metrics = ["spend"], GroupBy = ["campaign"], SourceIds = sourceIds } },
            },
        ],
    };

    [Fact]
    public void Instances_exported_from_one_workspace_resolve_to_the_same_named_instances_of_another()
    {
        var here = Workspace(new PortableWorkspaceInstance("src-1", "Shop uploads", "csv", null), new PortableWorkspaceInstance("src-2", "EU AMC", "amc", "amc-eu-42"));
        var document = PortableDashboard.From(Pinned("src-1", "src-2"), here, DateTimeOffset.UnixEpoch);
        var text = document.ToJson();
        text.Should().NotContain("src-1").And.NotContain("src-2");

        // Elsewhere the same instances have other ids, and the AMC instance another name: its instance id finds it.
        var there = Workspace(new PortableWorkspaceInstance("x-9", "EU AMC (renamed)", "amc", "amc-eu-42"), new PortableWorkspaceInstance("x-7", "shop uploads", "csv", null), new PortableWorkspaceInstance("x-8", "Other", "csv", null));
        var definition = PortableDashboard.Parse(text).ToDefinition(there);

        definition.Widgets![0].Config!.Query!.SourceIds.Should().Equal("x-7", "x-9");
        definition.Filters![0].Values.Should().Equal("x-7", "x-9");
        definition.Widgets[0].Id.Should().Be("w1");
    }

    [Fact]
    public void An_instance_the_importer_cannot_read_an_unknown_metric_and_a_newer_version_are_each_named()
    {
        var document = PortableDashboard.From(Pinned("src-1"), Workspace(new PortableWorkspaceInstance("src-1", "Shop uploads", "csv", null)), DateTimeOffset.UnixEpoch) with { FormatVersion = 9 };
        var widget = document.Widgets![0];
        widget.Config!["query"]!["metrics"]![0] = "margin";

        var refused = FluentActions.Invoking(() => document.ToDefinition(Workspace(new PortableWorkspaceInstance("src-5", "Elsewhere", "csv", null))))
            .Should().Throw<ValidationException>().Which.Errors;

        refused.Keys.Should().BeEquivalentTo(["formatVersion", "filters[0].instances[0]", "widgets[0].config.query.instances[0]", "widgets[0].config.query.metrics[0]"]);
        refused["widgets[0].config.query.instances[0]"][0].Should().Contain("'Shop uploads'").And.Contain("'Elsewhere'");
    }

    [Fact]
    public void A_file_that_is_not_json_is_refused_as_a_file()
    {
        FluentActions.Invoking(() => PortableDashboard.Parse("name: not json"))
            .Should().Throw<ValidationException>().Which.Errors.Keys.Should().Equal("file");
        FluentActions.Invoking(() => PortableDashboard.Parse("""{ "formatVersion": "one" }"""))
            .Should().Throw<ValidationException>().Which.Errors["file"][0].Should().Contain("formatVersion");
    }
}
