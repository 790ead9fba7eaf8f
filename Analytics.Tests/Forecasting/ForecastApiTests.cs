using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Forecasting;
using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Analytics.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Forecasting;

/// <summary><c>POST /api/v1/forecast</c>, the chat's forecast answers and the month-end projection insight, on the seeded demo workspace.</summary>
public sealed class ForecastApiTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private HttpClient Admin => factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static object Body(string metric, int horizon = 14, string granularity = "day", string[]? sourceIds = null) => new
    {
        metric, granularity, horizon, sourceIds,
        timeRange = new { start = Today.AddDays(-180).ToString("yyyy-MM-dd") + "T00:00:00Z", end = Today.ToString("yyyy-MM-dd") + "T00:00:00Z" },
    };

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Forecasts_a_base_and_a_derived_metric_after_the_last_actual_day_with_intervals_and_a_backtest()
    {
        var spend = await OkAsync(await Admin.PostAsJsonAsync("/api/v1/forecast", Body("spend")));
        var points = spend["points"]!.AsArray();
        points.Should().HaveCount(14);
        var lastActual = DateTimeOffset.Parse(spend["lastActual"]!.GetValue<string>());
        DateTimeOffset.Parse(points[0]!["time"]!.GetValue<string>()).Should().Be(lastActual.AddDays(1));
        foreach (var p in points)
        {
            p!["lower"]!.GetValue<double>().Should().BeLessThanOrEqualTo(p["value"]!.GetValue<double>());
            p["upper"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(p["value"]!.GetValue<double>());
        }
        spend["interval"]!.GetValue<double>().Should().Be(0.8);
        spend["model"]!.GetValue<string>().Should().Contain("damped Holt-Winters");
        spend["backtest"]!["mape"]!.GetValue<double>().Should().BeInRange(0, 0.5);
        spend["backtest"]!["baselineMape"]!.GetValue<double>().Should().BeGreaterThan(0);

        // ROAS from its parts: near the ratio of the sales and spend forecasts, not a forecast of its own history.
        var sales = await OkAsync(await Admin.PostAsJsonAsync("/api/v1/forecast", Body("sales")));
        var roas = await OkAsync(await Admin.PostAsJsonAsync("/api/v1/forecast", Body("roas")));
        for (var i = 0; i < 14; i++)
        {
            roas["points"]![i]!["value"]!.GetValue<double>().Should().BeApproximately(
                sales["points"]![i]!["value"]!.GetValue<double>() / spend["points"]![i]!["value"]!.GetValue<double>(), 1e-3);
        }
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field()
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/forecast", new { metric = "", granularity = "hour", horizon = 0 });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo(["metric", "granularity", "horizon", "timeRange"]);

        var unknown = await Admin.PostAsJsonAsync("/api/v1/forecast", Body("no_such_metric"));
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["errors"]!["metric"].Should().NotBeNull();

        var tooShort = await Admin.PostAsJsonAsync("/api/v1/forecast", new
        {
            metric = "spend", granularity = "day", horizon = 7,
            timeRange = new { start = Today.AddDays(-10).ToString("yyyy-MM-dd") + "T00:00:00Z", end = Today.ToString("yyyy-MM-dd") + "T00:00:00Z" },
        });
        tooShort.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await tooShort.Content.ReadAsStringAsync())!["errors"]!["timeRange"]![0]!.GetValue<string>().Should().Contain("at least 21 days");
    }

    [Fact]
    public async Task A_forecast_reads_only_the_callers_instances()
    {
        var (_, key) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        using var analyst = factory.CreateApiClient(key);
        (await analyst.PostAsJsonAsync("/api/v1/forecast", Body("spend", sourceIds: ["demo-northwind"]))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var mine = await OkAsync(await analyst.PostAsJsonAsync("/api/v1/forecast", Body("spend")));
        var contoso = await OkAsync(await Admin.PostAsJsonAsync("/api/v1/forecast", Body("spend", sourceIds: ["demo-contoso"])));
        var all = await OkAsync(await Admin.PostAsJsonAsync("/api/v1/forecast", Body("spend")));
        mine["points"]![0]!["value"]!.GetValue<double>().Should().Be(contoso["points"]![0]!["value"]!.GetValue<double>());
        mine["points"]![0]!["value"]!.GetValue<double>().Should().BeLessThan(all["points"]![0]!["value"]!.GetValue<double>() * 0.7);
    }

    private async Task<JsonObject> AskAsync(string question)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/chat", new { message = question });
        return await OkAsync(response);
    }

    [Fact]
    public async Task The_offline_chat_forecasts_the_next_weeks_and_where_the_month_lands()
    {
        var weeks = await AskAsync("forecast spend for the next 4 weeks");
        var call = weeks["toolCalls"]!.AsArray().Should().ContainSingle().Subject!;
        call["name"]!.GetValue<string>().Should().Be("forecast");
        call["rowCount"]!.GetValue<int>().Should().Be(4);
        var answer = weeks["answer"]!.GetValue<string>();
        answer.Should().Contain("Spend over the next 4 weeks").And.Contain("80% range").And.Contain("week of");

        var month = await AskAsync("where will sales land this month?");
        month["toolCalls"]![0]!["name"]!.GetValue<string>().Should().Be("forecast");
        month["toolCalls"]![0]!["arguments"]!.ToString().Should().Contain("month");
        month["answer"]!.GetValue<string>().Should().Contain("Sales is projected to land at about").And.Contain(DateTime.UtcNow.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_monthly_alert_threshold_that_the_month_end_forecast_crosses_becomes_a_projected_to_exceed_insight()
    {
        var projection = await factory.Services.GetRequiredService<ForecastService>()
            .MonthEndAsync(Actor.System, "spend", null, ["demo-fabrikam"], Today, TimeZoneInfo.Utc, default);
        var soFar = projection.ToDate ?? 0;
        // Crossed by the projection, not by the month so far: projected to exceed.
        var exceeded = soFar + (projection.Projected.Value - soFar) / 2;
        await CreateAlertAsync("Spend budget", "gt", exceeded);
        // Far above the whole interval: nothing to say.
        await CreateAlertAsync("Spend ceiling", "gt", projection.Projected.Upper * 3);
        // A floor above the projection: projected to fall short.
        await CreateAlertAsync("Spend floor", "lt", projection.Projected.Value * 2);

        await factory.Services.GetRequiredService<ProjectionInsights>().ScanAsync(Actor.System, Today, default);

        var items = (await Admin.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=forecast"))!["items"]!.AsArray();
        items.Select(i => i!["segment"]!.GetValue<string>()).Should().BeEquivalentTo(["Spend budget", "Spend floor"]);
        items.Single(i => i!["segment"]!.GetValue<string>() == "Spend budget")!["title"]!.GetValue<string>().Should().Contain("projected to exceed");
        items.Single(i => i!["segment"]!.GetValue<string>() == "Spend floor")!["title"]!.GetValue<string>().Should().Contain("projected to fall short");

        // Only readers of the instance see them.
        var (_, key) = await factory.CreateUserWithKeyAsync("viewer", ["demo-contoso"]);
        using var viewer = factory.CreateApiClient(key);
        (await viewer.GetFromJsonAsync<JsonObject>("/api/v1/insights?type=forecast"))!["items"]!.AsArray().Should().BeEmpty();
    }

    private async Task CreateAlertAsync(string name, string op, double threshold)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            name, metric = "spend", kind = "semantic", sourceIds = new[] { "demo-fabrikam" },
            condition = new { op, threshold, window = "30d" }, channels = new[] { new { type = "inapp" } },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
