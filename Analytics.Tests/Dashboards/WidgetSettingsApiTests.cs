using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Web;

namespace Analytics.Tests.Dashboards;

/// <summary>
/// Widget settings over HTTP on the seeded demo: a widget's own time range beside the dashboard's (on the data endpoint,
/// under a request's override and through a public link), value filters after aggregation, instances the viewer is not
/// granted, and options refused by field.
/// </summary>
public sealed class WidgetSettingsApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static object Widget(string id, string type, int y, object query, object? options = null, string? title = null) =>
        new { id, type, position = new { x = 0, y, w = 6, h = 4 }, config = new { title = title ?? id, query, options } };

    private static object Dashboard(string name, params object[] widgets) => new
    {
        name, refreshSeconds = 0, filters = new object[] { new { dimension = "time", preset = "last90days" } }, widgets,
    };

    private static JsonObject Result(JsonObject data, string id) =>
        data["widgets"]!.AsArray().Single(w => w!["widgetId"]!.GetValue<string>() == id)!.AsObject();

    private async Task<double> SpendAsync(DateTimeOffset start, DateTimeOffset end)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/query", new { metrics = new[] { "spend" }, timeRange = new { start, end } });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]![0]![0]!.GetValue<double>();
    }

    private async Task<string> CreateAsync(object definition)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/dashboards", definition);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_widget_on_last_7_days_keeps_them_beside_a_dashboard_on_last_90_days_under_overrides_and_through_its_public_link()
    {
        var kpi = new { metrics = new[] { "spend" } };
        var line = new { metrics = new[] { "spend" }, granularity = "day" };
        var id = await CreateAsync(Dashboard("Own time range",
            Widget("k90", "kpi", 0, kpi), Widget("k7", "kpi", 4, kpi, new { timeRange = "last7days" }),
            Widget("l90", "line", 8, line), Widget("l7", "line", 12, line, new { timeRange = "last7days" })));

        var data = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        var (start, end) = (DateTimeOffset.Parse(data["start"]!.GetValue<string>()), DateTimeOffset.Parse(data["end"]!.GetValue<string>()));
        (end - start).TotalDays.Should().Be(90);
        var own = Result(data, "k7")["ownTimeRange"]!;
        own["preset"]!.GetValue<string>().Should().Be("last7days");
        own["label"]!.GetValue<string>().Should().Be("Last 7 days");
        var (ownStart, ownEnd) = (DateTimeOffset.Parse(own["start"]!.GetValue<string>()), DateTimeOffset.Parse(own["end"]!.GetValue<string>()));
        (ownStart, ownEnd).Should().Be((end.AddDays(-7), end), "the seven complete days before today, as the dashboard's ninety end today");
        Result(data, "k90")["ownTimeRange"].Should().BeNull("it follows the dashboard");

        var week = await SpendAsync(ownStart, ownEnd);
        var quarter = await SpendAsync(start, end);
        week.Should().BeLessThan(quarter / 2, "the demo spends every day");
        Result(data, "k7")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(week, 0.01);
        Result(data, "k90")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(quarter, 0.01);
        Result(data, "l7")["result"]!["rows"]!.AsArray().Should().HaveCount(7, "one point per day of its own week");
        Result(data, "l90")["result"]!["rows"]!.AsArray().Should().HaveCount(90);
        Result(data, "k7")["kpi"]!["previous"]!.GetValue<double>().Should().BeApproximately(await SpendAsync(ownStart.AddDays(-7), ownStart), 0.01,
            "a KPI compares with the week before its own week");

        // A request's range moves the dashboard, not the widget that keeps its own.
        var month = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data?preset=last30days"))!;
        Result(month, "k7")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(week, 0.01);
        Result(month, "l90")["result"]!["rows"]!.AsArray().Should().HaveCount(30);

        // A public link computes the same, whatever preset the visitor picks.
        var shared = await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { @public = true });
        shared.StatusCode.Should().Be(HttpStatusCode.OK, await shared.Content.ReadAsStringAsync());
        var token = (await shared.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync($"/api/v1/public/dashboards/{token}?preset=lastYear");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var visited = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        PublicLinkTests.KpiValue(visited, "k7").Should().BeApproximately(week, 0.01);
        PublicLinkTests.KpiValue(visited, "k90").Should().NotBeApproximately(week, 1);
    }

    [Fact]
    public async Task Value_filters_keep_only_the_rows_whose_metric_passes_after_aggregation()
    {
        var byCampaign = new JsonObject
        {
            ["metrics"] = new JsonArray("spend", "roas"), ["groupBy"] = new JsonArray("campaign"),
            ["timeRange"] = new JsonObject { ["start"] = "2025-06-01T00:00:00Z", ["end"] = "2025-07-01T00:00:00Z" },
        };
        var all = (await (await Admin.PostAsJsonAsync("/api/v1/query", byCampaign)).Content.ReadFromJsonAsync<JsonObject>())!["rows"]!.AsArray();
        var roas = all.Select(r => r![2]!.GetValue<double>()).Order().ToList();
        roas.Should().HaveCountGreaterThan(2);
        var cut = (roas[roas.Count / 2 - 1] + roas[roas.Count / 2]) / 2;

        byCampaign["having"] = new JsonArray(new JsonObject { ["metric"] = "roas", ["op"] = "<", ["value"] = cut });
        var response = await Admin.PostAsJsonAsync("/api/v1/query", byCampaign);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var kept = (await response.Content.ReadFromJsonAsync<JsonObject>())!["rows"]!.AsArray();
        kept.Select(r => r![0]!.GetValue<string>()).Should().BeEquivalentTo(
            all.Where(r => r![2]!.GetValue<double>() < cut).Select(r => r![0]!.GetValue<string>()), "the campaigns whose month's ROAS is below the cut, and only those");
        kept.Count.Should().BeLessThan(all.Count);

        byCampaign["having"] = new JsonArray(new JsonObject { ["metric"] = "acos", ["op"] = "~", ["value"] = null });
        var refused = await Admin.PostAsJsonAsync("/api/v1/query", byCampaign);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["having[0].metric", "having[0].op", "having[0].value"]);
    }

    [Fact]
    public async Task Widget_settings_are_refused_by_field_and_nothing_is_saved()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/dashboards", Dashboard("Bad settings",
            Widget("w0", "line", 0, new { metrics = new[] { "spend" }, granularity = "day", having = new[] { new { metric = "sales", op = "<", value = 2 } } },
                new { timeRange = "fortnight", colors = new { spend = "url(x)" }, logScale = true, min = 0, axisFormat = "roman" }),
            Widget("w1", "table", 4, new { metrics = new[] { "roas" }, groupBy = new[] { "campaign" } },
                new { rules = new object[] { new { column = "roas", op = "below", value = "two" } } }),
            Widget("w2", "gauge", 8, new { metrics = new[] { "roas" } }, new { thresholds = new object[] { new { value = 2 } } })));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).ToList();
        errors.Should().Contain([
            "widgets[0].config.options.timeRange", "widgets[0].config.options.colors.spend", "widgets[0].config.options.min",
            "widgets[0].config.options.axisFormat", "widgets[0].config.query.having[0].metric",
            "widgets[1].config.options.rules[0].op", "widgets[1].config.options.rules[0].value", "widgets[1].config.options.rules[0].color",
            "widgets[2].config.options.thresholds[0].color",
        ]);
        var list = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/dashboards?limit=200"))!["items"]!.AsArray();
        list.Should().NotContain(d => d!["name"]!.GetValue<string>() == "Bad settings");
    }

    [Fact]
    public async Task A_widget_pinned_to_an_instance_the_viewer_is_not_granted_shows_them_nothing_of_it()
    {
        var id = await CreateAsync(Dashboard("Pinned instances",
            Widget("mine", "kpi", 0, new { metrics = new[] { "spend" }, sourceIds = new[] { "demo-contoso" } }),
            Widget("theirs", "kpi", 4, new { metrics = new[] { "spend" }, sourceIds = new[] { "demo-fabrikam" } })));
        var (viewerId, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        (await Admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { userId = viewerId, permission = "view" })).StatusCode.Should().Be(HttpStatusCode.OK);
        using var viewer = factory.CreateApiClient(viewerKey);

        var admin = (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        Result(admin, "theirs")["kpi"]!["value"]!.GetValue<double>().Should().BeGreaterThan(0);
        var seen = (await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{id}/data"))!;
        Result(seen, "mine")["kpi"]!["value"]!.GetValue<double>().Should().BeApproximately(Result(admin, "mine")["kpi"]!["value"]!.GetValue<double>(), 0.01);
        Result(seen, "theirs")["status"]!.GetValue<string>().Should().Be("error");
        Result(seen, "theirs")["result"].Should().BeNull("no number of an instance the viewer is not granted reaches them");
        Result(seen, "theirs")["kpi"].Should().BeNull();
    }
}
