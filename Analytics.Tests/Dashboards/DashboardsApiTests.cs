using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Dashboards;
using Analytics.Tests.Web;

namespace Analytics.Tests.Dashboards;

/// <summary>Dashboards over HTTP on a seeded SQLite file: CRUD and validation, widget data under filters, sharing, the public link, templates, comments.</summary>
public sealed partial class DashboardsApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static object Kpi(string id, int x, string metric) =>
        new { id, type = "kpi", position = new { x, y = 0, w = 3, h = 2 }, config = new { title = metric.ToUpperInvariant(), query = new { metrics = new[] { metric } } } };

    private static object Definition(string name, params object[] widgets) => new
    {
        name,
        description = "test",
        refreshSeconds = 0,
        filters = new object[] { new { dimension = "time", start = "2025-06-01T00:00:00Z", end = "2025-07-01T00:00:00Z" } },
        widgets,
    };

    private static object Bar(string id, int y) => new
    {
        id, type = "bar", position = new { x = 0, y, w = 6, h = 4 },
        config = new { title = "Spend by campaign", query = new { metrics = new[] { "spend" }, groupBy = new[] { "campaign" }, sort = new[] { new { by = "spend", desc = true } } } },
    };

    private async Task<JsonObject> CreateAsync(HttpClient client, object definition)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards", definition);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<double> QuerySpendAsync(HttpClient client, string? sourceId = null, string? campaign = null)
    {
        var body = new JsonObject
        {
            ["metrics"] = new JsonArray("spend"),
            ["timeRange"] = new JsonObject { ["start"] = "2025-06-01T00:00:00Z", ["end"] = "2025-07-01T00:00:00Z" },
        };
        if (sourceId is not null) body["sourceIds"] = new JsonArray(sourceId);
        if (campaign is not null) body["filters"] = new JsonObject { ["campaign"] = new JsonArray(campaign) };
        var response = await client.PostAsJsonAsync("/api/v1/query", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]![0]![0]!.GetValue<double>();
    }

    private static JsonObject Widget(JsonObject data, string id) =>
        data["widgets"]!.AsArray().Single(w => w!["widgetId"]!.GetValue<string>() == id)!.AsObject();

    [Fact]
    public async Task A_dashboard_round_trips_and_bad_definitions_name_the_field_at_fault()
    {
        var created = await CreateAsync(Admin, Definition("Round trip", Kpi("k1", 0, "spend"), Bar("b1", 2)));
        var id = created["id"]!.GetValue<string>();
        var read = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}"))!;
        read["name"]!.GetValue<string>().Should().Be("Round trip");
        read["widgets"]!.AsArray().Select(w => w!["id"]!.GetValue<string>()).Should().Equal("k1", "b1");
        read["widgets"]![1]!["position"]!["w"]!.GetValue<int>().Should().Be(6);
        read["widgets"]![1]!["config"]!["query"]!["groupBy"]![0]!.GetValue<string>().Should().Be("campaign");
        read["filters"]![0]!["dimension"]!.GetValue<string>().Should().Be("time");

        async Task<JsonObject> Rejected(object body)
        {
            var response = await Admin.PostAsJsonAsync("/api/v1/dashboards", body);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        }
        (await Rejected(Definition(""))).Should().ContainKey("name");
        (await Rejected(Definition("x", new { type = "radar", position = new { x = 0, y = 0, w = 3, h = 3 } })))
            .Should().ContainKey("widgets[0].type");
        (await Rejected(Definition("x", new { type = "kpi", position = new { x = 10, y = 0, w = 3, h = 2 }, config = new { query = new { metrics = new[] { "spend" } } } })))
            .Should().ContainKey("widgets[0].position");
        var pie = await Rejected(Definition("x", new { type = "pie", position = new { x = 0, y = 0, w = 4, h = 4 }, config = new { query = new { metrics = new[] { "spend", "sales" } } } }));
        pie["widgets[0].config.query"]![0]!.GetValue<string>().Should().Contain("one metric by one dimension");
        (await Rejected(Definition("x", Kpi("a", 0, "spend"), Kpi("b", 1, "sales")))).Should().ContainKey("widgets[1].position");

        (await Admin.DeleteAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.GetAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Widget_data_follows_the_dashboard_filters_and_the_requests_overrides()
    {
        var id = (await CreateAsync(Admin, Definition("Data", Kpi("k1", 0, "spend"), Bar("b1", 2))))["id"]!.GetValue<string>();
        var total = await QuerySpendAsync(Admin);

        var data = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        var kpi = Widget(data, "k1");
        kpi["status"]!.GetValue<string>().Should().Be("ok");
        kpi["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(total, 0.01);
        kpi["kpi"]!["previous"]!.GetValue<double>().Should().BeGreaterThan(0, "June is compared with the 30 days before it");
        kpi["sparkline"]!["rows"]!.AsArray().Should().HaveCount(30, "one point per day of June");
        var bars = Widget(data, "b1")["result"]!["rows"]!.AsArray();
        bars.Sum(r => r![1]!.GetValue<double>()).Should().BeApproximately(total, 0.01);
        var campaign = bars[0]![0]!.GetValue<string>();

        var narrowed = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?filter.campaign={Uri.EscapeDataString(campaign)}"))!;
        Widget(narrowed, "k1")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(await QuerySpendAsync(Admin, campaign: campaign), 0.01);
        Widget(narrowed, "b1")["result"]!["rows"]!.AsArray().Should().ContainSingle();

        var contoso = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?filter.instance=demo-contoso"))!;
        Widget(contoso, "k1")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(await QuerySpendAsync(Admin, "demo-contoso"), 0.01);

        var week = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?start=2025-06-02T00:00:00Z&end=2025-06-09T00:00:00Z&widgets=k1"))!;
        week["widgets"]!.AsArray().Should().ContainSingle();
        Widget(week, "k1")["sparkline"]!["rows"]!.AsArray().Should().HaveCount(7);

        (await Admin.GetAsync($"/api/v1/dashboards/{id}/data?start=yesterday&end=2025-06-09T00:00:00Z")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Admin.GetAsync($"/api/v1/dashboards/{id}/data?preset=fortnight")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sharing_grants_view_or_edit_and_viewers_see_only_their_instances()
    {
        var id = (await CreateAsync(Admin, Definition("Shared", Kpi("k1", 0, "spend"))))["id"]!.GetValue<string>();
        var (viewerId, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        var (analystId, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso", "demo-northwind"]);
        using var viewer = factory.CreateApiClient(viewerKey);
        using var analyst = factory.CreateApiClient(analystKey);

        (await viewer.GetAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "not shared yet");
        (await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = viewerId, permission = "view" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var share = await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = analystId, permission = "edit" });
        var shares = (await share.Content.ReadFromJsonAsync<JsonObject>())!["shares"]!.AsArray();
        shares.Should().HaveCount(2);

        var seen = (await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}"))!;
        seen["permission"]!.GetValue<string>().Should().Be("view");
        var edit = await viewer.PutAsJsonAsync($"/api/v1/dashboards/{id}", Definition("Hijacked", Kpi("k1", 0, "spend")));
        edit.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = analystId })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var viewerData = (await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        Widget(viewerData, "k1")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(await QuerySpendAsync(Admin, "demo-contoso"), 0.01,
            "the viewer is granted Contoso only, whatever dashboard they open");
        (await viewer.GetAsync($"/api/v1/dashboards/{id}/data?filter.instance=demo-fabrikam")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await analyst.PutAsJsonAsync($"/api/v1/dashboards/{id}", Definition("Edited by analyst", Kpi("k1", 0, "sales")))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}"))!["name"]!.GetValue<string>().Should().Be("Edited by analyst");
        (await analyst.DeleteAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "editors edit; only the owner deletes");

        var notices = (await viewer.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray();
        notices.Should().Contain(n => n!["title"]!.GetValue<string>().Contains("shared Shared with you"));

        var viewerShare = shares.First(s => s!["principalId"]!.GetValue<string>() == viewerId)!["id"]!.GetValue<string>();
        (await Admin.DeleteAsync($"/api/v1/dashboards/{id}/shares/{viewerShare}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await viewer.GetAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "revoked");
        (await viewer.GetFromJsonAsync<JsonObject>("/api/v1/dashboards"))!["items"]!.AsArray().Should().NotContain(d => d!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_public_link_opens_one_dashboard_without_sign_in_until_revoked()
    {
        var id = (await CreateAsync(Admin, Definition("Public", Kpi("k1", 0, "spend"))))["id"]!.GetValue<string>();
        var shared = await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { @public = true });
        var token = (await shared.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
        token.Length.Should().BeGreaterThanOrEqualTo(30);

        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync($"/api/v1/public/dashboards/{token}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["dashboard"]!["name"]!.GetValue<string>().Should().Be("Public");
        body["dashboard"]!["publicToken"].Should().BeNull();
        Widget(body["data"]!.AsObject(), "k1")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(await QuerySpendAsync(Admin), 0.01);
        (await anonymous.GetAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/v1/public/dashboards/{token}x")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await Admin.DeleteAsync($"/api/v1/dashboards/{id}/shares/public")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await anonymous.GetAsync($"/api/v1/public/dashboards/{token}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stale_save_wins_but_says_whose_changes_it_replaced()
    {
        var (_, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(analystKey);
        var created = await CreateAsync(Admin, Definition("Race", Kpi("k1", 0, "spend")));
        var id = created["id"]!.GetValue<string>();
        await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = await UserIdOfKeyAsync(analyst), permission = "edit" });

        var version = created["version"]!.GetValue<int>();
        var first = await analyst.PutAsJsonAsync($"/api/v1/dashboards/{id}", WithVersion(Definition("Analyst's", Kpi("k1", 0, "sales")), version));
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Headers.Contains("X-Overwrote-Changes-By").Should().BeFalse();
        var second = await Admin.PutAsJsonAsync($"/api/v1/dashboards/{id}", WithVersion(Definition("Admin's", Kpi("k1", 0, "roas")), version));
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Headers.GetValues("X-Overwrote-Changes-By").Should().ContainSingle();
        var saved = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        saved["name"]!.GetValue<string>().Should().Be("Admin's");
        saved["version"]!.GetValue<int>().Should().Be(version + 2);
    }

    private static JsonObject WithVersion(object definition, int version)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(definition, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!.AsObject();
        node["version"] = version;
        return node;
    }

    private static async Task<string> UserIdOfKeyAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/me"))!["id"]!.GetValue<string>();

    [Fact]
    public async Task Templates_instantiate_for_chosen_instances_and_system_health_reads_the_apps_own_metrics()
    {
        var templates = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/dashboard-templates"))!["items"]!.AsArray();
        templates.Select(t => t!["id"]!.GetValue<string>()).Should().Contain(["performance", "attribution", "audience", "campaign-comparison", "system-health"]);

        var response = await Admin.PostAsJsonAsync("/api/v1/dashboard-templates/performance/instantiate", new { name = "Northwind performance", sourceIds = new[] { "demo-northwind" } });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var dashboard = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        dashboard["filters"]!.AsArray().Should().Contain(f => f!["dimension"]!.GetValue<string>() == "instance");
        var data = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{dashboard["id"]}/data?start=2025-06-01T00:00:00Z&end=2025-07-01T00:00:00Z"))!;
        data["widgets"]!.AsArray().Should().OnlyContain(w => w!["status"]!.GetValue<string>() == "ok", data.ToJsonString());
        var spend = data["widgets"]!.AsArray().First(w => w!["type"]!.GetValue<string>() == "kpi")!["kpi"]!["value"]!.GetValue<double>();
        spend.Should().BeApproximately(await QuerySpendAsync(Admin, "demo-northwind"), 0.01);

        var health = await Admin.PostAsJsonAsync("/api/v1/dashboard-templates/system-health/instantiate", new { });
        health.StatusCode.Should().Be(HttpStatusCode.Created);
        var healthId = (await health.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var healthData = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{healthId}/data?preset=last7days"))!;
        healthData["widgets"]!.AsArray().Should().OnlyContain(w => w!["status"]!.GetValue<string>() == "ok", healthData.ToJsonString());

        (await Admin.PostAsJsonAsync("/api/v1/dashboard-templates/nope/instantiate", new { })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var limited = factory.CreateApiClient(viewerKey);
        (await limited.PostAsJsonAsync("/api/v1/dashboard-templates/performance/instantiate", new { sourceIds = new[] { "demo-fabrikam" } }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("attribution")]
    [InlineData("audience")]
    [InlineData("campaign-comparison")]
    public async Task Every_instance_template_shows_data_on_the_demo_instances_one_or_all(string template)
    {
        foreach (var sourceIds in new[] { new[] { "demo-contoso" }, Array.Empty<string>() })
        {
            var response = await Admin.PostAsJsonAsync($"/api/v1/dashboard-templates/{template}/instantiate", new { sourceIds });
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
            var data = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?preset=last90days"))!;
            var widgets = data["widgets"]!.AsArray();
            widgets.Should().OnlyContain(w => w!["status"]!.GetValue<string>() == "ok", data.ToJsonString());
            widgets.Should().OnlyContain(w => w!["result"]!["rows"]!.AsArray().Count > 0, $"every widget of {template} has data on [{string.Join(", ", sourceIds)}]");
        }
    }

    [Fact]
    public async Task Purchases_by_attribution_add_up_to_the_paths_own_week_totals_and_the_ad_performance_is_not_counted_twice()
    {
        var window = "\"timeRange\":{\"start\":\"2025-06-02T00:00:00Z\",\"end\":\"2025-06-30T00:00:00Z\"}";
        async Task<double> TotalAsync(string query)
        {
            var response = await Admin.PostAsync("/api/v1/query", new StringContent(query, System.Text.Encoding.UTF8, "application/json"));
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var rows = (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]!.AsArray();
            return rows.Sum(r => r!.AsArray().Last()!.GetValue<double>());
        }
        // Contoso's sales with no breakdown come from its daily ad performance alone, not that plus its paths and touches.
        var total = await TotalAsync($$"""{"metrics":["sales"],"sourceIds":["demo-contoso"],{{window}}}""");
        var byCampaign = await TotalAsync($$"""{"metrics":["sales"],"groupBy":["campaign"],"sourceIds":["demo-contoso"],{{window}}}""");
        total.Should().BeApproximately(byCampaign, 0.01);
        var byTouch = await TotalAsync($$"""{"metrics":["sales"],"groupBy":["touch"],"sourceIds":["demo-contoso"],{{window}}}""");
        byTouch.Should().BeGreaterThan(0).And.NotBeApproximately(total, 0.01, "touches are a dataset of their own");
        var byTouchNamed = await TotalAsync($$"""{"metrics":["sales"],"dataset":"attribution_touch","sourceIds":["demo-contoso"],{{window}}}""");
        byTouchNamed.Should().BeApproximately(byTouch, 0.01, "naming the dataset picks it");
    }

    [Fact]
    public async Task Folders_shared_with_a_team_open_their_dashboards_and_mentions_notify()
    {
        var (memberId, memberKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var member = factory.CreateApiClient(memberKey);
        var team = await Admin.PostAsJsonAsync("/api/v1/teams", new { name = $"Team {Guid.NewGuid():N}", memberIds = new[] { memberId } });
        team.StatusCode.Should().Be(HttpStatusCode.Created, await team.Content.ReadAsStringAsync());
        var teamId = (await team.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var folder = await Admin.PostAsJsonAsync("/api/v1/folders", new { name = "Team folder" });
        var folderId = (await folder.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var definition = WithVersion(Definition("In a folder", Kpi("k1", 0, "spend")), 1);
        definition["folderId"] = folderId;
        var id = (await CreateAsync(Admin, definition))["id"]!.GetValue<string>();

        (await member.GetAsync($"/api/v1/dashboards/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Admin.PostAsJsonAsync($"/api/v1/folders/{folderId}/shares", new { teamId, permission = "view" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await member.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}"))!["permission"]!.GetValue<string>().Should().Be("view");
        (await member.GetFromJsonAsync<JsonObject>("/api/v1/dashboards?scope=shared"))!["items"]!.AsArray().Should().Contain(d => d!["id"]!.GetValue<string>() == id);

        var email = (await member.GetFromJsonAsync<JsonObject>("/api/v1/me"))!["email"]!.GetValue<string>();
        var comment = await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/comments", new { widgetId = "k1", body = $"@{email.Split('@')[0]} why did spend jump?" });
        comment.StatusCode.Should().Be(HttpStatusCode.Created, await comment.Content.ReadAsStringAsync());
        (await member.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/comments"))!["items"]!.AsArray().Should().ContainSingle();
        (await member.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]!.AsArray().Should().Contain(n => n!["category"]!.GetValue<string>() == "mention");
        (await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/comments", new { widgetId = "nope", body = "x" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Exports_carry_the_viewers_numbers_into_pdf_xlsx_and_csv()
    {
        var id = (await CreateAsync(Admin, Definition("Exported board", Kpi("k1", 0, "spend"), Bar("b1", 2))))["id"]!.GetValue<string>();
        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(viewerKey);
        (await viewer.GetAsync($"/api/v1/dashboards/{id}/export?format=pdf")).StatusCode.Should().Be(HttpStatusCode.NotFound, "not shared with the viewer");
        (await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=docx")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var directory = Directory.CreateTempSubdirectory("dashboard-export-");
        try
        {
            var pdf = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=pdf&filter.instance=demo-contoso");
            pdf.StatusCode.Should().Be(HttpStatusCode.OK, await pdf.Content.ReadAsStringAsync());
            pdf.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
            var path = Path.Combine(directory.FullName, "board.pdf");
            await File.WriteAllBytesAsync(path, await pdf.Content.ReadAsByteArrayAsync());
            var text = Analytics.Tests.Exports.ExportTestFiles.PdfText(path);
            text.Should().Contain("Exported board").And.Contain("Spend by campaign");
            var contoso = await QuerySpendAsync(Admin, "demo-contoso");
            text.Replace(",", "").Should().Contain(Math.Round(contoso, 2).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), "the KPI shows Contoso's spend");

            var csv = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=csv&widget=b1");
            csv.StatusCode.Should().Be(HttpStatusCode.OK);
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            lines[0].Should().Contain("Campaign");
            lines.Length.Should().BeGreaterThan(10, "one line per campaign");

            var xlsx = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=xlsx");
            xlsx.StatusCode.Should().Be(HttpStatusCode.OK);
            var bytes = await xlsx.Content.ReadAsByteArrayAsync();
            using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(bytes), false);
            document.WorkbookPart!.Workbook.Sheets!.ChildElements.Count.Should().Be(3, "a summary sheet and one per widget");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = CsvHelper.CsvReader.Create(bytes, new CsvHelper.CsvReaderOptions { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "").ToArray());
        return rows;
    }

    private static async Task<double> SpendAsync(HttpClient client, string start, string end, string? sourceId = null)
    {
        var body = new JsonObject { ["metrics"] = new JsonArray("spend"), ["timeRange"] = new JsonObject { ["start"] = start, ["end"] = end } };
        if (sourceId is not null) body["sourceIds"] = new JsonArray(sourceId);
        var response = await client.PostAsJsonAsync("/api/v1/query", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]![0]![0]!.GetValue<double>();
    }

    [Fact]
    public async Task Underlying_rows_stream_every_stored_fact_under_the_filters_once_and_only_from_granted_instances()
    {
        const string start = "2025-01-01T00:00:00Z", end = "2026-01-01T00:00:00Z";
        var range = $"start={Uri.EscapeDataString(start)}&end={Uri.EscapeDataString(end)}";
        var id = (await CreateAsync(Admin, Definition("Underlying board", Kpi("k1", 0, "spend"), Bar("b1", 2))))["id"]!.GetValue<string>();

        // One instance: one CSV of its facts in the year, read a page (5,000 rows) at a time — several pages here.
        var contoso = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=csv&rows=underlying&filter.instance=demo-contoso&{range}");
        contoso.StatusCode.Should().Be(HttpStatusCode.OK, await contoso.Content.ReadAsStringAsync());
        contoso.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        contoso.Content.Headers.ContentDisposition!.FileName.Should().Contain("underlying-rows");
        var rows = ReadCsv(await contoso.Content.ReadAsByteArrayAsync());
        rows[0].Should().Equal("Day", "Campaign", "ASIN", "Campaign type", "Impressions", "Clicks", "Spend", "Sales", "Purchases");
        var data = rows.Skip(1).ToList();
        data.Count.Should().BeGreaterThan(2 * UnderlyingRows.PageRows, "a year of one instance's campaign × ASIN days spans several pages");
        data.Select(r => (r[0], r[1], r[2])).Should().OnlyHaveUniqueItems("each stored fact once, across page boundaries");
        data.Should().OnlyContain(r => string.CompareOrdinal(r[0], "2025-01-01") >= 0 && string.CompareOrdinal(r[0], "2026-01-01") < 0);
        var spend = data.Sum(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture));
        spend.Should().BeApproximately(await SpendAsync(Admin, start, end, "demo-contoso"), 0.01, "the rows add up to what the widgets show");

        // The export history lists it as underlying rows, and a re-download makes the same rows again.
        var history = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/exports?dashboardId={id}"))!["items"]!.AsArray();
        var record = history.First()!;
        record["parameters"]!["underlying"]!.GetValue<bool>().Should().BeTrue();
        record["sizeBytes"]!.GetValue<long>().Should().Be(contoso.Content.Headers.ContentLength!.Value);
        var again = await Admin.GetAsync(record["downloadUrl"]!.GetValue<string>());
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        ReadCsv(await again.Content.ReadAsByteArrayAsync()).Should().BeEquivalentTo(rows, o => o.WithStrictOrdering());

        // A dimension filter narrows the rows as it narrows the widgets.
        var campaign = data[0][1];
        var one = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=csv&rows=underlying&filter.instance=demo-contoso&filter.campaign={Uri.EscapeDataString(campaign)}&{range}");
        ReadCsv(await one.Content.ReadAsByteArrayAsync()).Skip(1).Should().NotBeEmpty().And.OnlyContain(r => r[1] == campaign);

        // Every instance: one CSV per dataset, zipped.
        var all = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=csv&rows=underlying&{range}");
        all.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await all.Content.ReadAsByteArrayAsync())))
        {
            zip.Entries.Should().HaveCount(3, "the demo workspace's three instances, one ad dataset each");
            var total = 0.0;
            foreach (var entry in zip.Entries)
            {
                using var buffer = new MemoryStream();
                await using (var stream = entry.Open()) await stream.CopyToAsync(buffer);
                total += ReadCsv(buffer.ToArray()).Skip(1).Sum(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture));
            }
            total.Should().BeApproximately(await SpendAsync(Admin, start, end), 0.05);
        }

        // Excel: the summary sheet and the dataset's sheet, one row per fact.
        var xlsx = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?format=xlsx&rows=underlying&filter.instance=demo-contoso&{range}");
        xlsx.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()), false))
        {
            var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().ToList();
            sheets.Should().HaveCount(2);
            var part = (DocumentFormat.OpenXml.Packaging.WorksheetPart)document.WorkbookPart.GetPartById(sheets[1].Id!);
            part.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().Count().Should().Be(data.Count + 1);
        }

        // An analyst granted one instance gets that instance's rows only, from their own dashboard without filters.
        var (_, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        using var analyst = factory.CreateApiClient(analystKey);
        var own = (await CreateAsync(analyst, Definition("Mine", Bar("b1", 0))))["id"]!.GetValue<string>();
        // They work in New York: the stored days still read as their own UTC dates, not as 19:00 the evening before.
        (await analyst.PutAsJsonAsync("/api/v1/me/preferences", new { timeZone = "America/New_York" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var mine = await analyst.GetAsync($"/api/v1/dashboards/{own}/export?format=csv&rows=underlying&{range}");
        mine.Content.Headers.ContentType!.MediaType.Should().Be("text/csv", "one visible dataset");
        var mineRows = ReadCsv(await mine.Content.ReadAsByteArrayAsync()).Skip(1).ToList();
        mineRows.Sum(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture))
            .Should().BeApproximately(await SpendAsync(Admin, start, end, "demo-fabrikam"), 0.01);
        mineRows.Should().OnlyContain(r => r[0].EndsWith("T00:00:00Z", StringComparison.Ordinal));
        mineRows.Min(r => r[0]).Should().StartWith("2025-01-01");
        (await analyst.GetAsync($"/api/v1/dashboards/{own}/export?format=csv&rows=underlying&filter.instance=demo-contoso&{range}"))
            .StatusCode.Should().Be(HttpStatusCode.NotFound, "an instance not granted is not there for them, as everywhere else");

        // Bad requests name the parameter.
        foreach (var (query, field) in new[] { ("format=pdf&rows=underlying", "format"), ("format=csv&rows=everything", "rows"), ("format=csv&rows=underlying&widget=b1", "widget") })
        {
            var bad = await Admin.GetAsync($"/api/v1/dashboards/{id}/export?{query}");
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest, query);
            (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field].Should().NotBeNull(query);
        }
    }
}
