using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Reports;
using Analytics.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Reports;

/// <summary>
/// Template versions over HTTP: a report runs the template SQL it was created (or last accepted) with; a later edit of
/// the template — by its author, who may not even read the report's instance — reaches the report only when the
/// report's owner (or an admin) accepts it. Built-ins refreshed at start follow the same rule.
/// </summary>
public sealed class TemplateVersionTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);

    private static object Template(string marker, string name = "Spend with a marker") => new
    {
        name, category = "Tests", sourceKinds = new[] { "demo" },
        sql = $"SELECT date, '{marker}' AS marker, SUM(spend) AS spend\nFROM ad_performance\nWHERE date >= {{{{timeWindowStart}}}} AND date < {{{{timeWindowEnd}}}}\nGROUP BY date",
        reportConfig = new { timeColumn = "date", dimensions = new[] { "marker" }, measures = new[] { new { name = "spend", aggregation = "sum" } } },
    };

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Runs the report over the window and returns the finished execution (with its preview of what the source answered).</summary>
    private static async Task<JsonObject> RunAsync(HttpClient client, string reportId, DateTimeOffset start, DateTimeOffset end)
    {
        var started = await OkAsync(await client.PostAsJsonAsync($"/api/v1/reports/{reportId}/executions", new { timeWindowStart = start, timeWindowEnd = end }), HttpStatusCode.Accepted);
        var id = started["executionId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var execution = JsonNode.Parse(await client.GetStringAsync($"/api/v1/executions/{id}"))!.AsObject();
            if (execution["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return execution;
            DateTime.UtcNow.Should().BeBefore(deadline, "the execution should end within a minute");
            await Task.Delay(100);
        }
    }

    /// <summary>The markers in the rows the source answered: which version's SQL reached it.</summary>
    private static IReadOnlyList<string> Markers(JsonObject execution)
    {
        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        var columns = execution["preview"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var index = columns.IndexOf("marker");
        return execution["preview"]!["rows"]!.AsArray().Select(r => r![index]!.GetValue<string>()).Distinct().ToList();
    }

    [Fact]
    public async Task A_report_runs_its_pinned_template_version_until_its_owner_accepts_a_newer_one()
    {
        var (_, authorKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var (_, ownerKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        var (_, colleagueKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        using var author = factory.CreateApiClient(authorKey);
        using var owner = factory.CreateApiClient(ownerKey);
        using var colleague = factory.CreateApiClient(colleagueKey);
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

        var template = await OkAsync(await author.PostAsJsonAsync("/api/v1/templates", Template("v1")), HttpStatusCode.Created);
        var templateId = template["id"]!.GetValue<string>();
        template["version"]!.GetValue<int>().Should().Be(1);
        var report = await OkAsync(await owner.PostAsJsonAsync("/api/v1/reports", new { name = "Fabrikam spend", templateId, sourceId = "demo-fabrikam" }), HttpStatusCode.Created);
        var reportId = report["id"]!.GetValue<string>();
        report["templateVersion"]!.GetValue<int>().Should().Be(1);

        // The author, who cannot read Fabrikam, changes the SQL the owner's report would send to it.
        var edited = await OkAsync(await author.PutAsJsonAsync($"/api/v1/templates/{templateId}", Template("v2")));
        edited["version"]!.GetValue<int>().Should().Be(2);
        (await OkAsync(await author.PutAsJsonAsync($"/api/v1/templates/{templateId}", Template("v2", "Renamed"))))["version"]!.GetValue<int>()
            .Should().Be(2, "a new name changes nothing that runs");
        var versions = await OkAsync(await author.GetAsync($"/api/v1/templates/{templateId}/versions"));
        versions["items"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()).Should().Equal(2, 1);

        var seen = await OkAsync(await owner.GetAsync($"/api/v1/reports/{reportId}"));
        seen["templateVersion"]!.GetValue<int>().Should().Be(1);
        seen["templateCurrentVersion"]!.GetValue<int>().Should().Be(2);
        seen["templateUpdateAvailable"]!.GetValue<bool>().Should().BeTrue();

        var before = await RunAsync(owner, reportId, Today.AddDays(-14), Today.AddDays(-7));
        Markers(before).Should().Equal(["v1"], "the report runs the SQL it was created with");
        before["templateVersion"]!.GetValue<int>().Should().Be(1);

        var update = await OkAsync(await owner.GetAsync($"/api/v1/reports/{reportId}/template-update"));
        update["canAccept"]!.GetValue<bool>().Should().BeTrue();
        update["summary"]!.GetValue<string>().Should().Be("SQL: 1 line added, 1 removed.");
        var diff = update["change"]!["sql"]!.AsArray().Select(l => (l!["kind"]!.GetValue<string>(), l["text"]!.GetValue<string>())).ToList();
        diff.Should().Contain(("removed", "SELECT date, 'v1' AS marker, SUM(spend) AS spend")).And.Contain(("added", "SELECT date, 'v2' AS marker, SUM(spend) AS spend"));
        (await colleague.GetFromJsonAsync<JsonObject>($"/api/v1/reports/{reportId}/template-update"))!["canAccept"]!.GetValue<bool>().Should().BeFalse();

        (await colleague.PostAsync($"/api/v1/reports/{reportId}/accept-template-version", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden,
            "only the report's owner or an admin decides what SQL it runs");
        (await author.PostAsync($"/api/v1/reports/{reportId}/accept-template-version", null)).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "the author cannot even see a report on an instance not granted to them");
        (await owner.PostAsJsonAsync($"/api/v1/reports/{reportId}/accept-template-version", new { version = 3 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Markers(await RunAsync(owner, reportId, Today.AddDays(-7), Today)).Should().Equal(["v1"], "refused acceptances change nothing");

        var accepted = await OkAsync(await owner.PostAsync($"/api/v1/reports/{reportId}/accept-template-version", null));
        accepted["templateVersion"]!.GetValue<int>().Should().Be(2);
        accepted["templateUpdateAvailable"]!.GetValue<bool>().Should().BeFalse();
        (await owner.GetAsync($"/api/v1/reports/{reportId}/template-update")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var after = await RunAsync(owner, reportId, Today.AddDays(-14), Today.AddDays(-7));
        Markers(after).Should().Equal(["v2"], "the accepted version's SQL runs now");
        after["templateVersion"]!.GetValue<int>().Should().Be(2);

        var trail = (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/audit?action=report.template.accepted&targetId={reportId}"))!["items"]!.AsArray();
        trail.Should().ContainSingle().Which!["detail"]!.GetValue<string>().Should().Contain("version 1 → 2");

        // An admin may accept for the owner, too (going back to version 1 here).
        var back = await OkAsync(await admin.PostAsJsonAsync($"/api/v1/reports/{reportId}/accept-template-version", new { version = 1 }));
        back["templateVersion"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_built_in_template_refreshed_at_start_reaches_existing_reports_only_when_accepted()
    {
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var report = await OkAsync(await admin.PostAsJsonAsync("/api/v1/reports", new { name = "Built-in", templateId = "tpl-demo-campaign-daily", sourceId = "demo-northwind" }), HttpStatusCode.Created);
        var reportId = report["id"]!.GetValue<string>();
        var shipped = report["templateVersion"]!.GetValue<int>();

        // A database whose stored built-in is an older release's: version `shipped` holds other SQL, and the report pins it.
        var factoryDb = factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        const string oldSql = "SELECT date, campaign, campaign_type, SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(spend) AS spend, SUM(sales) AS sales, SUM(purchases) AS purchases FROM ad_performance WHERE date >= {{timeWindowStart}} AND date < {{timeWindowEnd}} AND ({{campaignType}} = 'all' OR campaign_type = {{campaignType}}) GROUP BY date, campaign, campaign_type HAVING SUM(spend) >= {{minSpend}} -- an older release";
        await using (var db = await factoryDb.CreateDbContextAsync())
        {
            await db.TemplateVersions.Where(v => v.TemplateId == "tpl-demo-campaign-daily" && v.Version == shipped).ExecuteUpdateAsync(u => u.SetProperty(v => v.Sql, oldSql));
            await db.Templates.Where(t => t.Id == "tpl-demo-campaign-daily").ExecuteUpdateAsync(u => u.SetProperty(t => t.Sql, oldSql));
        }

        await factory.Services.GetRequiredService<TemplateService>().SeedBuiltInsAsync(CancellationToken.None);
        await factory.Services.GetRequiredService<TemplateService>().SeedBuiltInsAsync(CancellationToken.None); // idempotent

        var seen = await OkAsync(await admin.GetAsync($"/api/v1/reports/{reportId}"));
        seen["templateVersion"]!.GetValue<int>().Should().Be(shipped, "the report keeps the version it was created with");
        seen["templateCurrentVersion"]!.GetValue<int>().Should().Be(shipped + 1, "the refreshed built-in is one new version, however often the app starts");
        await using (var db = await factoryDb.CreateDbContextAsync())
        {
            (await db.TemplateVersions.SingleAsync(v => v.TemplateId == "tpl-demo-campaign-daily" && v.Version == shipped)).Sql.Should().Be(oldSql);
        }
        var update = await OkAsync(await admin.GetAsync($"/api/v1/reports/{reportId}/template-update"));
        update["change"]!["sql"]!.AsArray().Should().Contain(l => l!["kind"]!.GetValue<string>() == "removed" && l["text"]!.GetValue<string>().Contains("an older release"));
        (await OkAsync(await admin.PostAsync($"/api/v1/reports/{reportId}/accept-template-version", null)))["templateVersion"]!.GetValue<int>().Should().Be(shipped + 1);
    }
}
