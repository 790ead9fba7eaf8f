using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Infrastructure;

/// <summary>A span as the collector received it: <see cref="Kind"/> is OTLP's SpanKind (1 internal, 2 server, 3 client, …).</summary>
public sealed record OtlpSpan(string TraceId, string Name, int Kind, string Scope, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>A metric as received, with the attributes of each of its data points.</summary>
public sealed record OtlpMetric(string Name, string Scope, IReadOnlyList<IReadOnlyDictionary<string, string>> Points, IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// A real OTLP/HTTP receiver on 127.0.0.1, as an OpenTelemetry Collector's <c>otlphttp</c> receiver answers:
/// <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> with <c>Content-Type: application/x-protobuf</c>
/// (optionally gzip-encoded) get 200 and an empty protobuf response; another method 405, another path 404, another
/// encoding 400, a body that is not valid protobuf for the signal 400. It promises less than a collector in one way:
/// OTLP/JSON (<c>application/json</c>) is answered 415 as any other content type, since the app's exporter sends protobuf.
/// Protobuf is read with Google.Protobuf's wire-format reader (OpenTelemetry.Proto is not served), as far as span names,
/// kinds, attributes, metric names, data-point attributes and resource attributes.
/// </summary>
public sealed class FakeOtlpCollector : LoopbackServer
{
    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();
    public ConcurrentQueue<OtlpMetric> Metrics { get; } = new();
    /// <summary>Every request's path and the status it got, in order.</summary>
    public ConcurrentQueue<(string Path, int Status)> Requests { get; } = new();
    public Uri Url => Address;

    private FakeOtlpCollector()
    {
    }

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var collector = new FakeOtlpCollector();
        await collector.ListenAsync();
        return collector;
    }

    // Its own activity source and listener, not ASP.NET Core's: the app under test (same process) traces
    // "Microsoft.AspNetCore", and each export would otherwise be traced and exported in turn.
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(new System.Diagnostics.ActivitySource("Analytics.Tests.FakeOtlpCollector"));
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Analytics.Tests.FakeOtlpCollector"));
    }

    protected override void Map(WebApplication app) =>
        app.Run(async context =>
        {
            var status = await HandleAsync(context);
            Requests.Enqueue((context.Request.Path.Value ?? "", status));
        });

    private async Task<int> HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is not ("/v1/traces" or "/v1/metrics" or "/v1/logs")) return Answer(context, 404);
        if (!HttpMethods.IsPost(context.Request.Method)) return Answer(context, 405);
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/x-protobuf", StringComparison.OrdinalIgnoreCase)) return Answer(context, 415);
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding is not ("" or "identity" or "gzip")) return Answer(context, 400);

        using var body = new MemoryStream();
        if (encoding == "gzip")
        {
            try
            {
                await using var gzip = new GZipStream(context.Request.Body, CompressionMode.Decompress);
                await gzip.CopyToAsync(body);
            }
            catch (InvalidDataException)
            {
                return Answer(context, 400);
            }
        }
        else
        {
            await context.Request.Body.CopyToAsync(body);
        }

        try
        {
            var bytes = body.ToArray();
            if (path == "/v1/traces") foreach (var span in OtlpReader.Spans(bytes)) Spans.Enqueue(span);
            else if (path == "/v1/metrics") foreach (var metric in OtlpReader.Metrics(bytes)) Metrics.Enqueue(metric);
            else OtlpReader.Validate(bytes);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            return Answer(context, 400);
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        return 200; // an empty Export*ServiceResponse: no partial_success
    }

    private static int Answer(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return status;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/> with what is
/// <paramref name="missing"/> and what was received.</summary>
    public async Task WaitForAsync(Func<FakeOtlpCollector, bool> condition, TimeSpan timeout, Func<FakeOtlpCollector, string>? missing = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The OTLP collector did not receive what was expected in {timeout.TotalSeconds} s ({missing?.Invoke(this)}). Spans: "
                    + string.Join(", ", Spans.Select(s => $"{s.Scope}:{s.Name}").Distinct().Take(40))
                    + "; metrics: " + string.Join(", ", Metrics.Select(m => m.Name).Distinct().Take(80))
                    + "; requests: " + string.Join(", ", Requests.Select(r => $"{r.Path} {r.Status}")));
            await Task.Delay(100);
        }
    }

}

/// <summary>
/// Reads OTLP's protobuf messages field by field (opentelemetry/proto/{collector,trace,metrics,common,resource}/v1 field
/// numbers), skipping the fields it has no use for; a truncated message throws <see cref="InvalidProtocolBufferException"/>,
/// a field of the wrong wire type <see cref="InvalidDataException"/>.
/// </summary>
internal static class OtlpReader
{
    public static List<OtlpSpan> Spans(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
        foreach (var resourceSpans in Messages(request, 1))
        {
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            var resource = Resource(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
                var scope = ScopeName(scopeSpans);
                foreach (var span in Messages(scopeSpans, 2))
                {
                    // Span { bytes trace_id = 1; string name = 5; SpanKind kind = 6; repeated KeyValue attributes = 9; … }
                    var traceId = "";
                    var name = "";
                    var kind = 0;
                    var attributes = new Dictionary<string, string>();
                    Read(span, (field, input, wire) =>
                    {
                        switch (field)
                        {
                            case 1: traceId = Convert.ToHexStringLower(Bytes(input, wire)); return true;
                            case 5: name = String(input, wire); return true;
                            case 6: kind = (int)Varint(input, wire); return true;
                            case 9: AddAttribute(attributes, Bytes(input, wire)); return true;
                            default: return false;
                        }
                    });
                    spans.Add(new OtlpSpan(traceId, name, kind, scope, attributes, resource));
                }
            }
        }
        return spans;
    }

    public static List<OtlpMetric> Metrics(byte[] request)
    {
        var metrics = new List<OtlpMetric>();
        // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
        foreach (var resourceMetrics in Messages(request, 1))
        {
            // ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
            var resource = Resource(resourceMetrics);
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                // ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
                var scope = ScopeName(scopeMetrics);
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    // Metric { string name = 1; Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9;
                    //          ExponentialHistogram exponential_histogram = 10; Summary summary = 11; }
                    var name = "";
                    var points = new List<IReadOnlyDictionary<string, string>>();
                    Read(metric, (field, input, wire) =>
                    {
                        switch (field)
                        {
                            case 1:
                                name = String(input, wire);
                                return true;
                            case 5 or 7 or 9 or 10 or 11:
                                // Each holds repeated data_points = 1, whose attributes are field 7 (number), 9 (histogram),
                                // 1 (exponential histogram) or 9 (summary).
                                var attributesField = field switch { 5 or 7 => 7, 10 => 1, _ => 9 };
                                foreach (var point in Messages(Bytes(input, wire), 1))
                                {
                                    var attributes = new Dictionary<string, string>();
                                    foreach (var keyValue in Messages(point, attributesField)) AddAttribute(attributes, keyValue);
                                    points.Add(attributes);
                                }
                                return true;
                            default:
                                return false;
                        }
                    });
                    metrics.Add(new OtlpMetric(name, scope, points, resource));
                }
            }
        }
        return metrics;
    }

    /// <summary>Walks a message without keeping anything (logs): only whether it is well-formed.</summary>
    public static void Validate(byte[] message) => Read(message, (_, _, _) => false);

    private static Dictionary<string, string> Resource(byte[] parent)
    {
        // Resource { repeated KeyValue attributes = 1; }
        var attributes = new Dictionary<string, string>();
        foreach (var resource in Messages(parent, 1))
            foreach (var keyValue in Messages(resource, 1)) AddAttribute(attributes, keyValue);
        return attributes;
    }

    private static string ScopeName(byte[] parent)
    {
        // InstrumentationScope { string name = 1; string version = 2; }
        var name = "";
        foreach (var scope in Messages(parent, 1))
            Read(scope, (field, input, wire) =>
            {
                if (field != 1) return false;
                name = String(input, wire);
                return true;
            });
        return name;
    }

    private static void AddAttribute(Dictionary<string, string> attributes, byte[] keyValue)
    {
        // KeyValue { string key = 1; AnyValue value = 2; }
        // AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; … }
        var key = "";
        var value = "";
        Read(keyValue, (field, input, wire) =>
        {
            switch (field)
            {
                case 1: key = String(input, wire); return true;
                case 2:
                    Read(Bytes(input, wire), (f, i, w) =>
                    {
                        switch (f)
                        {
                            case 1: value = String(i, w); return true;
                            case 2: value = Varint(i, w) != 0 ? "true" : "false"; return true;
                            case 3: value = ((long)Varint(i, w)).ToString(System.Globalization.CultureInfo.InvariantCulture); return true;
                            case 4:
                                Expect(w, WireFormat.WireType.Fixed64);
                                value = i.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
                                return true;
                            default: return false;
                        }
                    });
                    return true;
                default: return false;
            }
        });
        attributes[key] = value;
    }

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of <paramref name="message"/>.</summary>
    private static List<byte[]> Messages(byte[] message, int number)
    {
        var found = new List<byte[]>();
        Read(message, (field, input, wire) =>
        {
            if (field != number) return false;
            found.Add(Bytes(input, wire));
            return true;
        });
        return found;
    }

    /// <summary>Calls <paramref name="field"/> for each field; a field it does not take (false) is skipped.</summary>
    private static void Read(byte[] message, Func<int, CodedInputStream, WireFormat.WireType, bool> field)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!field(WireFormat.GetTagFieldNumber(tag), input, WireFormat.GetTagWireType(tag))) input.SkipLastField();
        }
    }

    private static byte[] Bytes(CodedInputStream input, WireFormat.WireType wire)
    {
        Expect(wire, WireFormat.WireType.LengthDelimited);
        return input.ReadBytes().ToByteArray();
    }

    private static string String(CodedInputStream input, WireFormat.WireType wire)
    {
        Expect(wire, WireFormat.WireType.LengthDelimited);
        return input.ReadString();
    }

    private static ulong Varint(CodedInputStream input, WireFormat.WireType wire)
    {
        Expect(wire, WireFormat.WireType.Varint);
        return input.ReadUInt64();
    }

    private static void Expect(WireFormat.WireType actual, WireFormat.WireType expected)
    {
        if (actual != expected) throw new InvalidDataException($"Expected wire type {expected}, got {actual}.");
    }
}
