using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Dashboards;

/// <summary>Dashboards as portable JSON documents: export, import, the same numbers after the round trip, and every refusal creating nothing.</summary>
public sealed partial class DashboardsApiTests
{
    private static object Portable(string name) => new
    {
        name,
        description = "travels as a file",
        refreshSeconds = 300,
        settings = new { compareToPrevious = true, lazyLoad = false },
        filters = new object[]
        {
            new { dimension = "time", start = "2025-06-01T00:00:00Z", end = "2025-07-01T00:00:00Z" },
            new { dimension = "instance", values = new[] { "demo-contoso", "demo-northwind" } },
        },
        widgets = new object[]
        {
            Kpi("k1", 0, "roas"),
            Bar("b1", 2),
            new
            {
                id = "l1", type = "line", position = new { x = 6, y = 2, w = 6, h = 4 },
                config = new { title = "Contoso spend by day", query = new { metrics = new[] { "spend", "clicks" }, granularity = "day", sourceIds = new[] { "demo-contoso" } } },
            },
            new { id = "t1", type = "text", position = new { x = 3, y = 0, w = 4, h = 2 }, config = new { title = "Notes", options = new { markdown = "## Read me" } } },
        },
    };

    private async Task<(HttpResponseMessage Response, JsonObject Document)> ExportJsonAsync(HttpClient client, string id)
    {
        var response = await client.GetAsync($"/api/v1/dashboards/{id}/export?format=json");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static async Task<JsonObject> ImportRejectedAsync(HttpClient client, JsonObject document)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards/import", document);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
    }

    private static async Task<int> CountNamedAsync(HttpClient client, string name) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards?search={Uri.EscapeDataString(name)}"))!["items"]!.AsArray()
            .Count(d => d!["name"]!.GetValue<string>() == name);

    [Fact]
    public async Task A_dashboard_exported_as_json_and_imported_computes_the_same_numbers_and_is_the_importers()
    {
        var name = $"Portable {Guid.NewGuid():N}"[..20];
        var original = await CreateAsync(Admin, Portable(name));
        var id = original["id"]!.GetValue<string>();

        var (response, document) = await ExportJsonAsync(Admin, id);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.Should().Be($"{name.ToLowerInvariant().Replace(' ', '-')}.dashboard.json");
        document["document"]!.GetValue<string>().Should().Be("analytics.dashboard");
        document["formatVersion"]!.GetValue<int>().Should().Be(1);
        document.ToJsonString().Should().NotContain("sourceIds", "instances travel by name and external id, not this database's ids");
        var pinned = document["widgets"]![3]!["config"]!["query"]!["instances"]![0]!;
        pinned["name"]!.GetValue<string>().Should().Be("Contoso Home (UK)");
        pinned["kind"]!.GetValue<string>().Should().Be("demo");
        pinned["externalId"]!.GetValue<string>().Should().Be("demo-contoso");
        document["filters"]![1]!["instances"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).Should().Equal("Contoso Home (UK)", "Northwind Outdoor (US)");
        document["widgets"]![0]!["config"]!["query"]!["metrics"]![0]!.GetValue<string>().Should().Be("roas", "metrics travel by name");

        var (analystId, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso", "demo-northwind"]);
        using var analyst = factory.CreateApiClient(analystKey);
        var imported = await analyst.PostAsJsonAsync("/api/v1/dashboards/import", document);
        imported.StatusCode.Should().Be(HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        var copy = (await imported.Content.ReadFromJsonAsync<JsonObject>())!;
        var copyId = copy["id"]!.GetValue<string>();
        copyId.Should().NotBe(id);
        imported.Headers.Location!.ToString().Should().Be($"/api/v1/dashboards/{copyId}");
        copy["ownerId"]!.GetValue<string>().Should().Be(analystId, "an import is the importer's");
        copy["canEdit"]!.GetValue<bool>().Should().BeTrue();
        copy["folderId"].Should().BeNull();
        copy["name"]!.GetValue<string>().Should().Be(name);
        copy["refreshSeconds"]!.GetValue<int>().Should().Be(300);
        copy["settings"]!["compareToPrevious"]!.GetValue<bool>().Should().BeTrue();
        copy["widgets"]!.AsArray().Select(w => w!["type"]!.GetValue<string>()).Should().Equal("kpi", "text", "bar", "line");
        copy["widgets"]![3]!["config"]!["query"]!["sourceIds"]![0]!.GetValue<string>().Should().Be("demo-contoso");

        var before = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        var after = (await analyst.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{copyId}/data"))!;
        foreach (var widget in new[] { "k1", "b1", "l1" })
        {
            var a = Widget(before, widget);
            var b = Widget(after, widget);
            b["status"]!.GetValue<string>().Should().Be("ok", widget);
            a["status"]!.GetValue<string>().Should().Be("ok", widget);
            b["result"]?["rows"]?.ToJsonString().Should().Be(a["result"]?["rows"]?.ToJsonString(), $"{widget} computes the same rows");
            b["kpi"]?["value"]?.ToJsonString().Should().Be(a["kpi"]?["value"]?.ToJsonString(), $"{widget} computes the same value");
            b["kpi"]?["previous"]?.ToJsonString().Should().Be(a["kpi"]?["previous"]?.ToJsonString());
        }
        Widget(before, "b1")["result"]!["rows"]!.AsArray().Should().NotBeEmpty("the comparison compares something");
        Widget(after, "k1")["kpi"]!["value"]!.GetValue<double>().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task An_import_with_unknown_metrics_forbidden_instances_unknown_types_or_a_newer_version_names_each_widget_and_creates_nothing()
    {
        var name = $"Refused {Guid.NewGuid():N}"[..20];
        var id = (await CreateAsync(Admin, Definition(name, Kpi("k1", 0, "spend"), Bar("b1", 2), new
        {
            id = "l1", type = "line", position = new { x = 6, y = 2, w = 6, h = 4 },
            config = new { query = new { metrics = new[] { "spend" }, granularity = "day", sourceIds = new[] { "demo-fabrikam" } } },
        })))["id"]!.GetValue<string>();
        var (_, exported) = await ExportJsonAsync(Admin, id);
        (await Admin.DeleteAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        JsonObject Doc() => exported.DeepClone().AsObject();

        var unknownMetric = Doc();
        unknownMetric["widgets"]![1]!["config"]!["query"]!["metrics"]![0] = "profitability";
        unknownMetric["widgets"]![0]!["type"] = "radar";
        var errors = await ImportRejectedAsync(Admin, unknownMetric);
        errors["widgets[1].config.query.metrics[0]"]![0]!.GetValue<string>().Should().Contain("Unknown metric 'profitability'");
        errors.Should().ContainKey("widgets[0].type", "every problem of the file comes back at once");

        var newer = Doc();
        newer["formatVersion"] = 2;
        (await ImportRejectedAsync(Admin, newer))["formatVersion"]![0]!.GetValue<string>().Should().Contain("newer version");

        var series = Doc();
        series["widgets"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "s1", ["type"] = "kpi", ["position"] = new JsonObject { ["x"] = 0, ["y"] = 20, ["w"] = 3, ["h"] = 2 },
            ["config"] = new JsonObject { ["series"] = new JsonObject { ["metricName"] = "no.such.metric" } },
        });
        (await ImportRejectedAsync(Admin, series)).Should().ContainKey("widgets[3].config.series.metricName");

        // The analyst reads Contoso only: the file's Fabrikam line cannot be theirs.
        var (_, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(analystKey);
        var forbidden = await ImportRejectedAsync(analyst, Doc());
        forbidden.Select(e => e.Key).Should().Equal("widgets[2].config.query.instances[0]");
        forbidden["widgets[2].config.query.instances[0]"]![0]!.GetValue<string>().Should().Contain("'Fabrikam Electronics (DE)'").And.Contain("that you can read");

        (await CountNamedAsync(Admin, name)).Should().Be(0, "no refused file left a dashboard behind");
        (await CountNamedAsync(analyst, name)).Should().Be(0);
        (await Admin.PostAsJsonAsync("/api/v1/dashboards/import", Doc())).StatusCode.Should().Be(HttpStatusCode.Created, "the file itself was fine");
    }

    [Fact]
    public async Task Only_someone_who_may_view_a_dashboard_exports_it_and_other_formats_are_refused_by_name()
    {
        var id = (await CreateAsync(Admin, Definition("Private export", Kpi("k1", 0, "spend"))))["id"]!.GetValue<string>();
        var (_, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(analystKey);
        (await analyst.GetAsync($"/api/v1/dashboards/{id}/export?format=json")).StatusCode.Should().Be(HttpStatusCode.NotFound, "not shared with them");

        var bad = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=yaml");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["format"]![0]!.GetValue<string>().Should().Contain("json");

        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(viewerKey);
        var (_, document) = await ExportJsonAsync(Admin, id);
        (await viewer.PostAsJsonAsync("/api/v1/dashboards/import", document)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "viewers do not create dashboards");
    }
}
