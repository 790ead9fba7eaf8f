using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Data.Operational;
using Analytics.Domain;
using Analytics.Domain.Operational;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

public sealed record IngestResponse(int Accepted);


/// <summary>
/// Operational time series. Any authenticated user (any role) may ingest, query and stream: these are the
/// platform's operational metrics, not instance data, so no instance grant applies.
/// </summary>
public static class MetricsEndpoints
{
    private static readonly Dictionary<string, long> StreamIntervals = new(StringComparer.Ordinal)
    {
        ["1s"] = 1_000, ["5s"] = 5_000, ["30s"] = 30_000, ["1m"] = 60_000,
    };

    public static RouteGroupBuilder MapMetricsEndpoints(this RouteGroupBuilder api)
    {
        var metrics = api.MapGroup("/metrics").WithTags("Metrics");
        metrics.MapPost("/ingest", IngestAsync)
            .WithSummary("Ingests operational metric points; the batch is stored whole or not at all.")
            .WithDescription("The body is a JSON array of points `[{ name, time (ISO 8601 with offset), value, tags: { key: value } }]`. One bad point → 400 naming its index (`errors` keyed `[i].field`), nothing written. Bounded by `Analytics:Metrics:Ingest:MaxBodyBytes` (413).")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        // Written with a Utf8JsonWriter (MetricQueryJsonResult), same JSON as the serializer would produce, less per-point work.
        metrics.MapPost("/query", async (MetricQueryRequest request, MetricQueryService service, CancellationToken ct) =>
            new MetricQueryJsonResult(await service.QueryAsync(request, ct)))
            .WithSummary("Queries an operational metric: aggregated per interval, optionally grouped and filtered by tags.")
            .Produces<MetricQueryResult>(StatusCodes.Status200OK, "application/json");
        metrics.MapGet("/stream", StreamAsync)
            .WithSummary("Live operational metrics as server-sent events, one `metrics` event per interval.")
            .WithDescription("`names=a,b` and `interval=1s|5s|30s|1m`. The event id is the interval's end (Unix ms); reconnecting with `Last-Event-ID` replays what was missed first.")
            .Produces<StreamEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem();
        return api;
    }

    /// <summary>
    /// Reads the body itself (bounded by <c>Analytics:Metrics:Ingest:MaxBodyBytes</c> → 413) into a pooled buffer and
    /// parses it with <see cref="MetricBatchParser"/>: the whole batch is valid and stored in one transaction, or 400.
    /// </summary>
    private static async Task<IResult> IngestAsync(HttpContext http, OperationalMetricsWriter writer, IOptions<MetricsOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var limits = options.Value.Ingest;
        var tooLarge = Results.Problem(statusCode: 413, title: "Too large", type: "https://httpstatuses.io/413",
            detail: $"The body exceeds {limits.MaxBodyBytes} bytes (Analytics:Metrics:Ingest:MaxBodyBytes); send smaller batches.");
        if (http.Request.ContentLength > limits.MaxBodyBytes) return tooLarge;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = limits.MaxBodyBytes;

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(http.Request.ContentLength ?? 65_536, 1024, limits.MaxBodyBytes) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limits.MaxBodyBytes) return tooLarge;
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limits.MaxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) break;
                length += read;
                if (length > limits.MaxBodyBytes) return tooLarge;
            }
            var points = MetricBatchParser.Parse(buffer.AsSpan(0, length), limits, clock.GetUtcNow());
            await writer.WriteAsync(points, ct);
            return Results.Json(new IngestResponse(points.Count), statusCode: StatusCodes.Status202Accepted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Server-sent events: every interval, one <c>metrics</c> event with, per named metric, the count/sum/min/max/avg of
    /// the raw points stamped in the interval just ended (all series of the name). The event id is the interval's end
    /// (Unix ms): a client reconnecting with <c>Last-Event-ID</c> first gets the intervals it missed, replayed from the
    /// store (at most <c>Analytics:Metrics:Stream:MaxReplayIntervals</c>), then live ones. Points that arrive after their
    /// interval was sent are not re-sent.
    /// </summary>
    private static async Task StreamAsync(HttpContext http, MetricQueryService service, IOptions<MetricsOptions> options, TimeProvider clock,
        string? names, string? interval, CancellationToken ct)
    {
        var streamOptions = options.Value.Stream;
        var list = (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0 || list.Count > streamOptions.MaxNames || list.Any(n => !MetricBatchParser.NamePattern().IsMatch(n)))
            throw new ValidationException("names", $"Give 1 to {streamOptions.MaxNames} comma-separated metric names.");
        var widthText = interval ?? "5s";
        if (!StreamIntervals.TryGetValue(widthText, out var width))
            throw new ValidationException("interval", "One of 1s, 5s, 30s, 1m.");
        long? resumeFrom = null;
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length > 0)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id % width != 0)
                throw new ValidationException("Last-Event-ID", "Must be an event id this stream sent (an interval end in Unix ms).");
            resumeFrom = id;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            var current = MetricResolutions.BucketOf(clock.GetUtcNow().ToUnixTimeMilliseconds(), width);
            await http.Response.WriteAsync($"retry: {Math.Max(1000, width)}\n\n", ct);
            var last = current;
            if (resumeFrom is { } resume && resume < current)
            {
                var from = Math.Max(resume, current - streamOptions.MaxReplayIntervals * width);
                var rows = await service.AggregateByNameAsync(list, from, current, width, ct);
                var byBucket = rows.ToLookup(r => r.BucketTs);
                for (var bucket = from; bucket < current; bucket += width)
                    await WriteEventAsync(http, list, bucket, width, byBucket[bucket], ct);
            }
            await http.Response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var due = DateTimeOffset.FromUnixTimeMilliseconds(last + width) - clock.GetUtcNow();
                if (due > TimeSpan.Zero) await Task.Delay(due, clock, ct);
                var rows = await service.AggregateByNameAsync(list, last, last + width, width, ct);
                await WriteEventAsync(http, list, last, width, rows, ct);
                last += width;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
    }

    private static async Task WriteEventAsync(HttpContext http, List<string> names, long bucket, long width, IEnumerable<StreamAggregate> rows, CancellationToken ct)
    {
        var byName = rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var payload = new StreamEvent(
            DateTimeOffset.FromUnixTimeMilliseconds(bucket).UtcDateTime,
            DateTimeOffset.FromUnixTimeMilliseconds(bucket + width).UtcDateTime,
            names.Select(n => byName.TryGetValue(n, out var r)
                ? new StreamMetric(n, r.Count, r.Sum, r.Min, r.Max, r.Count == 0 ? null : r.Sum / r.Count)
                : new StreamMetric(n, 0, null, null, null, null)).ToList());
        var json = JsonSerializer.Serialize(payload, JsonOptions);
        var text = new StringBuilder().Append("id: ").Append((bucket + width).ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: metrics\n").Append("data: ").Append(json).Append("\n\n").ToString();
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

public sealed record StreamEvent(DateTime Start, DateTime End, IReadOnlyList<StreamMetric> Metrics);

public sealed record StreamMetric(string Name, long Count, double? Sum, double? Min, double? Max, double? Avg);
