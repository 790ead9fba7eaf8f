using System.Net;
using System.Net.Http.Json;
using System.Text;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Telemetry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Analytics.Tests.Web;

/// <summary>OpenTelemetry export over OTLP/HTTP protobuf to a real local receiver (<see cref="FakeOtlpCollector"/>).</summary>
/// <summary>
/// Runs alone, not beside other test classes: the SDK listens process-wide (activity sources and meters by name), so
/// other tests' hosts starting and stopping mid-test feed and end instruments that share this host's metric streams. In
/// a full parallel run the route's request-duration point went missing once in several runs; alone it never did.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTestsCollection;

[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests
{
    private const int SpanKindServer = 2;
    private const int SpanKindClient = 3;

    /// <summary>The app with OTEL_* settings pointing at the collector, exporting every few hundred milliseconds.</summary>
    private sealed class OtlpWebFactory(Uri collector) : AnalyticsWebFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The same keys the SDK reads from the environment; configuration is where it reads them from.
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.ToString());
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            builder.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "200");
            builder.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "300");
            builder.UseSetting("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=otlp-test");
        }
    }

    [Fact]
    public async Task Otlp_export_carries_request_database_and_client_spans_and_framework_runtime_and_app_metrics()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        using var factory = new OtlpWebFactory(collector.Url);
        using var api = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        factory.Services.GetService<TracerProvider>().Should().NotBeNull();

        var end = DateTimeOffset.UtcNow.Date;
        var query = await api.PostAsJsonAsync("/api/v1/query", new
        {
            metrics = new[] { "spend" },
            granularity = "none",
            timeRange = new { start = new DateTimeOffset(end.AddDays(-7), TimeSpan.Zero), end = new DateTimeOffset(end, TimeSpan.Zero) },
        });
        query.StatusCode.Should().Be(HttpStatusCode.OK, await query.Content.ReadAsStringAsync());
        // A call out through the app's own HttpClient pipeline (the collector answers 404 to it).
        using var outbound = factory.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        (await outbound.GetAsync(new Uri(collector.Url, "/outbound-probe"))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var expected = new Dictionary<string, Func<FakeOtlpCollector, bool>>
        {
            ["server span of the request"] = c => c.Spans.Any(s => s.Kind == SpanKindServer && s.Name == "POST /api/v1/query"),
            ["EF Core span"] = c => c.Spans.Any(s => s.Scope == "OpenTelemetry.Instrumentation.EntityFrameworkCore"),
            ["HttpClient span"] = c => c.Spans.Any(s => s.Kind == SpanKindClient && s.Attributes.GetValueOrDefault("url.full", "").EndsWith("/outbound-probe", StringComparison.Ordinal)),
            ["http.server.request.duration of the route"] = c => c.Metrics.Any(m => m.Name == "http.server.request.duration" && m.Points.Any(p => p.GetValueOrDefault("http.route") == "/api/v1/query")),
            ["a runtime metric"] = c => c.Metrics.Any(m => m.Name.StartsWith("dotnet.gc.", StringComparison.Ordinal)),
            ["the app's own meter"] = c => c.Metrics.Any(m => m.Name == "analytics.query.cache.lookups" && m.Points.Any(p => p.GetValueOrDefault("result") == "miss")),
        };
        await collector.WaitForAsync(c => expected.Values.All(check => check(c)), TimeSpan.FromSeconds(30),
            c => "missing: " + string.Join(", ", expected.Where(e => !e.Value(c)).Select(e => e.Key)));

        var request = collector.Spans.First(s => s.Kind == SpanKindServer && s.Name == "POST /api/v1/query");
        request.Attributes.Should().Contain("http.route", "/api/v1/query").And.Contain("http.response.status_code", "200");
        // The request's own database work is in its trace (the API key lookup, the query).
        collector.Spans.Should().Contain(s => s.TraceId == request.TraceId && s.Scope == "OpenTelemetry.Instrumentation.EntityFrameworkCore" && s.Kind == SpanKindClient);
        request.Resource.Should().Contain("service.name", OpenTelemetryRegistration.DefaultServiceName)
            .And.Contain("deployment.environment.name", "otlp-test");
        collector.Metrics.First(m => m.Name == "analytics.query.cache.lookups").Scope.Should().Be("Analytics");
        // Health probes are not traced; every export was accepted.
        collector.Spans.Should().NotContain(s => s.Name.Contains("healthz"));
        collector.Requests.Should().OnlyContain(r => r.Status == 200 || r.Path == "/outbound-probe");
    }

    [Fact]
    public async Task Collector_fake_rejects_what_a_collector_rejects()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        using var http = new HttpClient { BaseAddress = collector.Url };
        var json = await http.PostAsync("/v1/traces", new StringContent("{}", Encoding.UTF8, "text/plain"));
        json.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        var garbage = new ByteArrayContent([0x0a, 0xff, 0x01]); // field 1, length-delimited, length 255, 1 byte present
        garbage.Headers.ContentType = new("application/x-protobuf");
        (await http.PostAsync("/v1/traces", garbage)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/v1/metrics")).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new("application/x-protobuf");
        (await http.PostAsync("/v1/metrics", empty)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]
    public void A_bad_OTLP_setting_stops_the_start_naming_the_setting(string setting, string value)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            [setting] = value,
        });
        var act = () => builder.AddAnalyticsTelemetry();
        act.Should().Throw<InvalidOperationException>().WithMessage($"*{setting}*{value}*");
    }
}
