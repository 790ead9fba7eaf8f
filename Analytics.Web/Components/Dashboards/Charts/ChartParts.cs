using System.Text.Json.Nodes;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>Pieces every kind shares, so tooltips, legends and colours look the same across charts.</summary>
internal static class ChartParts
{
    public static JsonObject Legend(bool show, int entries) => new()
    {
        ["show"] = show && entries > 1,
        ["type"] = "scroll",
        ["bottom"] = 0,
        ["left"] = "center",
    };

    public static JsonObject ItemTooltip(string format) => new()
    {
        ["trigger"] = "item",
        ["confine"] = true,
        ["valueFormatter"] = ChartMarkers.Value(format),
    };

    public static JsonObject Drill(string? category = null, string? series = null, string? x = null, string? y = null)
    {
        var drill = new JsonObject();
        if (category is not null) drill["category"] = category;
        if (series is not null) drill["series"] = series;
        if (x is not null) drill["x"] = x;
        if (y is not null) drill["y"] = y;
        return drill;
    }

    /// <summary>The column index at a position of a list of column indexes, or -1.</summary>
    public static int At(List<int> columns, int position) => position < columns.Count ? columns[position] : -1;

    /// <summary>Labels in a JSON array.</summary>
    public static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>Formats that can be added up (so "Other" slices and sums make sense); rates and ratios cannot.</summary>
    public static bool IsAdditive(string format) => format is "integer" or "currency" or "number";
}
