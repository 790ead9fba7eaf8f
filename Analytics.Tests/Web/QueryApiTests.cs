using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Operational;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>HTTP-level tests of /catalog, /query and /metrics/definitions against the app over the seeded demo workspace.</summary>
public sealed class QueryApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static object LastDays(int days, object[] metrics, string granularity, object? extra = null)
    {
        var end = DateTimeOffset.UtcNow.Date;
        var body = new JsonObject
        {
            ["metrics"] = new JsonArray(metrics.Select(m => (JsonNode)JsonValue.Create((string)m)!).ToArray()),
            ["granularity"] = granularity,
            ["timeRange"] = new JsonObject { ["start"] = new DateTimeOffset(end.AddDays(-days), TimeSpan.Zero).ToString("O"), ["end"] = new DateTimeOffset(end, TimeSpan.Zero).ToString("O") },
        };
        if (extra is not null)
        {
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject()) body[k] = v?.DeepClone();
        }
        return body;
    }

    [Fact]
    public async Task Catalog_lists_visible_datasets_and_metrics_with_the_datasets_they_apply_to()
    {
        var catalog = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/catalog");

        var datasets = catalog!["datasets"]!.AsArray();
        var demo = datasets.Where(d => d!["key"]!.GetValue<string>() == "ad_performance").ToList();
        demo.Select(d => d!["sourceId"]!.GetValue<string>()).Should().Contain(["demo-northwind", "demo-contoso", "demo-fabrikam"]);
        demo[0]!["dimensions"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).Should().Equal("campaign", "asin", "campaign_type");
        demo[0]!["measures"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).Should().Equal("impressions", "clicks", "spend", "sales", "purchases");

        var roas = catalog["metrics"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "roas")!;
        roas["formula"]!.GetValue<string>().Should().Be("sales / spend");
        roas["baseMeasures"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("sales", "spend");
        roas["datasets"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Contain(demo.Select(d => d!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Query_returns_columns_rows_and_meta_and_a_second_call_is_a_cache_hit()
    {
        var body = LastDays(28, ["spend", "roas"], "week", new { groupBy = new[] { "campaign_type" }, sort = new[] { new { by = "spend", desc = true } }, timeZone = "Europe/Berlin" });

        var response = await Admin.PostAsJsonAsync("/api/v1/query", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        result["columns"]!.AsArray().Select(c => $"{c!["name"]}:{c["role"]}").Should().Equal("time:time", "campaign_type:dimension", "spend:metric", "roas:metric");
        var rows = result["rows"]!.AsArray();
        rows.Should().NotBeEmpty();
        rows[0]![0]!.GetValue<string>().Should().EndWith("Z");
        result["meta"]!["cache"]!.GetValue<string>().Should().Be("miss");
        result["meta"]!["timeZone"]!.GetValue<string>().Should().Be("Europe/Berlin");
        result["meta"]!["datasets"]!.AsArray().Should().HaveCountGreaterThanOrEqualTo(3);

        var again = await (await Admin.PostAsJsonAsync("/api/v1/query", body)).Content.ReadFromJsonAsync<JsonObject>();
        again!["meta"]!["cache"]!.GetValue<string>().Should().Be("hit");
        again["rows"]!.ToJsonString().Should().Be(rows.ToJsonString());
    }

    [Fact]
    public async Task Bad_queries_are_400_problems_naming_the_field()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/query", LastDays(7, ["roas", "bogus"], "day", new { groupBy = new[] { "planet" }, limit = 0 }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!["limit"].Should().NotBeNull();

        var names = await Admin.PostAsJsonAsync("/api/v1/query", LastDays(7, ["roas", "bogus"], "day", new { groupBy = new[] { "planet" } }));
        var errors = JsonNode.Parse(await names.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["metrics[1]", "groupBy[0]"]);
    }

    [Fact]
    public async Task An_analyst_sees_only_granted_sources_in_catalog_and_query_and_gets_404_for_others()
    {
        var key = await CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var analyst = factory.CreateApiClient(key);

        var catalog = await analyst.GetFromJsonAsync<JsonObject>("/api/v1/catalog");
        catalog!["datasets"]!.AsArray().Select(d => d!["sourceId"]!.GetValue<string>()).Distinct().Should().Equal("demo-contoso");

        var mine = await (await analyst.PostAsJsonAsync("/api/v1/query", LastDays(7, ["spend"], "none", new { groupBy = new[] { "campaign" } }))).Content.ReadFromJsonAsync<JsonObject>();
        mine!["meta"]!["datasets"]!.AsArray().Select(d => d!["sourceId"]!.GetValue<string>()).Should().Equal("demo-contoso");
        mine["rows"]!.AsArray().Select(r => r![0]!.GetValue<string>()).Should().NotContain(c => c.Contains("Tents"));

        var other = await analyst.PostAsJsonAsync("/api/v1/query", LastDays(7, ["spend"], "none", new { sourceIds = new[] { "demo-northwind" } }));
        other.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Queries_bucket_in_the_users_time_zone_unless_they_name_one()
    {
        var client = factory.CreateApiClient(await CreateUserWithKeyAsync("analyst", ["demo-contoso"]));
        (await client.PutAsJsonAsync("/api/v1/me/preferences", new { timeZone = "Atlantis/Lost" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PutAsJsonAsync("/api/v1/me/preferences", new { timeZone = "America/New_York" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/me/preferences"))!["timeZone"]!.GetValue<string>().Should().Be("America/New_York");

        var mine = await (await client.PostAsJsonAsync("/api/v1/query", LastDays(3, ["spend"], "day"))).Content.ReadFromJsonAsync<JsonObject>();
        mine!["meta"]!["timeZone"]!.GetValue<string>().Should().Be("America/New_York");
        mine["rows"]![0]![0]!.GetValue<DateTime>().ToUniversalTime().Hour.Should().BeOneOf(new[] { 4, 5 }, "New York midnight is 04:00 or 05:00 UTC");

        var named = await (await client.PostAsJsonAsync("/api/v1/query", LastDays(3, ["spend"], "day", new { timeZone = "UTC" }))).Content.ReadFromJsonAsync<JsonObject>();
        named!["meta"]!["timeZone"]!.GetValue<string>().Should().Be("UTC");
    }

    [Fact]
    public async Task Custom_metrics_are_validated_queryable_and_only_authors_change_them()
    {
        var bad = await Admin.PostAsJsonAsync("/api/v1/metrics/definitions", new { name = "profit", label = "Profit", formula = "sales - * spend", format = "currency" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("position 9");

        var created = await Admin.PostAsJsonAsync("/api/v1/metrics/definitions", new { name = "profit", label = "Profit", formula = "sales - spend", format = "currency" });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var margin = await Admin.PostAsJsonAsync("/api/v1/metrics/definitions", new { name = "margin", label = "Margin", formula = "profit / sales", format = "percent" });
        margin.StatusCode.Should().Be(HttpStatusCode.Created);
        (await margin.Content.ReadFromJsonAsync<JsonObject>())!["baseMeasures"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("sales", "spend");

        var cycle = await Admin.PutAsJsonAsync("/api/v1/metrics/definitions/profit", new { formula = "margin * sales" });
        cycle.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await cycle.Content.ReadAsStringAsync()).Should().Contain("refers to itself");

        var result = await (await Admin.PostAsJsonAsync("/api/v1/query", LastDays(14, ["sales", "spend", "profit", "margin"], "none"))).Content.ReadFromJsonAsync<JsonObject>();
        var row = result!["rows"]![0]!.AsArray();
        var (sales, spend, profit, m) = (row[0]!.GetValue<double>(), row[1]!.GetValue<double>(), row[2]!.GetValue<double>(), row[3]!.GetValue<double>());
        profit.Should().BeApproximately(sales - spend, 1e-6);
        m.Should().BeApproximately((sales - spend) / sales, 1e-9);

        var viewer = factory.CreateApiClient(await CreateUserWithKeyAsync("viewer", []));
        (await viewer.PostAsJsonAsync("/api/v1/metrics/definitions", new { name = "x", label = "X", formula = "sales" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Admin.PutAsJsonAsync("/api/v1/metrics/definitions/roas", new { label = "Mine now" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Admin.DeleteAsync("/api/v1/metrics/definitions/profit")).StatusCode.Should().Be(HttpStatusCode.Conflict, "margin uses it");
        (await Admin.DeleteAsync("/api/v1/metrics/definitions/margin")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.GetAsync("/api/v1/metrics/definitions/margin")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var list = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/metrics/definitions?limit=500");
        list!["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).Should().Contain(["profit", "roas"]).And.NotContain("margin");
    }

    private async Task<string> CreateUserWithKeyAsync(string role, string[] instances)
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email = $"{role}-{Guid.NewGuid():N}@example.com", role, instanceIds = instances });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var userId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var keyResponse = await Admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "test" });
        return JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }

    [Fact]
    public async Task Self_instrumentation_records_query_cache_hits_and_misses()
    {
        var now = DateTimeOffset.UtcNow;
        var body = new { metrics = new[] { "spend" }, timeRange = new { start = now.AddDays(-3), end = now }, granularity = "none" };
        (await Admin.PostAsJsonAsync("/api/v1/query", body)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Admin.PostAsJsonAsync("/api/v1/query", body)).StatusCode.Should().Be(HttpStatusCode.OK);
        await factory.Services.GetRequiredService<MetricsFlusher>().FlushAsync(CancellationToken.None, includeCurrentMinute: true);

        var response = await Admin.PostAsJsonAsync("/api/v1/metrics/query", new
        {
            metricName = "query.cache", timeRange = new { start = now.AddHours(-1), end = now.AddMinutes(1) },
            aggregation = "sum", interval = "1h", groupBy = new[] { "result" },
        });
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        data.Select(d => d!["tags"]!["result"]!.GetValue<string>()).Should().Contain(["hit", "miss"]);
    }
}
