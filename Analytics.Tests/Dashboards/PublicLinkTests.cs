using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Dashboards;

/// <summary>
/// Public links over HTTP, anonymously, against the seeded demo: a link computes only what its saved dashboard shows
/// (instances and filters pinned; a visitor may pick a preset or narrow within the saved values, never widen or clear
/// them), and its JSON carries no ids, owners, query internals or raw error text.
/// </summary>
public sealed class PublicLinkTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static readonly string[] DemoInstances = ["demo-contoso", "demo-fabrikam", "demo-northwind"];

    internal static object Kpi(string id, int x, string metric, string[]? sourceIds = null) => new
    {
        id, type = "kpi", position = new { x, y = 0, w = 3, h = 2 },
        config = new { title = metric.ToUpperInvariant(), query = new { metrics = new[] { metric }, sourceIds } },
    };

    internal static object Bar(string id, int y) => new
    {
        id, type = "bar", position = new { x = 0, y, w = 6, h = 4 },
        config = new { title = "Spend by campaign", query = new { metrics = new[] { "spend" }, groupBy = new[] { "campaign" }, sort = new[] { new { by = "spend", desc = true } } } },
    };

    internal static async Task<string> CreateAsync(HttpClient client, object definition)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards", definition);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    internal static async Task<string> PublishAsync(HttpClient owner, string dashboardId)
    {
        var shared = await owner.PostAsJsonAsync($"/api/v1/dashboards/{dashboardId}/shares", new { @public = true });
        shared.StatusCode.Should().Be(HttpStatusCode.OK, await shared.Content.ReadAsStringAsync());
        return (await shared.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
    }

    /// <summary>Σ spend over [start, end) for these instances (and one campaign), asked of /query by the admin.</summary>
    internal async Task<double> SpendAsync(string[] sourceIds, DateTimeOffset start, DateTimeOffset end, params string[] campaigns)
    {
        var body = new JsonObject
        {
            ["metrics"] = new JsonArray("spend"),
            ["timeRange"] = new JsonObject { ["start"] = start.ToString("O"), ["end"] = end.ToString("O") },
            ["sourceIds"] = new JsonArray(sourceIds.Select(s => (JsonNode)s).ToArray()),
        };
        if (campaigns.Length > 0) body["filters"] = new JsonObject { ["campaign"] = new JsonArray(campaigns.Select(c => (JsonNode)c).ToArray()) };
        using var admin = Admin;
        var response = await admin.PostAsJsonAsync("/api/v1/query", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var rows = (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]!.AsArray();
        return rows.Count == 0 || rows[0]![0] is null ? 0 : rows[0]![0]!.GetValue<double>();
    }

    /// <summary>A user with a name and e-mail that must never reach a public answer; returns id, name, e-mail and an API client.</summary>
    internal async Task<(string Id, string Name, string Email, HttpClient Client)> UserAsync(string role, params string[] instances)
    {
        var name = $"Pat Publisher {Guid.NewGuid():N}"[..24];
        var email = $"pat-{Guid.NewGuid():N}@owners.example";
        using var admin = Admin;
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = name, role, instanceIds = instances });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var key = await admin.PostAsJsonAsync($"/api/v1/users/{id}/api-keys", new { name = "test" });
        key.StatusCode.Should().Be(HttpStatusCode.Created);
        return (id, name, email, factory.CreateApiClient((await key.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>()));
    }

    internal static JsonObject Widget(JsonObject body, string id) =>
        body["data"]!["widgets"]!.AsArray().Single(w => w!["widgetId"]!.GetValue<string>() == id)!.AsObject();

    internal static double KpiValue(JsonObject body, string id) => Widget(body, id)["kpi"]!["value"]!.GetValue<double>();

    private static (DateTimeOffset Start, DateTimeOffset End) Range(JsonObject body) =>
        (DateTimeOffset.Parse(body["data"]!["start"]!.GetValue<string>()), DateTimeOffset.Parse(body["data"]!["end"]!.GetValue<string>()));

    private static async Task<JsonObject> OkAsync(HttpClient anonymous, string url)
    {
        var response = await anonymous.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{url}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Asserts a 400 problem whose <c>errors</c> name <paramref name="parameter"/>.</summary>
    private static async Task RefusedAsync(HttpClient anonymous, string url, string parameter)
    {
        var response = await anonymous.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, $"{url} must not be computed: {text}");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).Should().Contain(parameter, url);
    }

    [Fact]
    public async Task Overrides_on_a_public_link_narrow_the_saved_view_or_answer_400_and_never_widen_it()
    {
        using var admin = Admin;
        var id = await CreateAsync(admin, new
        {
            name = "Contoso spend (public)",
            filters = new object[]
            {
                new { dimension = "time", preset = "last30days" },
                new { dimension = "instance", values = new[] { "demo-contoso" } },
                new { dimension = "campaign", values = Array.Empty<string>() },
            },
            widgets = new[] { Kpi("k1", 0, "spend"), Bar("b1", 2) },
        });
        var otherDashboard = await CreateAsync(admin, new { name = "Another", widgets = new[] { Kpi("elsewhere", 0, "sales") } });
        var token = await PublishAsync(admin, id);
        using var anonymous = factory.CreateClient();
        var url = $"/api/v1/public/dashboards/{token}";

        var saved = await OkAsync(anonymous, $"{url}?preset=last30days");
        var (start, end) = Range(saved);
        var contoso = await SpendAsync(["demo-contoso"], start, end);
        contoso.Should().BeGreaterThan(0);
        KpiValue(saved, "k1").Should().BeApproximately(contoso, 0.01, "the link shows Contoso, as saved");
        (await SpendAsync(DemoInstances, start, end)).Should().BeGreaterThan(contoso * 1.5, "the other instances hold spend the link must not show");

        // The reproduction of issue 25: an empty instance filter cleared the saved one, another instance replaced it.
        await RefusedAsync(anonymous, $"{url}?preset=last30days&filter.instance=", "filter.instance");
        await RefusedAsync(anonymous, $"{url}?preset=last30days&filter.instance=demo-fabrikam", "filter.instance");
        await RefusedAsync(anonymous, $"{url}?filter.instance=demo-contoso&filter.instance=demo-northwind", "filter.instance");
        await RefusedAsync(anonymous, $"{url}?filter.instance=demo-contoso", "filter.instance"); // instances are fixed, even as saved

        // A dimension saved as "all" takes a value (narrowing); never an empty one, nor a dimension that is not a filter of the dashboard.
        var campaign = Widget(saved, "b1")["result"]!["rows"]![0]![0]!.GetValue<string>();
        var narrowed = await OkAsync(anonymous, $"{url}?filter.campaign={Uri.EscapeDataString(campaign)}");
        KpiValue(narrowed, "k1").Should().BeApproximately(await SpendAsync(["demo-contoso"], start, end, campaign), 0.01);
        await RefusedAsync(anonymous, $"{url}?filter.campaign=", "filter.campaign");
        await RefusedAsync(anonymous, $"{url}?filter.asin=B000000001", "filter.asin");
        await RefusedAsync(anonymous, $"{url}?filter.time=last90days", "filter.time");

        // Time: any preset; an explicit range only inside the saved one as it resolves now; both ends or neither.
        var lastYear = await OkAsync(anonymous, $"{url}?preset=lastYear");
        var (yearStart, yearEnd) = Range(lastYear);
        KpiValue(lastYear, "k1").Should().BeApproximately(await SpendAsync(["demo-contoso"], yearStart, yearEnd), 0.01, "a preset keeps the instances pinned");
        string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));
        var inside = await OkAsync(anonymous, $"{url}?start={Iso(start.AddDays(7))}&end={Iso(end.AddDays(-7))}");
        KpiValue(inside, "k1").Should().BeApproximately(await SpendAsync(["demo-contoso"], start.AddDays(7), end.AddDays(-7)), 0.01);
        await RefusedAsync(anonymous, $"{url}?start={Iso(start.AddDays(-1))}&end={Iso(end)}", "start");
        await RefusedAsync(anonymous, $"{url}?start={Iso(start)}&end={Iso(end.AddDays(1))}", "end");
        await RefusedAsync(anonymous, $"{url}?start={Iso(start)}", "end");
        await RefusedAsync(anonymous, $"{url}?start={Iso(start)}&end={Iso(end)}&preset=last7days", "preset");
        await RefusedAsync(anonymous, $"{url}?start=yesterday&end={Iso(end)}", "start");
        await RefusedAsync(anonymous, $"{url}?preset=fortnight", "preset");

        // Widgets of this dashboard only; nothing the link does not know.
        var one = await OkAsync(anonymous, $"{url}?widgets=k1");
        one["data"]!["widgets"]!.AsArray().Should().ContainSingle();
        await RefusedAsync(anonymous, $"{url}?widgets=elsewhere", "widgets");
        await RefusedAsync(anonymous, $"{url}?widgets=k1,elsewhere", "widgets");
        await RefusedAsync(anonymous, $"{url}?sourceIds=demo-fabrikam", "sourceIds");
        await RefusedAsync(anonymous, $"{url}?preset=last30days&debug=1", "debug");

        (await admin.GetAsync($"/api/v1/dashboards/{otherDashboard}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_filter_saved_with_values_narrows_only_to_a_subset_of_them()
    {
        using var admin = Admin;
        var probe = await CreateAsync(admin, new
        {
            name = "Probe", filters = new object[] { new { dimension = "time", preset = "last90days" }, new { dimension = "instance", values = new[] { "demo-fabrikam" } } },
            widgets = new[] { Bar("b1", 0) },
        });
        var probeData = (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{probe}/data"))!;
        var campaigns = probeData["widgets"]![0]!["result"]!["rows"]!.AsArray().Select(r => r![0]!.GetValue<string>()).Take(3).ToList();
        campaigns.Should().HaveCount(3);

        var id = await CreateAsync(admin, new
        {
            name = "Two campaigns",
            filters = new object[]
            {
                new { dimension = "time", preset = "last90days" },
                new { dimension = "instance", values = new[] { "demo-fabrikam" } },
                new { dimension = "campaign", values = new[] { campaigns[0], campaigns[1] } },
            },
            widgets = new[] { Kpi("k1", 0, "spend") },
        });
        var token = await PublishAsync(admin, id);
        using var anonymous = factory.CreateClient();
        var url = $"/api/v1/public/dashboards/{token}";

        var saved = await OkAsync(anonymous, url);
        var (start, end) = Range(saved);
        KpiValue(saved, "k1").Should().BeApproximately(await SpendAsync(["demo-fabrikam"], start, end, campaigns[0], campaigns[1]), 0.01);
        var first = await OkAsync(anonymous, $"{url}?filter.campaign={Uri.EscapeDataString(campaigns[0])}");
        KpiValue(first, "k1").Should().BeApproximately(await SpendAsync(["demo-fabrikam"], start, end, campaigns[0]), 0.01);
        await RefusedAsync(anonymous, $"{url}?filter.campaign={Uri.EscapeDataString(campaigns[2])}", "filter.campaign");
        await RefusedAsync(anonymous, $"{url}?filter.campaign={Uri.EscapeDataString(campaigns[0])}&filter.campaign={Uri.EscapeDataString(campaigns[2])}", "filter.campaign");
        await RefusedAsync(anonymous, $"{url}?filter.campaign=", "filter.campaign");
        await RefusedAsync(anonymous, $"{url}?filter.instance=demo-contoso", "filter.instance");
    }

    private static readonly string[] ForbiddenProperties =
        ["meta", "sourceIds", "sourceId", "datasets", "segments", "tables", "query", "dataset", "ownerId", "ownerName", "userId", "updatedBy",
         "createdBy", "requestedBy", "dashboardId", "folderId", "publicToken", "permission", "canEdit", "canManage", "version"];

    /// <summary>Every property name and string value in the document, however deep.</summary>
    private static IEnumerable<(string Path, string? Property, string? Value)> Walk(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    yield return ($"{path}.{key}", key, null);
                    foreach (var inner in Walk(child, $"{path}.{key}")) yield return inner;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    foreach (var inner in Walk(a[i], $"{path}[{i}]")) yield return inner;
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                yield return (path, null, v.GetValue<string>());
                break;
        }
    }

    [Fact]
    public async Task The_public_answer_names_no_source_owner_or_query_internals_and_a_failing_widget_says_only_that_it_could_not_be_shown()
    {
        var owner = await UserAsync("analyst", "demo-contoso", "demo-fabrikam");
        using var ownerClient = owner.Client;
        var id = await CreateAsync(ownerClient, new
        {
            name = "Quarterly spend",
            description = "For partners",
            filters = new object[]
            {
                new { dimension = "time", preset = "last30days" },
                new { dimension = "instance", values = new[] { "demo-contoso" } },
                new { dimension = "campaign", values = Array.Empty<string>() },
            },
            widgets = new object[]
            {
                Kpi("k1", 0, "spend", ["demo-contoso"]),
                Bar("b1", 2),
                new { id = "broken", type = "kpi", position = new { x = 3, y = 0, w = 3, h = 2 }, config = new { title = "Broken", query = new { metrics = new[] { "spend" }, dataset = "no_such_dataset" } } },
                new { id = "t1", type = "text", position = new { x = 6, y = 0, w = 3, h = 2 }, config = new { options = new { markdown = "**Partner view**" } } },
            },
        });
        var token = await PublishAsync(ownerClient, id);
        var signedIn = (await ownerClient.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        signedIn["widgets"]!.AsArray().Single(w => w!["widgetId"]!.GetValue<string>() == "broken")!["error"]!.GetValue<string>()
            .Should().Contain("no_such_dataset", "the signed-in owner gets the reason");

        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync($"/api/v1/public/dashboards/{token}");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!.AsObject();

        var nodes = Walk(body).ToList();
        nodes.Where(n => n.Property is { } p && ForbiddenProperties.Contains(p, StringComparer.OrdinalIgnoreCase)).Select(n => n.Path)
            .Should().BeEmpty("a public answer carries no query internals, ids or owners");
        string[] forbiddenText = [.. DemoInstances, owner.Id, owner.Name, owner.Email, id, "no_such_dataset", "ad_performance", token];
        foreach (var secret in forbiddenText)
        {
            nodes.Where(n => n.Value?.Contains(secret, StringComparison.OrdinalIgnoreCase) == true).Select(n => $"{n.Path} = {n.Value}")
                .Should().BeEmpty($"'{secret}' must not appear in a public answer");
        }
        text.Should().NotContain(owner.Name).And.NotContain("demo-contoso");

        body["dashboard"]!["name"]!.GetValue<string>().Should().Be("Quarterly spend");
        body["dashboard"]!["filters"]!.AsArray().Select(f => f!["label"]!.GetValue<string>()).Should().Contain("Instances");
        body["dashboard"]!["filters"]!.AsArray().Single(f => f!["dimension"]!.GetValue<string>() == "instance")!["values"]!.AsArray()
            .Select(v => v!.GetValue<string>()).Should().Equal("Contoso Home (UK)");
        var broken = Widget(body, "broken");
        broken["status"]!.GetValue<string>().Should().Be("error");
        broken["error"]!.GetValue<string>().Should().Be("This widget could not be shown.");
        Widget(body, "t1")["status"]!.GetValue<string>().Should().Be("text");
        var (start, end) = Range(body);
        KpiValue(body, "k1").Should().BeApproximately(await SpendAsync(["demo-contoso"], start, end), 0.01);
    }

    [Fact]
    public async Task An_editors_change_reaches_the_public_link_only_when_the_owner_publishes_it()
    {
        var owner = await UserAsync("analyst", "demo-contoso", "demo-fabrikam");
        var editor = await UserAsync("analyst", "demo-fabrikam");
        using var ownerClient = owner.Client;
        using var editorClient = editor.Client;
        var id = await CreateAsync(ownerClient, new
        {
            name = "Contoso only",
            filters = new object[] { new { dimension = "time", preset = "last30days" }, new { dimension = "instance", values = new[] { "demo-contoso" } } },
            widgets = new[] { Kpi("k1", 0, "spend") },
        });
        var token = await PublishAsync(ownerClient, id);
        (await ownerClient.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = editor.Id, permission = "edit" })).StatusCode.Should().Be(HttpStatusCode.OK);

        // The editor reads Fabrikam, and so does the owner: the editor clears the instance filter and adds a widget pinned to Fabrikam.
        var edit = await editorClient.PutAsJsonAsync($"/api/v1/dashboards/{id}", new
        {
            name = "Contoso only",
            filters = new object[] { new { dimension = "time", preset = "last30days" } },
            widgets = new[] { Kpi("k1", 0, "spend"), Kpi("k2", 3, "spend", ["demo-fabrikam"]) },
        });
        edit.StatusCode.Should().Be(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());

        using var anonymous = factory.CreateClient();
        var url = $"/api/v1/public/dashboards/{token}";
        var after = await OkAsync(anonymous, url);
        var (start, end) = Range(after);
        var contoso = await SpendAsync(["demo-contoso"], start, end);
        KpiValue(after, "k1").Should().BeApproximately(contoso, 0.01, "the public link still shows the owner's published version");
        after["data"]!["widgets"]!.AsArray().Select(w => w!["widgetId"]!.GetValue<string>()).Should().Equal("k1");
        after["dashboard"]!["widgets"]!.AsArray().Select(w => w!["id"]!.GetValue<string>()).Should().Equal("k1");
        await RefusedAsync(anonymous, $"{url}?widgets=k2", "widgets");

        var shares = (await ownerClient.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/shares"))!;
        shares["publicOutdated"]!.GetValue<bool>().Should().BeTrue();
        shares["publicPublishedVersion"]!.GetValue<int>().Should().BeLessThan(shares["version"]!.GetValue<int>());
        (await editorClient.PostAsync($"/api/v1/dashboards/{id}/shares/public/publish", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var published = await ownerClient.PostAsync($"/api/v1/dashboards/{id}/shares/public/publish", null);
        published.StatusCode.Should().Be(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        (await published.Content.ReadFromJsonAsync<JsonObject>())!["publicOutdated"]!.GetValue<bool>().Should().BeFalse();
        var republished = await OkAsync(anonymous, url);
        KpiValue(republished, "k2").Should().BeApproximately(await SpendAsync(["demo-fabrikam"], start, end), 0.01, "the owner published the editor's change");

        // The owner's own save publishes at once.
        var own = await ownerClient.PutAsJsonAsync($"/api/v1/dashboards/{id}", new
        {
            name = "Contoso again",
            filters = new object[] { new { dimension = "time", preset = "last30days" }, new { dimension = "instance", values = new[] { "demo-contoso" } } },
            widgets = new[] { Kpi("k1", 0, "spend") },
        });
        own.StatusCode.Should().Be(HttpStatusCode.OK);
        var saved = await OkAsync(anonymous, url);
        saved["dashboard"]!["name"]!.GetValue<string>().Should().Be("Contoso again");
        KpiValue(saved, "k1").Should().BeApproximately(contoso, 0.01);
    }

    [Fact]
    public async Task Saving_a_dashboard_pins_only_instances_the_person_saving_can_read()
    {
        var analyst = await UserAsync("analyst", "demo-contoso");
        using var client = analyst.Client;
        async Task<JsonObject> Rejected(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
            return JsonNode.Parse(text)!["errors"]!.AsObject();
        }
        object Definition(object[] filters, params object[] widgets) => new { name = "Pins", filters, widgets };
        object[] noFilters = [];

        (await Rejected(await client.PostAsJsonAsync("/api/v1/dashboards", Definition(noFilters, Kpi("k1", 0, "spend", ["demo-fabrikam"])))))
            .Should().ContainKey("widgets[0].config.query.sourceIds");
        (await Rejected(await client.PostAsJsonAsync("/api/v1/dashboards", Definition([new { dimension = "time", preset = "last7days" }, new { dimension = "instance", values = new[] { "demo-contoso", "demo-northwind" } }], Kpi("k1", 0, "spend")))))
            .Should().ContainKey("filters[1].values");
        var id = await CreateAsync(client, Definition([new { dimension = "instance", values = new[] { "demo-contoso" } }], Kpi("k1", 0, "spend", ["demo-contoso"])));
        (await Rejected(await client.PutAsJsonAsync($"/api/v1/dashboards/{id}", Definition(noFilters, Kpi("k1", 0, "spend", ["demo-contoso"]), Kpi("k2", 3, "spend", ["demo-fabrikam"])))))
            .Should().ContainKey("widgets[1].config.query.sourceIds");
        (await client.PostAsJsonAsync("/api/v1/dashboard-templates/performance/instantiate", new { name = "From template", sourceIds = new[] { "demo-fabrikam" } }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound, "an instance the analyst cannot read does not exist for them");

        // An editor keeps what the owner pinned, but adds nothing they cannot read.
        using var admin = Admin;
        var owned = await CreateAsync(admin, Definition([new { dimension = "instance", values = new[] { "demo-fabrikam" } }], Kpi("k1", 0, "spend", ["demo-fabrikam"])));
        (await admin.PostAsJsonAsync($"/api/v1/dashboards/{owned}/shares", new { userId = analyst.Id, permission = "edit" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var retitled = new
        {
            name = "Retitled", filters = new object[] { new { dimension = "instance", values = new[] { "demo-fabrikam" } } },
            widgets = new[] { new { id = "k1", type = "kpi", position = new { x = 0, y = 0, w = 3, h = 2 }, config = new { title = "Fabrikam spend", query = new { metrics = new[] { "spend" }, sourceIds = new[] { "demo-fabrikam" } } } } },
        };
        (await client.PutAsJsonAsync($"/api/v1/dashboards/{owned}", retitled)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Rejected(await client.PutAsJsonAsync($"/api/v1/dashboards/{owned}", Definition([new { dimension = "instance", values = new[] { "demo-fabrikam", "demo-northwind" } }], Kpi("k1", 0, "spend", ["demo-fabrikam"])))))
            .Should().ContainKey("filters[0].values");
        (await Rejected(await client.PutAsJsonAsync($"/api/v1/dashboards/{owned}", Definition(noFilters, Kpi("k1", 0, "spend", ["demo-northwind"])))))
            .Should().ContainKey("widgets[0].config.query.sourceIds");
        (await Rejected(await client.PutAsJsonAsync($"/api/v1/dashboards/{owned}", Definition(noFilters, Kpi("k1", 0, "spend", ["demo-fabrikam"]), Kpi("k2", 3, "spend", ["demo-fabrikam"])))))
            .Should().ContainKey("widgets[1].config.query.sourceIds").And.NotContainKey("widgets[0].config.query.sourceIds");

        // One widget added (the chat's "add to dashboard") is held to the same rule.
        var dashboards = factory.Services.GetRequiredService<Analytics.Data.Dashboards.DashboardService>();
        var actor = new Analytics.Domain.Access.Actor(analyst.Id, analyst.Name, Analytics.Domain.Access.Role.Analyst, new HashSet<string> { "demo-contoso" });
        var add = () => dashboards.AddWidgetAsync(actor, id, new Analytics.Domain.Dashboards.WidgetDefinition
        {
            Type = "kpi", Config = new Analytics.Domain.Dashboards.WidgetConfig { Query = new Analytics.Domain.Query.SemanticQuery { Metrics = ["spend"], SourceIds = ["demo-fabrikam"] } },
        }, CancellationToken.None);
        (await add.Should().ThrowAsync<Analytics.Domain.ValidationException>()).Which.Errors.Should().ContainKey("widget.config.query.sourceIds");
    }

    [Fact]
    public async Task Shares_and_public_links_are_recorded_in_the_audit_trail()
    {
        using var admin = Admin;
        var viewer = await UserAsync("viewer", "demo-contoso");
        viewer.Client.Dispose();
        var id = await CreateAsync(admin, new { name = "Audited", widgets = new[] { Kpi("k1", 0, "spend") } });
        var share = await admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = viewer.Id, permission = "view" });
        var shareId = (await share.Content.ReadFromJsonAsync<JsonObject>())!["shares"]![0]!["id"]!.GetValue<string>();
        (await admin.DeleteAsync($"/api/v1/dashboards/{id}/shares/{shareId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await PublishAsync(admin, id);
        (await admin.PostAsync($"/api/v1/dashboards/{id}/shares/public/publish", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.DeleteAsync($"/api/v1/dashboards/{id}/shares/public")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var folder = (await (await admin.PostAsJsonAsync("/api/v1/folders", new { name = $"Audited folder {Guid.NewGuid():N}" })).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var folderShare = await admin.PostAsJsonAsync($"/api/v1/folders/{folder}/shares", new { userId = viewer.Id, permission = "edit" });
        var folderShareId = (await folderShare.Content.ReadFromJsonAsync<JsonObject>())!["items"]![0]!["id"]!.GetValue<string>();
        (await admin.DeleteAsync($"/api/v1/folders/{folder}/shares/{folderShareId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/folders/{folder}/shares"))!["items"]!.AsArray().Should().BeEmpty();

        async Task<List<(string Action, string Detail)>> Trail(string targetId) =>
            (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/audit?targetId={targetId}"))!["items"]!.AsArray()
                .Select(e => (e!["action"]!.GetValue<string>(), e["detail"]?.GetValue<string>() ?? "")).Reverse().ToList();
        var dashboardTrail = await Trail(id);
        dashboardTrail.Select(e => e.Action).Should().Equal("share.granted", "share.revoked", "publiclink.created", "publiclink.published", "publiclink.revoked");
        dashboardTrail[0].Detail.Should().Contain(viewer.Name).And.Contain("view");
        var folderTrail = await Trail(folder);
        folderTrail.Select(e => e.Action).Should().Equal("share.granted", "share.revoked");
        folderTrail[0].Detail.Should().Contain("edit");
    }
}
