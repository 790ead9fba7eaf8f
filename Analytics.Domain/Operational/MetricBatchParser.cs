using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Operational;

/// <summary>
/// Parses and validates an ingest batch <c>[{ name, time, value, tags: { k: v } }]</c> straight from UTF-8 with
/// <see cref="Utf8JsonReader"/> (no DOM, no reflection). The batch is validated whole: every problem is reported by
/// index and field (<c>[3].value</c>), and a batch with any problem yields no points at all.
/// </summary>
public static partial class MetricBatchParser
{
    /// <summary>Metric names: a letter or underscore, then letters, digits and <c>_ . : -</c>; at most 200 characters.</summary>
    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_.:-]{0,199}$")]
    public static partial Regex NamePattern();

    private const int MaxReportedErrors = 100;
    private static readonly long MinTimestampMs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static List<SeriesPoint> Parse(ReadOnlySpan<byte> json, MetricsIngestOptions options, DateTimeOffset now)
    {
        var errors = new Dictionary<string, List<string>>();
        var points = new List<SeriesPoint>();
        var maxTs = (now + options.MaxFutureSkew).ToUnixTimeMilliseconds();
        // Names and tag keys repeat across a batch: intern them per batch so the series cache sees equal strings cheaply.
        var strings = new Dictionary<int, (byte[] Utf8, string Value)>();
        var tags = new List<KeyValuePair<string, string>>(8);
        // Points of one series repeat the same tags object byte for byte: its canonical key is computed once per batch.
        var tagKeys = new Dictionary<int, (byte[] Raw, string Key)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new ValidationException("body", "The body must be a JSON array of points: [{ \"name\", \"time\", \"value\", \"tags\" }].");
            var index = -1;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                index++;
                if (index >= options.MaxPoints)
                    throw new ValidationException("body", $"A batch holds at most {options.MaxPoints} points; split it into smaller batches.");
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    Add(errors, $"[{index}]", "Each point must be a JSON object.");
                    reader.Skip();
                    continue;
                }
                string? name = null;
                string tagsKey = "";
                long? ts = null;
                double? value = null;
                tags.Clear();
                var pointOk = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var field = reader.ValueSpan;
                    var escaped = reader.ValueIsEscaped;
                    reader.Read();
                    if (!escaped && field.SequenceEqual("name"u8)) name = ReadName(ref reader, index, errors, strings, ref pointOk);
                    else if (!escaped && field.SequenceEqual("time"u8)) ts = ReadTime(ref reader, index, errors, maxTs, ref pointOk);
                    else if (!escaped && field.SequenceEqual("value"u8)) value = ReadValue(ref reader, index, errors, ref pointOk);
                    else if (!escaped && field.SequenceEqual("tags"u8)) tagsKey = ReadTagsCached(ref reader, json, index, errors, options, strings, tags, tagKeys, ref pointOk);
                    else reader.Skip(); // unknown fields are ignored, as most ingest APIs do
                }
                if (name is null && pointOk && !errors.ContainsKey($"[{index}].name")) { Add(errors, $"[{index}].name", "Required."); pointOk = false; }
                if (ts is null && pointOk && !errors.ContainsKey($"[{index}].time")) { Add(errors, $"[{index}].time", "Required: an ISO 8601 time with offset, e.g. 2026-03-15T12:00:00Z."); pointOk = false; }
                if (value is null && pointOk && !errors.ContainsKey($"[{index}].value")) { Add(errors, $"[{index}].value", "Required: a finite JSON number."); pointOk = false; }
                if (pointOk && errors.Count == 0) points.Add(new SeriesPoint(name!, tagsKey, ts!.Value, value!.Value));
                if (errors.Count >= MaxReportedErrors) break;
            }
        }
        catch (JsonException e)
        {
            throw new ValidationException("body", $"The body is not valid JSON: {e.Message}");
        }
        if (errors.Count > 0) throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        return points;
    }

    private static string? ReadName(ref Utf8JsonReader reader, int index, Dictionary<string, List<string>> errors, Dictionary<int, (byte[] Utf8, string Value)> strings, ref bool ok)
    {
        if (reader.TokenType != JsonTokenType.String) { Fail(ref reader, errors, $"[{index}].name", "Must be a string.", ref ok); return null; }
        var name = Intern(ref reader, strings);
        if (!NamePattern().IsMatch(name)) { Add(errors, $"[{index}].name", $"'{Truncate(name)}' is not a metric name: a letter or '_', then letters, digits, '_', '.', ':' or '-', at most 200 characters."); ok = false; return null; }
        return name;
    }

    private static long? ReadTime(ref Utf8JsonReader reader, int index, Dictionary<string, List<string>> errors, long maxTs, ref bool ok)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) { Fail(ref reader, errors, $"[{index}].time", "Must be an ISO 8601 string with offset, e.g. 2026-03-15T12:00:00Z.", ref ok); return null; }
        var raw = reader.ValueSpan;
        if (!HasOffset(raw) || !reader.TryGetDateTimeOffset(out var time))
        {
            Add(errors, $"[{index}].time", "Must be an ISO 8601 time with an offset (Z or ±hh:mm), e.g. 2026-03-15T12:00:00Z."); ok = false; return null;
        }
        var ms = time.ToUnixTimeMilliseconds();
        if (ms < MinTimestampMs) { Add(errors, $"[{index}].time", "Must not be before 2000-01-01T00:00:00Z."); ok = false; return null; }
        if (ms > maxTs) { Add(errors, $"[{index}].time", "Is too far in the future (more than the allowed clock skew ahead of the server's time)."); ok = false; return null; }
        return ms;
    }

    private static double? ReadValue(ref Utf8JsonReader reader, int index, Dictionary<string, List<string>> errors, ref bool ok)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            // "NaN", "Infinity" and numbers in strings are refused: a value is a finite JSON number.
            Fail(ref reader, errors, $"[{index}].value", "Must be a finite JSON number (NaN, Infinity and strings are not accepted).", ref ok);
            return null;
        }
        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            Add(errors, $"[{index}].value", "Must be a finite number within the range of a 64-bit float."); ok = false; return null;
        }
        return value;
    }

    private static string ReadTagsCached(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index, Dictionary<string, List<string>> errors,
        MetricsIngestOptions options, Dictionary<int, (byte[] Utf8, string Value)> strings, List<KeyValuePair<string, string>> tags, Dictionary<int, (byte[] Raw, string Key)> cache, ref bool ok)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            ReadTags(ref reader, index, errors, options, strings, tags, ref ok);
            return "";
        }
        var start = (int)reader.TokenStartIndex;
        var probe = reader;
        probe.Skip();
        var raw = json[start..(int)probe.BytesConsumed];
        var hash = HashOf(raw);
        if (cache.TryGetValue(hash, out var hit) && raw.SequenceEqual(hit.Raw))
        {
            reader.Skip();
            return hit.Key;
        }
        tags.Clear();
        var errorsBefore = errors.Count;
        var okBefore = ok;
        ReadTags(ref reader, index, errors, options, strings, tags, ref ok);
        var key = TagsKey(tags);
        if (okBefore && ok && errors.Count == errorsBefore) cache[hash] = (raw.ToArray(), key);
        return key;
    }

    private static void ReadTags(ref Utf8JsonReader reader, int index, Dictionary<string, List<string>> errors, MetricsIngestOptions options,
        Dictionary<int, (byte[] Utf8, string Value)> strings, List<KeyValuePair<string, string>> tags, ref bool ok)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        if (reader.TokenType != JsonTokenType.StartObject) { Fail(ref reader, errors, $"[{index}].tags", "Must be an object of string values.", ref ok); return; }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var tagKey = Intern(ref reader, strings);
            reader.Read();
            var field = $"[{index}].tags.{Truncate(tagKey)}";
            if (reader.TokenType != JsonTokenType.String) { Fail(ref reader, errors, field, "Tag values must be strings.", ref ok); continue; }
            var tagValue = Intern(ref reader, strings);
            if (tagKey.Length == 0 || tagKey.Length > options.MaxTagKeyLength) { Add(errors, field, $"Tag keys must have 1 to {options.MaxTagKeyLength} characters."); ok = false; }
            else if (tagValue.Length > options.MaxTagValueLength) { Add(errors, field, $"Tag values must have at most {options.MaxTagValueLength} characters."); ok = false; }
            else tags.Add(new(tagKey, tagValue));
        }
        if (tags.Count > options.MaxTags) { Add(errors, $"[{index}].tags", $"At most {options.MaxTags} tags per point ({tags.Count} given)."); ok = false; }
        else if (tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count) { Add(errors, $"[{index}].tags", "Duplicate tag key."); ok = false; }
    }

    /// <summary>The canonical key, as <see cref="MetricSeries.KeyOf"/> makes it.</summary>
    private static string TagsKey(List<KeyValuePair<string, string>> tags)
    {
        if (tags.Count == 0) return "";
        var dictionary = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        foreach (var t in tags) dictionary[t.Key] = t.Value;
        return MetricSeries.KeyOf(dictionary);
    }

    private static bool HasOffset(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 11) return false;
        var last = raw[^1];
        if (last is (byte)'Z' or (byte)'z') return true;
        return raw.Length >= 6 && raw[^6] is (byte)'+' or (byte)'-' && raw[^3] == (byte)':';
    }

    private static string Intern(ref Utf8JsonReader reader, Dictionary<int, (byte[] Utf8, string Value)> strings)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > 256) return reader.GetString()!;
        var span = reader.ValueSpan;
        var hash = HashOf(span);
        if (strings.TryGetValue(hash, out var hit) && span.SequenceEqual(hit.Utf8)) return hit.Value;
        var s = Encoding.UTF8.GetString(span);
        strings[hash] = (span.ToArray(), s);
        return s;
    }

    private static int HashOf(ReadOnlySpan<byte> span)
    {
        var hash = new HashCode();
        hash.AddBytes(span);
        return hash.ToHashCode();
    }

    private static void Fail(ref Utf8JsonReader reader, Dictionary<string, List<string>> errors, string key, string message, ref bool ok)
    {
        Add(errors, key, message);
        ok = false;
        reader.Skip();
    }

    private static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

}
