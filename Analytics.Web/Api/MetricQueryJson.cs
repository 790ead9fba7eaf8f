using System.Buffers;
using System.Text.Json;
using Analytics.Domain.Operational;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

/// <summary>
/// Writes a <see cref="MetricQueryResult"/> straight to the response body with a <see cref="Utf8JsonWriter"/>, in exactly
/// the shape (and with the same encoder) the serializer would produce: <c>{"data":[{"timestamp","value","tags"}],
/// "meta":{"resolution","interval","seriesCount","notes"}}</c>. Timestamps are written by the writer's own allocation-free
/// ISO 8601 formatter (the one the serializer uses for <see cref="DateTime"/>; UTC kind → trailing <c>Z</c>). Points of
/// one group share one tags dictionary, so each distinct tags object is encoded once and copied as raw JSON after that.
/// </summary>
public sealed class MetricQueryJsonResult(MetricQueryResult result) : IResult
{
    private const int FlushThreshold = 16 * 1024;

    public MetricQueryResult Result => result;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var encoder = httpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.Encoder;
        var body = response.BodyWriter;
        var ct = httpContext.RequestAborted;
        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        var data = result.Data;
        var encodedTags = new Dictionary<IReadOnlyDictionary<string, string>, byte[]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < data.Count; i++)
        {
            var point = data[i];
            writer.WriteStartObject();
            writer.WriteString(TimestampName, point.Timestamp);
            if (point.Value is { } value) writer.WriteNumber(ValueName, value);
            else writer.WriteNull(ValueName);
            writer.WritePropertyName(TagsName);
            if (!encodedTags.TryGetValue(point.Tags, out var tags)) encodedTags[point.Tags] = tags = EncodeTags(point.Tags, encoder);
            writer.WriteRawValue(tags, skipInputValidation: true);
            writer.WriteEndObject();
            if (writer.BytesPending >= FlushThreshold)
            {
                writer.Flush();
                var flushed = await body.FlushAsync(ct);
                if (flushed.IsCanceled || flushed.IsCompleted) return;
            }
        }
        writer.WriteEndArray();
        var meta = result.Meta;
        writer.WriteStartObject(MetaName);
        writer.WriteString(ResolutionName, meta.Resolution);
        writer.WriteString(IntervalName, meta.Interval);
        writer.WriteNumber(SeriesCountName, meta.SeriesCount);
        writer.WriteStartArray(NotesName);
        foreach (var note in meta.Notes) writer.WriteStringValue(note);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(ct);
    }

    /// <summary>The UTF-8 JSON of one tags object (key order as the dictionary enumerates, as the serializer does).</summary>
    internal static byte[] EncodeTags(IReadOnlyDictionary<string, string> tags, System.Text.Encodings.Web.JavaScriptEncoder? encoder)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in tags) writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText TagsName = JsonEncodedText.Encode("tags");
    private static readonly JsonEncodedText MetaName = JsonEncodedText.Encode("meta");
    private static readonly JsonEncodedText ResolutionName = JsonEncodedText.Encode("resolution");
    private static readonly JsonEncodedText IntervalName = JsonEncodedText.Encode("interval");
    private static readonly JsonEncodedText SeriesCountName = JsonEncodedText.Encode("seriesCount");
    private static readonly JsonEncodedText NotesName = JsonEncodedText.Encode("notes");
}
