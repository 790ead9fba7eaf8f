using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Sources;

/// <summary>The app with a one-second statement limit and a 64 KB upload limit, so timeouts and 413s are quick to reach.</summary>
public sealed class SourcesWebFactory : AnalyticsWebFactory
{
    public const int UploadLimit = 65_536;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Analytics:Sources:StatementTimeoutSeconds", "1");
        builder.UseSetting("Analytics:Sources:MaxUploadBytes", UploadLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Analytics:Reports:RetryDelaySeconds", "0.01");
        builder.UseSetting("Analytics:Sources:MaxResultMegabytes", MaxResultMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public const int MaxResultMegabytes = 16;

    /// <summary>Where sqlite sources' files must be: the default, <c>sources</c> under the data directory (created at start).</summary>
    public string SqliteRoot => Path.Combine(DataDirectory, "sources");

    public HttpClient Admin => CreateApiClient(BootstrapKey);

    public string AppDatabasePath => Path.Combine(DataDirectory, "analytics.db");

    public async Task<JsonNode> CreateSourceAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? Admin).PostAsJsonAsync("/api/v1/sources", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A template for <paramref name="kind"/> sources: rows of (date, campaign, clicks, spend).</summary>
    public async Task<string> CreateTemplateAsync(string kind, string sql, object[]? parameters = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = $"Test {Guid.NewGuid():N}", category = "Tests", reportType = "performance", sql, sourceKinds = new[] { kind },
            parameters = parameters ?? [],
            reportConfig = new { timeColumn = "date", dimensions = new[] { "campaign" }, measures = new object[] { new { name = "clicks", aggregation = "sum" }, new { name = "spend", aggregation = "sum" } } },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    public async Task<JsonNode> CreateReportAsync(string templateId, string sourceId, object? parameters = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/reports", new { name = $"Report {Guid.NewGuid():N}", templateId, sourceId, parameters = parameters ?? new { } });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Starts an execution of the report over the window and waits for it to end.</summary>
    public async Task<JsonNode> RunAsync(string reportId, DateTimeOffset start, DateTimeOffset end)
    {
        var response = await Admin.PostAsJsonAsync($"/api/v1/reports/{reportId}/executions", new { timeWindowStart = start, timeWindowEnd = end });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["executionId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var execution = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/executions/{id}"))!;
            if (execution["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return execution;
            DateTime.UtcNow.Should().BeBefore(deadline, "the execution should end within a minute");
            await Task.Delay(50);
        }
    }

    public async Task<long> FactCountAsync(int datasetId)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        return await db.Facts.LongCountAsync(f => f.DatasetId == datasetId);
    }
}
