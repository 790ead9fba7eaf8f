using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>Templates, reports and executions over HTTP against the app and its seeded demo workspace.</summary>
public sealed class ReportsApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);

    private async Task<JsonNode> CreateReportAsync(HttpClient client, string sourceId = "demo-northwind", object? parameters = null, string templateId = "tpl-demo-campaign-daily")
    {
        var response = await client.PostAsJsonAsync("/api/v1/reports", new { name = $"Campaigns {Guid.NewGuid():N}", templateId, sourceId, parameters = parameters ?? new { } });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> RunAsync(HttpClient client, string reportId, DateTimeOffset start, DateTimeOffset end)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/reports/{reportId}/executions", new { timeWindowStart = start, timeWindowEnd = end });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["executionId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var execution = JsonNode.Parse(await client.GetStringAsync($"/api/v1/executions/{id}"))!;
            if (execution["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return execution;
            DateTime.UtcNow.Should().BeBefore(deadline, "the execution should end within a minute");
            await Task.Delay(100);
        }
    }

    private async Task<long> FactCountAsync(int datasetId)
    {
        var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        await using (db) return await db.Facts.LongCountAsync(f => f.DatasetId == datasetId);
    }

    [Fact]
    public async Task Templates_list_the_built_in_library_filtered_by_source_kind()
    {
        var all = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/templates");
        var names = all!["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        names.Should().Contain(["tpl-demo-campaign-daily", "tpl-amc-campaign-performance", "tpl-amc-path-to-conversion", "tpl-amc-reach-frequency", "tpl-amc-campaign-comparison"]);

        var amc = await Admin.GetFromJsonAsync<JsonObject>("/api/v1/templates?sourceKind=amc");
        amc!["items"]!.AsArray().Should().OnlyContain(t => t!["sourceKinds"]!.AsArray().Any(k => k!.GetValue<string>() == "amc"));
        var reach = amc["items"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "tpl-amc-reach-frequency")!;
        reach["reportConfig"]!["measures"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "reach")!["additive"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_report_on_the_demo_source_runs_lands_in_the_fact_store_and_a_rerun_of_the_window_never_duplicates()
    {
        var report = await CreateReportAsync(Admin);
        var datasetId = report["datasetId"]!.GetValue<int>();

        var first = await RunAsync(Admin, report["id"]!.GetValue<string>(), Today.AddDays(-14), Today.AddDays(-7));
        first["status"]!.GetValue<string>().Should().Be("succeeded", first.ToJsonString());
        var rows = first["rowCount"]!.GetValue<long>();
        rows.Should().Be(7 * 8, "8 campaigns × 7 days, one row each");
        first["preview"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal("date", "campaign", "campaign_type", "impressions", "clicks", "spend", "sales", "purchases");
        (await FactCountAsync(datasetId)).Should().Be(rows);

        var again = await RunAsync(Admin, report["id"]!.GetValue<string>(), Today.AddDays(-14), Today.AddDays(-7));
        again["status"]!.GetValue<string>().Should().Be("succeeded");
        again["unchanged"]!.GetValue<bool>().Should().BeTrue("the same window answered the same rows");
        (await FactCountAsync(datasetId)).Should().Be(rows);

        var overlapping = await RunAsync(Admin, report["id"]!.GetValue<string>(), Today.AddDays(-10), Today.AddDays(-3));
        overlapping["status"]!.GetValue<string>().Should().Be("succeeded");
        overlapping["conflictCount"]!.GetValue<int>().Should().Be(0, "the overlapping days answered the same values");
        (await FactCountAsync(datasetId)).Should().Be(11 * 8, "days -14..-4: the overlap replaced rows instead of adding them");

        var query = await Admin.PostAsJsonAsync("/api/v1/query", new
        {
            metrics = new[] { "spend", "roas" }, groupBy = new[] { "campaign" }, dataset = $"report_{report["id"]}",
            sourceIds = new[] { "demo-northwind" }, granularity = "none",
            timeRange = new { start = Today.AddDays(-14), end = Today },
        });
        query.StatusCode.Should().Be(HttpStatusCode.OK, await query.Content.ReadAsStringAsync());
        JsonNode.Parse(await query.Content.ReadAsStringAsync())!["rows"]!.AsArray().Should().HaveCount(8, "the report's dataset is in the semantic layer");
    }

    [Fact]
    public async Task Bad_parameters_and_windows_answer_400_naming_the_field_and_nothing_runs()
    {
        var bad = await Admin.PostAsJsonAsync("/api/v1/reports", new { name = "x", templateId = "tpl-demo-campaign-daily", sourceId = "demo-northwind", parameters = new { campaignType = "Radio'; DROP TABLE facts;--", minSpend = -5 } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!;
        problem["errors"]!["parameters.campaignType"]!.ToJsonString().Should().Contain("Expected one of");
        problem["errors"]!["parameters.minSpend"]!.ToJsonString().Should().Contain("At least 0");

        var wrongKind = await Admin.PostAsJsonAsync("/api/v1/reports", new { name = "x", templateId = "tpl-amc-campaign-performance", sourceId = "demo-northwind" });
        wrongKind.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrongKind.Content.ReadAsStringAsync()).Should().Contain("written for amc sources");

        var report = await CreateReportAsync(Admin);
        var backwards = await Admin.PostAsJsonAsync($"/api/v1/reports/{report["id"]}/executions", new { timeWindowStart = Today, timeWindowEnd = Today.AddDays(-1) });
        backwards.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await backwards.Content.ReadAsStringAsync()).Should().Contain("timeWindowEnd");
        var missing = await Admin.PostAsJsonAsync($"/api/v1/reports/{report["id"]}/executions", new { });
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/reports/{report["id"]}/executions"))!["items"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_template_with_an_undeclared_placeholder_or_a_bad_config_is_rejected_with_every_problem()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = "Broken", sql = "SELECT date, x FROM ad_performance WHERE campaign = {{campaign}}",
            parameters = new[] { new { name = "limit", type = "int", min = 10, max = 1 } },
            reportConfig = new { timeColumn = "date", dimensions = new[] { "x" }, measures = Array.Empty<object>() },
        });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["parameters[0].min", "reportConfig.measures"]);
    }

    [Fact]
    public async Task A_user_never_reads_or_runs_reports_of_an_instance_not_granted_to_them()
    {
        var report = await CreateReportAsync(Admin, "demo-northwind");
        var id = report["id"]!.GetValue<string>();
        var execution = await RunAsync(Admin, id, Today.AddDays(-3), Today.AddDays(-2));
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var other = factory.CreateApiClient(key);

        (await other.GetAsync($"/api/v1/reports/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync($"/api/v1/reports/{id}", new { name = "mine now" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/reports/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/reports/{id}/duplicate", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsJsonAsync($"/api/v1/reports/{id}/executions", new { timeWindowStart = Today.AddDays(-2), timeWindowEnd = Today.AddDays(-1) })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/reports/{id}/executions")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/executions/{execution["id"]}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/executions/{execution["id"]}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var own = await CreateReportAsync(other, "demo-contoso");
        var list = await other.GetFromJsonAsync<JsonObject>("/api/v1/reports?limit=500");
        list!["items"]!.AsArray().Should().Contain(r => r!["id"]!.GetValue<string>() == own["id"]!.GetValue<string>())
            .And.OnlyContain(r => r!["sourceId"]!.GetValue<string>() == "demo-contoso");
        var create = await other.PostAsJsonAsync("/api/v1/reports", new { name = "sneaky", templateId = "tpl-demo-campaign-daily", sourceId = "demo-northwind" });
        create.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await create.Content.ReadAsStringAsync()).Should().Contain("sourceId");
    }

    [Fact]
    public async Task Viewers_cannot_create_or_run_reports()
    {
        var report = await CreateReportAsync(Admin, "demo-contoso");
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        var viewer = factory.CreateApiClient(key);
        (await viewer.GetAsync($"/api/v1/reports/{report["id"]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsJsonAsync("/api/v1/reports", new { name = "v", templateId = "tpl-demo-campaign-daily", sourceId = "demo-contoso" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync($"/api/v1/reports/{report["id"]}/executions", new { timeWindowStart = Today.AddDays(-2), timeWindowEnd = Today.AddDays(-1) })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
