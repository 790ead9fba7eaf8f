using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Alerts;
using Analytics.Tests.Exports;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>The <c>alert</c> widget kind over HTTP: each viewer sees the rules they may see, with their state, in the data and in the PDF.</summary>
public sealed class AlertWidgetTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static async Task<string> CreateRuleAsync(HttpClient client, string name, string op, double threshold)
    {
        var response = await client.PostAsJsonAsync("/api/v1/alerts", new
        {
            name, metric = "spend", kind = "semantic", sourceIds = new[] { "demo-fabrikam" },
            condition = new { op, threshold, window = "30d" }, channels = new[] { new { type = "inapp" } },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static async Task<string> CreateDashboardAsync(HttpClient client, params string[] ruleIds)
    {
        var response = await client.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = $"Alerts board {Guid.NewGuid():N}"[..22], description = "", refreshSeconds = 0, filters = Array.Empty<object>(),
            widgets = new object[] { new { id = "a1", type = "alert", position = new { x = 0, y = 0, w = 6, h = 3 }, config = new { title = "Watch", options = new { ruleIds } } } },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static async Task<List<(string Rule, string State)>> RowsAsync(HttpClient client, string dashboardId)
    {
        var data = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/dashboards/{dashboardId}/data"))!;
        var widget = data["widgets"]!.AsArray().Single()!;
        widget["status"]!.GetValue<string>().Should().Be("ok");
        return widget["result"]!["rows"]!.AsArray().Select(r => (r![0]!.GetValue<string>(), r[1]!.GetValue<string>())).ToList();
    }

    [Fact]
    public async Task An_alert_widget_shows_the_named_rules_with_their_state_firing_first_and_the_pdf_lists_them()
    {
        var firing = await CreateRuleAsync(Admin, $"Spend above zero {Guid.NewGuid():N}"[..24], "gt", 0);
        var quiet = await CreateRuleAsync(Admin, $"Spend below zero {Guid.NewGuid():N}"[..24], "lt", 0);
        await CreateRuleAsync(Admin, $"Not on the board {Guid.NewGuid():N}"[..24], "gt", 0);
        await factory.Services.GetRequiredService<AlertEvaluationService>().EvaluateAllAsync(default);
        var dashboard = await CreateDashboardAsync(Admin, quiet, firing);

        var rows = await RowsAsync(Admin, dashboard);
        rows.Select(r => r.State).Should().Equal("firing", "ok");
        rows.Select(r => r.Rule).Should().NotContain(r => r.StartsWith("Not on the board", StringComparison.Ordinal));

        var pdf = await Admin.GetAsync($"/api/v1/dashboards/{dashboard}/export?format=pdf");
        pdf.StatusCode.Should().Be(HttpStatusCode.OK);
        var path = ExportTestFiles.PathFor("alert-widget.pdf");
        await File.WriteAllBytesAsync(path, await pdf.Content.ReadAsByteArrayAsync());
        var text = ExportTestFiles.PdfText(path);
        text.Should().Contain("firing").And.Contain("Spend above zero");
    }

    [Fact]
    public async Task A_viewer_of_a_shared_alert_widget_sees_only_their_own_rules_and_a_bad_rule_list_is_refused()
    {
        await CreateRuleAsync(Admin, "Admin's private rule", "gt", 0);
        var (analystId, analystKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-fabrikam"]);
        var analyst = factory.CreateApiClient(analystKey);
        await CreateRuleAsync(analyst, "Analyst's rule", "gt", 1e12);
        var dashboard = await CreateDashboardAsync(Admin); // no rules named: all the viewer can see
        (await Admin.PostAsJsonAsync($"/api/v1/dashboards/{dashboard}/shares", new { userId = analystId, permission = "view" })).EnsureSuccessStatusCode();

        var rows = await RowsAsync(analyst, dashboard);
        rows.Select(r => r.Rule).Should().Equal("Analyst's rule");
        (await RowsAsync(Admin, dashboard)).Select(r => r.Rule).Should().Contain(["Admin's private rule", "Analyst's rule"], "an admin sees every rule");

        var bad = await Admin.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Bad alerts", widgets = new object[] { new { id = "a1", type = "alert", position = new { x = 0, y = 0, w = 6, h = 3 }, config = new { options = new { ruleIds = "all" } } } },
        });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("config.options.ruleIds");
    }
}
