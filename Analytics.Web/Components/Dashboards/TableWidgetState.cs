using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using Analytics.Web.Components.Dashboards.Charts;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// A conditional formatting rule of a table widget: when a cell of <see cref="Column"/> compares true against the
/// threshold, it takes the colours. The first matching rule of a cell wins.
/// <code>{ "column": "acos", "op": "gt", "value": 0.3, "color": "#b71c1c", "background": "#ffebee" }</code>
/// </summary>
/// <param name="Op"><c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>, <c>eq</c>, or <c>between</c> (with <see cref="Value2"/>, inclusive).</param>
public sealed partial record ConditionalFormatRule(string Column, string Op, double Value, double? Value2 = null, string? Color = null, string? Background = null)
{
    public static readonly IReadOnlyList<string> Ops = ["gt", "gte", "lt", "lte", "eq", "between"];

    public bool Matches(double v) => Op switch
    {
        "gt" => v > Value,
        "gte" => v >= Value,
        "lt" => v < Value,
        "lte" => v <= Value,
        "eq" => Math.Abs(v - Value) < 1e-9,
        "between" => Value2 is { } hi && v >= Math.Min(Value, hi) && v <= Math.Max(Value, hi),
        _ => false,
    };

    /// <summary>The CSS of a matching cell. Colours are hex codes or colour names only: nothing else reaches the style attribute.</summary>
    public string Css => string.Concat(
        SafeColor(Color) is { } c ? $"color:{c};" : "",
        SafeColor(Background) is { } b ? $"background-color:{b};" : "");

    /// <summary>Rules from a widget's <c>options.rules</c>; entries that are incomplete or invalid are left out.</summary>
    public static IReadOnlyList<ConditionalFormatRule> Parse(JsonNode? rules)
    {
        if (rules is not JsonArray array) return [];
        var parsed = new List<ConditionalFormatRule>();
        foreach (var item in array.OfType<JsonObject>())
        {
            var column = Text(item["column"]);
            var op = Text(item["op"])?.ToLowerInvariant();
            if (column is null || op is null || !Ops.Contains(op) || Number(item["value"]) is not { } value) continue;
            var value2 = Number(item["value2"]);
            if (op == "between" && value2 is null) continue;
            parsed.Add(new ConditionalFormatRule(column, op, value, value2, SafeColor(Text(item["color"])), SafeColor(Text(item["background"]))));
        }
        return parsed;
    }

    public static string? SafeColor(string? color) => color is not null && ColorPattern().IsMatch(color) ? color : null;

    [GeneratedRegex("^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")]
    private static partial Regex ColorPattern();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : null;
}

/// <param name="Text">The formatted value.</param>
/// <param name="Css">Inline style from a matching rule, or empty.</param>
/// <param name="Numeric">Right-aligned (metrics).</param>
public sealed record TableCell(string Text, string Css, bool Numeric);

/// <summary>
/// Sorting, paging and formatting of a table widget's rows. Sorting is stable, nulls last whichever the direction;
/// a new column sorts metrics largest first and dimensions A→Z, the same column again flips the direction.
/// </summary>
public sealed class TableWidgetState
{
    private readonly ChartData _data;
    private readonly IReadOnlyList<ConditionalFormatRule> _rules;
    private readonly string _currency;
    private List<object?[]> _sorted;

    public TableWidgetState(QueryResult result, IReadOnlyList<ConditionalFormatRule>? rules = null, int pageSize = 10, string currency = "USD")
    {
        _data = new ChartData(result);
        _rules = rules ?? [];
        _currency = currency;
        PageSize = Math.Clamp(pageSize, 1, 500);
        _sorted = [.. result.Rows];
    }

    public IReadOnlyList<QueryColumn> Columns => _data.Result.Columns;
    public int PageSize { get; }
    public int Page { get; private set; }
    public int TotalRows => _sorted.Count;
    public int PageCount => Math.Max(1, (TotalRows + PageSize - 1) / PageSize);
    public string? SortColumn { get; private set; }
    public bool Descending { get; private set; }

    public void SortBy(string column, bool? descending = null)
    {
        var index = IndexOf(column);
        if (index < 0) return;
        Descending = descending ?? (SortColumn == column ? !Descending : Columns[index].Role == "metric");
        SortColumn = column;
        var keyed = _data.Result.Rows.Select((row, i) => (row, i)).ToList();
        keyed.Sort((a, b) =>
        {
            var cmp = Compare(a.row[index], b.row[index], Columns[index]);
            return cmp != 0 ? cmp : a.i.CompareTo(b.i); // stable
        });
        _sorted = keyed.Select(k => k.row).ToList();
        Page = 0;
    }

    /// <summary>Keeps the current sort and page (as far as it still exists) for a new result of the same widget.</summary>
    public TableWidgetState WithResult(QueryResult result)
    {
        var next = new TableWidgetState(result, _rules, PageSize, _currency);
        if (SortColumn is not null) next.SortBy(SortColumn, Descending);
        next.GoTo(Page);
        return next;
    }

    public void GoTo(int page) => Page = Math.Clamp(page, 0, PageCount - 1);
    public bool CanPrevious => Page > 0;
    public bool CanNext => Page < PageCount - 1;

    /// <summary><c>ascending</c>, <c>descending</c> or <c>none</c> (for aria-sort).</summary>
    public string AriaSort(string column) => SortColumn != column ? "none" : Descending ? "descending" : "ascending";

    public IReadOnlyList<IReadOnlyList<TableCell>> VisibleRows => _sorted
        .Skip(Page * PageSize).Take(PageSize)
        .Select(row => (IReadOnlyList<TableCell>)Columns.Select((c, i) => Cell(c, row[i])).ToList())
        .ToList();

    public string Header(int column) => _data.Label(column);

    private TableCell Cell(QueryColumn column, object? value)
    {
        switch (column.Role)
        {
            case "time":
                return new TableCell(_data.TimeLabel(value), "", false);
            case "metric":
                var number = ChartData.Number(value);
                var rule = number is { } n ? _rules.FirstOrDefault(r => string.Equals(r.Column, column.Name, StringComparison.OrdinalIgnoreCase) && r.Matches(n)) : null;
                return new TableCell(MetricFormat.Format(number, column.Format, _currency), rule?.Css ?? "", true);
            default:
                return new TableCell(ChartData.Text(value), "", false);
        }
    }

    private int Compare(object? a, object? b, QueryColumn column)
    {
        int Ordered(int cmp) => Descending ? -cmp : cmp;
        switch (column.Role)
        {
            case "metric":
                var x = ChartData.Number(a);
                var y = ChartData.Number(b);
                if (x is null || y is null) return x is null ? (y is null ? 0 : 1) : -1;
                return Ordered(x.Value.CompareTo(y.Value));
            case "time":
                var s = ChartData.Instant(a);
                var t = ChartData.Instant(b);
                if (s is null || t is null) return s is null ? (t is null ? 0 : 1) : -1;
                return Ordered(s.Value.CompareTo(t.Value));
            default:
                if (a is null || b is null) return a is null ? (b is null ? 0 : 1) : -1;
                return Ordered(string.Compare(ChartData.Text(a), ChartData.Text(b), StringComparison.OrdinalIgnoreCase));
        }
    }

    private int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
