using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The "show forecast" option of a line widget, set through the API, as the browser draws it.</summary>
public sealed class ForecastChartUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_line_widget_with_show_forecast_draws_the_forecast_and_its_band_after_the_last_actual_day()
    {
        using var api = new HttpClient { BaseAddress = fixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AnalyticsWebFactory.BootstrapKey);
        var line = new { metrics = new[] { "spend" }, granularity = "day" };
        var created = await api.PostAsJsonAsync("/api/v1/dashboards", new
        {
            name = "Forecast " + Guid.NewGuid().ToString("N")[..6], refreshSeconds = 0,
            filters = new object[] { new { dimension = "time", preset = "last30days" } },
            widgets = new object[]
            {
                new { id = "ahead", type = "line", position = new { x = 0, y = 0, w = 8, h = 4 }, config = new { title = "Spend ahead", query = line, options = new { showForecast = true, forecastHorizon = 10 } } },
                new { id = "plain", type = "line", position = new { x = 0, y = 4, w = 8, h = 4 }, config = new { title = "Spend plain", query = line } },
            },
        });
        var body = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();

        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/dashboards/{id}");
        foreach (var title in new[] { "Spend ahead", "Spend plain" })
            await Assertions.Expect(page.Locator($"[aria-label='{title}'][data-state=ok] [data-testid=echart]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        const string Series = "title => { const c = echarts.getInstanceByDom(document.querySelector(`[aria-label='${title}'] [data-testid=echart]`));" +
                              " return c ? c.getOption().series.map(s => ({ id: s.id, n: s.data.length, first: s.data[0] && s.data[0][0], last: (s.data.filter(d => d[1] !== null && d[1] !== undefined).pop() || [''])[0] })) : null; }";
        await page.WaitForFunctionAsync($"() => ({Series})('Spend ahead')?.length === 4");
        var series = await page.EvaluateAsync<JsonElementSeries[]>($"({Series})", "Spend ahead");
        series.Select(s => s.Id).Should().Equal("\u001fspend", "forecast:spend", "forecast-lower:spend", "forecast-band:spend");
        var actual = series[0];
        var forecast = series[1];
        forecast.N.Should().Be(11, "the last actual point, then ten forecast days");
        forecast.First.Should().Be(actual.Last, "the forecast line starts at the last actual point");
        string.CompareOrdinal(series[2].First, actual.Last).Should().BeGreaterThan(0, "the band lies after the last actual point");
        series[2].N.Should().Be(10);
        (await page.EvaluateAsync<string[]>($"t => ({Series})(t).map(s => s.id)", "Spend plain")).Should().Equal("\u001fspend");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "dashboard-forecast.png"), FullPage = true });
    }

    public sealed class JsonElementSeries
    {
        public string Id { get; set; } = "";
        public int N { get; set; }
        public string First { get; set; } = "";
        public string Last { get; set; } = "";
    }
}
