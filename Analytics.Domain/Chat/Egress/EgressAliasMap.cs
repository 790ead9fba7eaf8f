using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Chat.Egress;

/// <summary>
/// The aliasing map of one question in <c>anonymized</c> (and <c>schema-only</c>) mode: dimension values that name
/// things (campaigns, ASINs, advertisers, …) and the instances' names and ids become stable aliases (<c>Campaign A</c>,
/// <c>ASIN 7</c>, <c>Instance B</c>, <c>instance-b</c>) before anything is sent, and aliases become the real names again
/// in what the model answers (text, streamed text split anywhere, and the arguments of its function calls).
/// Aliases are stable: values known up front (the user's vocabulary) are numbered in sorted order, so the same
/// campaign gets the same alias in every question of a conversation; values met later are appended.
/// </summary>
public sealed class EgressAliasMap
{
    /// <summary>Dimensions aliased by default (<c>Analytics:Chat:Egress:AliasedDimensions</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultDimensions =
        ["campaign", "asin", "sku", "advertiser", "ad_group", "keyword", "search_term", "portfolio", "brand", "product", "creative", "line_item", "order"];

    public const string InstanceDimension = "instance";
    private const string InstanceIdDimension = "instance_id";

    private static readonly Dictionary<string, (string Label, bool Numeric)> Styles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["campaign"] = ("Campaign", false), ["asin"] = ("ASIN", true), ["sku"] = ("SKU", true), ["advertiser"] = ("Advertiser", false),
        ["ad_group"] = ("Ad group", false), ["keyword"] = ("Keyword", true), ["search_term"] = ("Search term", true), ["portfolio"] = ("Portfolio", false),
        ["brand"] = ("Brand", false), ["product"] = ("Product", true), ["creative"] = ("Creative", true), ["line_item"] = ("Line item", true), ["order"] = ("Order", true),
        [InstanceDimension] = ("Instance", false), [InstanceIdDimension] = ("instance-", false),
    };

    private readonly HashSet<string> _dimensions;
    private readonly Dictionary<string, string> _toAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _toValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private Regex? _forward;
    private Regex? _backward;

    public EgressAliasMap(IEnumerable<string>? aliasedDimensions = null)
    {
        _dimensions = new HashSet<string>(aliasedDimensions ?? DefaultDimensions, StringComparer.OrdinalIgnoreCase) { InstanceDimension };
    }

    /// <summary>A map seeded with known values (sorted, so aliases are stable across questions) and the instances.</summary>
    public static EgressAliasMap Build(IEnumerable<string>? aliasedDimensions, IEnumerable<(string Dimension, IEnumerable<string> Values)> dimensions,
        IEnumerable<(string Id, string Name)> instances)
    {
        var map = new EgressAliasMap(aliasedDimensions);
        foreach (var (id, name) in instances.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var code = map.Next(InstanceDimension);
            map.Add(name, "Instance " + code);
            map.Add(id, "instance-" + code.ToLowerInvariant());
        }
        foreach (var (dimension, values) in dimensions.Where(d => map.IsAliased(d.Dimension)).OrderBy(d => d.Dimension, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)) map.Alias(dimension, value);
        }
        return map;
    }

    public bool IsAliased(string dimension) => _dimensions.Contains(dimension);

    /// <summary>Distinct aliases that went into outgoing text so far.</summary>
    public int UsedCount => _used.Count;

    public IReadOnlyDictionary<string, string> Aliases => _toValue;

    /// <summary>The alias of one value of a dimension (created on first sight). Values of dimensions not aliased pass.</summary>
    public string Alias(string dimension, string value)
    {
        if (!IsAliased(dimension) || value.Length < 2) return value;
        if (_toAlias.TryGetValue(value, out var alias)) return alias;
        if (_toValue.ContainsKey(value)) return value; // already an alias
        var style = Styles.TryGetValue(dimension, out var s) ? s : (Label: Humanize(dimension), Numeric: true);
        alias = $"{style.Label} {Next(dimension, style.Numeric)}";
        Add(value, alias);
        return alias;
    }

    private string Next(string dimension, bool numeric = false)
    {
        var n = _counters.GetValueOrDefault(dimension) + 1;
        _counters[dimension] = n;
        return numeric ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Letters(n);
    }

    /// <summary>1 → A, 26 → Z, 27 → AA (bijective base 26).</summary>
    public static string Letters(int n)
    {
        var sb = new StringBuilder();
        while (n > 0)
        {
            n--;
            sb.Insert(0, (char)('A' + n % 26));
            n /= 26;
        }
        return sb.ToString();
    }

    private static string Humanize(string dimension) =>
        dimension.Length == 0 ? "Value" : char.ToUpperInvariant(dimension[0]) + dimension[1..].Replace('_', ' ');

    private void Add(string value, string alias)
    {
        if (value.Length < 2 || _toAlias.ContainsKey(value)) return;
        _toAlias[value] = alias;
        _toValue.TryAdd(alias, value);
        _forward = null;
        _backward = null;
    }

    private static Regex Alternation(IEnumerable<string> words, RegexOptions options)
    {
        var alternatives = words.OrderByDescending(w => w.Length).ThenBy(w => w, StringComparer.Ordinal).Select(Regex.Escape).ToList();
        if (alternatives.Count == 0) return new Regex("(?!)");
        return new Regex(@"(?<![\p{L}\p{N}_])(?:" + string.Join("|", alternatives) + @")(?![\p{L}\p{N}_])", options | RegexOptions.CultureInvariant);
    }

    /// <summary>Every known value in <paramref name="text"/> replaced by its alias (whole words, longest first, any case).</summary>
    public string Anonymize(string text)
    {
        if (string.IsNullOrEmpty(text) || _toAlias.Count == 0) return text;
        _forward ??= Alternation(_toAlias.Keys, RegexOptions.IgnoreCase);
        return _forward.Replace(text, m =>
        {
            var alias = _toAlias[m.Value];
            _used.Add(alias);
            return alias;
        });
    }

    /// <summary>Every alias in <paramref name="text"/> replaced by the real value.</summary>
    public string Restore(string text)
    {
        if (string.IsNullOrEmpty(text) || _toValue.Count == 0) return text;
        _backward ??= Alternation(_toValue.Keys, RegexOptions.None);
        return _backward.Replace(text, m => _toValue[m.Value]);
    }

    /// <summary>
    /// A function result (JSON) made safe to send: values in columns of aliased dimensions (and instance names and ids)
    /// become aliases, including values never seen before; then known values anywhere else in its text.
    /// Text that is not JSON is anonymized as text.
    /// </summary>
    public string AnonymizeJson(string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { return Anonymize(json); }
        if (root is null) return json;
        return Walk(root, null).ToJsonString(EgressJson.Options);
    }

    private JsonNode Walk(JsonNode node, string? dimension)
    {
        switch (node)
        {
            case JsonObject o:
            {
                var columns = o["columns"] is JsonArray cols ? cols.Select(c => c is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList() : null;
                var listed = o["dimension"] is JsonValue dv && dv.TryGetValue<string>(out var d) ? d : null;
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var child = o[key];
                    if (child is null) continue;
                    if (key == "rows" && columns is not null && child is JsonArray rows)
                    {
                        foreach (var row in rows.OfType<JsonArray>())
                        {
                            for (var i = 0; i < row.Count && i < columns.Count; i++)
                            {
                                if (row[i] is { } cell && Walk(cell, ColumnDimension(columns[i])) is var mapped && !ReferenceEquals(mapped, cell)) row[i] = mapped;
                            }
                        }
                        continue;
                    }
                    var walked = Walk(child, key == "values" && listed is not null ? listed : ColumnDimension(key));
                    if (!ReferenceEquals(walked, child)) o[key] = walked;
                }
                return o;
            }
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item && Walk(item, dimension) is var mapped && !ReferenceEquals(mapped, item)) a[i] = mapped;
                }
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                if (dimension is not null && IsAliased(dimension))
                {
                    var alias = Alias(dimension, text);
                    _used.Add(alias);
                    return JsonValue.Create(alias)!;
                }
                return JsonValue.Create(Anonymize(text))!;
            default:
                return node;
        }
    }

    /// <summary>The dimension a column or property carries: instance names and ids are aliased like dimensions.</summary>
    private string? ColumnDimension(string? name) => name switch
    {
        null => null,
        "instance" or "source" or "sourceName" or "SourceName" => InstanceDimension,
        _ => IsAliased(name) ? name : null,
    };

    /// <summary>The model's function-call arguments with aliases turned back into real values (exact or inside text).</summary>
    public string RestoreJson(string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { return Restore(json); }
        return root is null ? json : RestoreNode(root).ToJsonString(EgressJson.Options);
    }

    private JsonNode RestoreNode(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is { } child && RestoreNode(child) is var mapped && !ReferenceEquals(mapped, child)) o[key] = mapped;
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item && RestoreNode(item) is var mapped && !ReferenceEquals(mapped, item)) a[i] = mapped;
                }
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                return JsonValue.Create(_toValue.TryGetValue(text, out var real) ? real : Restore(text))!;
            default:
                return node;
        }
    }

    /// <summary>A restorer for streamed text: an alias split across deltas is held back until it is complete.</summary>
    public AliasStreamRestorer Stream() => new(this);

    internal bool MayStartAlias(ReadOnlySpan<char> tail)
    {
        foreach (var alias in _toValue.Keys)
        {
            if (alias.AsSpan().StartsWith(tail, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    internal int LongestAlias => _toValue.Count == 0 ? 0 : _toValue.Keys.Max(k => k.Length);
}

/// <summary>
/// Restores aliases in streamed text. Text is passed on as soon as it cannot be the start of an alias; a tail that may
/// still grow into one ("Camp", "Campaign A" before a possible "B") is held until the next delta or <see cref="Flush"/>.
/// </summary>
public sealed class AliasStreamRestorer(EgressAliasMap map)
{
    private readonly StringBuilder _pending = new();
    private readonly int _longest = map.LongestAlias;

    public string Push(string delta)
    {
        _pending.Append(delta);
        var text = _pending.ToString();
        var hold = text.Length;
        for (var i = Math.Max(0, text.Length - _longest); i < text.Length; i++)
        {
            if (i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_')) continue;
            if (map.MayStartAlias(text.AsSpan(i))) { hold = i; break; }
        }
        _pending.Clear().Append(text, hold, text.Length - hold);
        return map.Restore(text[..hold]);
    }

    public string Flush()
    {
        var rest = map.Restore(_pending.ToString());
        _pending.Clear();
        return rest;
    }
}
