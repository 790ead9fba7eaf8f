using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Web;

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
}
