namespace Analytics.Domain.Operational;

/// <summary>One operational time series: a metric name and a tag set (e.g. <c>http.request.duration{route=/api}</c>).</summary>
public sealed class MetricSeries
{
    public long Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Canonical tag set, keys sorted: <c>k1=v1,k2=v2</c>; unique with the name.</summary>
    public required string TagsKey { get; init; }

    public static string KeyOf(IReadOnlyDictionary<string, string>? tags) =>
        tags is null || tags.Count == 0
            ? ""
            : string.Join(',', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{Escape(t.Key)}={Escape(t.Value)}"));

    public static Dictionary<string, string> TagsOf(string key)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (key.Length == 0) return tags;
        foreach (var pair in SplitUnescaped(key, ','))
        {
            var parts = SplitUnescaped(pair, '=').ToList();
            tags[Unescape(parts[0])] = parts.Count > 1 ? Unescape(parts[1]) : "";
        }
        return tags;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace(",", "\\,").Replace("=", "\\=");

    private static string Unescape(string s) => s.Replace("\\,", ",").Replace("\\=", "=").Replace("\\\\", "\\");

    private static IEnumerable<string> SplitUnescaped(string s, char separator)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == separator) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }
}

/// <summary>One point of a series. Unix milliseconds; a second point at the same time replaces the first.</summary>
public sealed class MetricPoint
{
    public long SeriesId { get; set; }
    public long Ts { get; set; }
    public double Value { get; set; }
}
