using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Data.Operational;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>The app on Kestrel (real loopback HTTP, needed for the SSE stream), empty database, instrumentation flushed by the tests.</summary>
public sealed class MetricsWebFactory : AnalyticsWebFactory
{
    public const long MaxBodyBytes = 1_048_576;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Analytics:Database:SeedDemo", "false");
        builder.UseSetting("Analytics:Metrics:Ingest:MaxBodyBytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Analytics:Metrics:SelfInstrumentation:FlushInterval", "01:00:00");
    }
}

public sealed class MetricsApiTests : IClassFixture<MetricsWebFactory>
{
    private readonly MetricsWebFactory _factory;
    private readonly Uri _base;

    public MetricsApiTests(MetricsWebFactory factory)
    {
        _factory = factory;
        _base = factory.StartKestrel();
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AnalyticsWebFactory.BootstrapKey);
        return client;
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<long> CountPointsAsync(string namePrefix)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_factory.DataDirectory, "analytics.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.name LIKE $n) + (SELECT COUNT(*) FROM metric_series WHERE name LIKE $n)";
        command.Parameters.AddWithValue("$n", namePrefix + "%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_bad_point_rejects_the_whole_batch_with_400_naming_index_and_field()
    {
        var now = DateTimeOffset.UtcNow;
        var body = $$"""
            [{"name":"bad.batch","time":"{{Iso(now)}}","value":1},
             {"name":"bad.batch","time":"{{Iso(now)}}","value":2},
             {"name":"bad.batch","time":"{{Iso(now)}}","value":3},
             {"name":"bad.batch","time":"{{Iso(now)}}","value":"NaN"}]
            """;
        var response = await Client().PostAsync("/api/v1/metrics/ingest", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!.AsObject().Select(e => e.Key).Should().Equal("[3].value");
        (await CountPointsAsync("bad.batch")).Should().Be(0);
    }

    [Fact]
    public async Task Infinity_too_many_tags_and_times_without_offset_are_400()
    {
        var tags = "{" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"k{i}\":\"v\"")) + "}";
        foreach (var (point, field) in new[]
                 {
                     ($$"""{"name":"bad.inf","time":"{{Iso(DateTimeOffset.UtcNow)}}","value":1e999}""", "[0].value"),
                     ($$"""{"name":"bad.inf","time":"{{Iso(DateTimeOffset.UtcNow)}}","value":"Infinity"}""", "[0].value"),
                     ($$"""{"name":"bad.tags","time":"{{Iso(DateTimeOffset.UtcNow)}}","value":1,"tags":{{tags}}}""", "[0].tags"),
                     ("""{"name":"bad.time","time":"2026-03-15T12:00:00","value":1}""", "[0].time"),
                 })
        {
            var response = await Client().PostAsync("/api/v1/metrics/ingest", Json($"[{point}]"));
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, point);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field].Should().NotBeNull(point);
        }
        (await CountPointsAsync("bad.")).Should().Be(0);
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_nothing_is_written()
    {
        var now = Iso(DateTimeOffset.UtcNow);
        var point = $$"""{"name":"big.batch","time":"{{now}}","value":1,"tags":{"pad":"{{new string('x', 200)}}"} }""";
        var body = "[" + string.Join(",", Enumerable.Repeat(point, (int)(MetricsWebFactory.MaxBodyBytes / point.Length) + 10)) + "]";

        var response = await Client().PostAsync("/api/v1/metrics/ingest", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await CountPointsAsync("big.batch")).Should().Be(0);
    }

    [Fact]
    public async Task Ingested_points_are_202_and_query_returns_their_aggregates_by_tag()
    {
        var hour = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day, DateTimeOffset.UtcNow.Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
        var rng = new Random(7);
        var points = Enumerable.Range(0, 300).Select(i => (Host: i % 3 == 0 ? "x" : "y", Time: hour.AddSeconds(i * 17), Value: Math.Round(rng.NextDouble() * 100, 2))).ToList();
        var body = "[" + string.Join(",", points.Select(p => $$"""{"name":"api.test","time":"{{Iso(p.Time)}}","value":{{p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"tags":{"host":"{{p.Host}}"} }""")) + "]";

        var ingest = await Client().PostAsync("/api/v1/metrics/ingest", Json(body));
        ingest.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await ingest.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>().Should().Be(300);

        var response = await Client().PostAsJsonAsync("/api/v1/metrics/query", new
        {
            metricName = "api.test", timeRange = new { start = hour, end = hour.AddHours(2) }, aggregation = "avg", interval = "1h", groupBy = new[] { "host" },
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        result["meta"]!["resolution"]!.GetValue<string>().Should().Be("1h");
        var expected = points.GroupBy(p => (p.Host, Hour: hour.AddHours(Math.Floor((p.Time - hour).TotalHours))))
            .OrderBy(g => g.Key.Host).ThenBy(g => g.Key.Hour).Select(g => (g.Key.Host, g.Key.Hour, Avg: g.Average(p => p.Value))).ToList();
        var data = result["data"]!.AsArray();
        data.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            data[i]!["tags"]!["host"]!.GetValue<string>().Should().Be(expected[i].Host);
            data[i]!["timestamp"]!.GetValue<string>().Should().EndWith("Z");
            DateTimeOffset.Parse(data[i]!["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected[i].Hour);
            data[i]!["value"]!.GetValue<double>().Should().BeApproximately(expected[i].Avg, 1e-9);
        }
    }

    [Fact]
    public async Task Query_response_is_byte_identical_to_the_serializers_json_of_the_result()
    {
        var hour = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day, DateTimeOffset.UtcNow.Hour, 0, 0, TimeSpan.Zero).AddHours(-3);
        var hosts = new[] { "a<b>&'+", "h\u00e9llo", "plain" };
        var body = "[" + string.Join(",", Enumerable.Range(0, 90).Select(i => $$"""{"name":"api.shape","time":"{{Iso(hour.AddSeconds(i * 97))}}","value":{{(i * 1.37).ToString(System.Globalization.CultureInfo.InvariantCulture)}},"tags":{"host":"{{hosts[i % 3]}}","dc":"x"} }""")) + "]";
        (await Client().PostAsync("/api/v1/metrics/ingest", Json(body))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var request = new Analytics.Domain.Operational.MetricQueryRequest
        {
            MetricName = "api.shape", TimeRange = new(hour, hour.AddHours(3)), Aggregation = "avg", Interval = "5m", GroupBy = ["host", "dc"],
        };

        var response = await Client().PostAsJsonAsync("/api/v1/metrics/query", request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("application/json; charset=utf-8");
        var text = await response.Content.ReadAsStringAsync();

        var result = await _factory.Services.GetRequiredService<MetricQueryService>().QueryAsync(request, CancellationToken.None);
        result.Data.Should().NotBeEmpty();
        var options = _factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        text.Should().Be(System.Text.Json.JsonSerializer.Serialize(result, options));
        JsonNode.Parse(text)!["data"]![0]!["timestamp"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$");
    }

    [Fact]
    public async Task Query_json_writer_matches_the_serializer_for_nulls_fractional_times_notes_and_escaping()
    {
        var shared = new Dictionary<string, string> { ["host"] = "h\u00e9<1>", ["z"] = "" };
        var result = new Analytics.Domain.Operational.MetricQueryResult(
        [
            new(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), 1.5, shared),
            new(new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), null, shared),
            new(new DateTime(1999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), 1e-300, new Dictionary<string, string>()),
            new(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), 0.1 + 0.2, new Dictionary<string, string> { ["\"q\""] = "\n" }),
        ], new("1h", "1d", 3, ["a note", "é"]));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = _factory.Services };
        var stream = new MemoryStream();
        context.Response.Body = stream;

        await new Analytics.Web.Api.MetricQueryJsonResult(result).ExecuteAsync(context);
        await context.Response.BodyWriter.CompleteAsync();

        var options = _factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        Encoding.UTF8.GetString(stream.ToArray()).Should().Be(System.Text.Json.JsonSerializer.Serialize(result, options));
        context.Response.ContentType.Should().Be("application/json; charset=utf-8");
    }

    [Fact]
    public async Task Self_instrumentation_records_an_http_requests_latency_by_route()
    {
        (await Client().GetAsync("/api/v1/sources")).StatusCode.Should().Be(HttpStatusCode.OK);
        await _factory.Services.GetRequiredService<MetricsFlusher>().FlushAsync(CancellationToken.None, includeCurrentMinute: true);

        var now = DateTimeOffset.UtcNow;
        var response = await Client().PostAsJsonAsync("/api/v1/metrics/query", new
        {
            metricName = "http.server.request.duration_ms", timeRange = new { start = now.AddHours(-1), end = now.AddMinutes(1) },
            aggregation = "count", interval = "1h", groupBy = new[] { "route", "method", "status_class" },
        });
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        data.Should().Contain(d => d!["tags"]!["route"]!.GetValue<string>().StartsWith("/api/v1/sources") && d["tags"]!["method"]!.GetValue<string>() == "GET"
                                   && d["tags"]!["status_class"]!.GetValue<string>() == "2xx" && d["value"]!.GetValue<double>() >= 1);
        var users = await Client().PostAsJsonAsync("/api/v1/metrics/query", new
        {
            metricName = "api.calls", timeRange = new { start = now.AddHours(-1), end = now.AddMinutes(1) }, aggregation = "sum", interval = "1h", groupBy = new[] { "user" },
        });
        JsonNode.Parse(await users.Content.ReadAsStringAsync())!["data"]!.AsArray().Should().NotBeEmpty();
    }

    private sealed record SseEvent(long Id, JsonNode Data);

    private static async IAsyncEnumerable<SseEvent> ReadEventsAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        long? id = null;
        string? data = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && id is not null && data is not null)
            {
                yield return new SseEvent(id.Value, JsonNode.Parse(data)!);
                id = null;
                data = null;
            }
        }
    }

    private async Task<List<SseEvent>> TakeEventsAsync(string url, string? lastEventId, Func<List<SseEvent>, bool> enough)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = new List<SseEvent>();
        await foreach (var e in ReadEventsAsync(response, cts.Token))
        {
            events.Add(e);
            if (enough(events)) break;
        }
        return events;
    }

    [Fact]
    public async Task Stream_sends_an_event_per_interval_with_the_interval_end_as_id()
    {
        var events = await TakeEventsAsync("/api/v1/metrics/stream?names=sse.live,sse.other&interval=1s", null, e => e.Count == 2);

        events[1].Id.Should().Be(events[0].Id + 1000);
        events.Should().AllSatisfy(e => (e.Id % 1000).Should().Be(0));
        events[0].Data["metrics"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Should().Equal("sse.live", "sse.other");
    }

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_replays_the_missed_intervals_from_the_store()
    {
        var now = DateTimeOffset.UtcNow;
        var lastSeen = (now.ToUnixTimeMilliseconds() / 1000 - 10) * 1000;
        var points = Enumerable.Range(1, 6).Select(i => (Ts: lastSeen + i * 1000 + 100, Value: (double)i)).ToList();
        var body = "[" + string.Join(",", points.Select(p => $$"""{"name":"sse.replay","time":"{{Iso(DateTimeOffset.FromUnixTimeMilliseconds(p.Ts))}}","value":{{p.Value}}}""")) + "]";
        (await Client().PostAsync("/api/v1/metrics/ingest", Json(body))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var events = await TakeEventsAsync("/api/v1/metrics/stream?names=sse.replay&interval=1s", lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e => e[^1].Id >= lastSeen + 8000);

        events.Select(e => e.Id).Should().Equal(Enumerable.Range(1, events.Count).Select(i => lastSeen + i * 1000L));
        var replayed = events.Take(7).Select(e => e.Data["metrics"]![0]!).ToList();
        replayed.Sum(m => m!["count"]!.GetValue<long>()).Should().Be(points.Count);
        replayed.Where(m => m!["count"]!.GetValue<long>() > 0).Select(m => m!["sum"]!.GetValue<double>()).Should().Equal(points.Select(p => p.Value));
    }
}
