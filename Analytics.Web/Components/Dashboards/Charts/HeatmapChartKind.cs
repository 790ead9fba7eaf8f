using System.Text.Json.Nodes;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// A grid of cells coloured by the first metric: columns by the first dimension and rows by the second; or columns by
/// time bucket and rows by the dimension (campaign × week); or, with <c>heatmap: weekdayHour</c>, a time series folded
/// into hour of day × weekday (in the query's zone). Folding adds up additive metrics and averages rates.
/// </summary>
public sealed class HeatmapChartKind : IChartKind
{
    public string Kind => "heatmap";

    private static readonly string[] Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public JsonObject Build(ChartRequest request)
    {
        var (data, options) = request;
        var metric = ChartParts.At(data.Metrics, 0);
        var format = metric >= 0 ? data.Format(metric) : "number";
        List<string> xs, ys;
        Func<object?[], (string X, string Y)?> cell;
        string? xDimension = null, yDimension = null;
        if (data.HasTime && string.Equals(options.Heatmap, "weekdayHour", StringComparison.OrdinalIgnoreCase))
        {
            xs = Enumerable.Range(0, 24).Select(h => h.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToList();
            ys = [.. Weekdays];
            cell = r => data.Local(r[data.TimeIndex]) is { } t ? (t.Hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture), Weekdays[((int)t.DayOfWeek + 6) % 7]) : null;
        }
        else if (data.HasTime)
        {
            var dimension = ChartParts.At(data.Dimensions, 0);
            xs = data.Distinct(data.TimeIndex, data.TimeLabel);
            ys = dimension >= 0 ? data.Distinct(dimension) : [metric >= 0 ? data.Label(metric) : ""];
            cell = r => (data.TimeLabel(r[data.TimeIndex]), dimension >= 0 ? ChartData.Text(r[dimension]) : ys[0]);
            yDimension = dimension >= 0 ? data.Column(dimension).Name : null;
        }
        else
        {
            var first = ChartParts.At(data.Dimensions, 0);
            var second = ChartParts.At(data.Dimensions, 1);
            xs = first >= 0 ? data.Distinct(first) : [""];
            ys = second >= 0 ? data.Distinct(second) : [metric >= 0 ? data.Label(metric) : ""];
            cell = r => (first >= 0 ? ChartData.Text(r[first]) : "", second >= 0 ? ChartData.Text(r[second]) : ys[0]);
            xDimension = first >= 0 ? data.Column(first).Name : null;
            yDimension = second >= 0 ? data.Column(second).Name : null;
        }

        var xIndex = xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i, StringComparer.Ordinal);
        var yIndex = ys.Select((y, i) => (y, i)).ToDictionary(p => p.y, p => p.i, StringComparer.Ordinal);
        var sums = new Dictionary<(int, int), (double Sum, int Count)>();
        if (metric >= 0)
        {
            foreach (var row in data.Rows)
            {
                if (cell(row) is not { } c || ChartData.Number(row[metric]) is not { } v) continue;
                if (!xIndex.TryGetValue(c.X, out var x) || !yIndex.TryGetValue(c.Y, out var y)) continue;
                sums.TryGetValue((x, y), out var acc);
                sums[(x, y)] = (acc.Sum + v, acc.Count + 1);
            }
        }
        var additive = ChartParts.IsAdditive(format);
        var cells = sums.OrderBy(p => p.Key.Item2).ThenBy(p => p.Key.Item1)
            .Select(p => (X: p.Key.Item1, Y: p.Key.Item2, V: additive ? p.Value.Sum : p.Value.Sum / p.Value.Count))
            .ToList();
        var min = options.Min ?? (cells.Count > 0 ? Math.Min(0, cells.Min(c => c.V)) : 0);
        var max = options.Max ?? (cells.Count > 0 ? cells.Max(c => c.V) : 1);
        if (max <= min) max = min + 1;

        return new JsonObject
        {
            ["tooltip"] = new JsonObject { ["trigger"] = "item", ["confine"] = true, ["valueFormatter"] = ChartMarkers.Value(format) },
            ["grid"] = new JsonObject { ["left"] = 8, ["right"] = 12, ["top"] = 12, ["bottom"] = 72 },
            ["xAxis"] = new JsonObject
            {
                ["type"] = "category", ["data"] = ChartParts.Array(xs), ["splitArea"] = new JsonObject { ["show"] = true },
                ["axisLabel"] = new JsonObject { ["hideOverlap"] = true },
            },
            ["yAxis"] = new JsonObject
            {
                ["type"] = "category", ["data"] = ChartParts.Array(ys), ["splitArea"] = new JsonObject { ["show"] = true },
                ["inverse"] = true,
            },
            ["visualMap"] = new JsonObject
            {
                ["min"] = min, ["max"] = max, ["calculable"] = true, ["orient"] = "horizontal", ["left"] = "center",
                ["bottom"] = 0, ["itemHeight"] = 120, ["formatter"] = ChartMarkers.Axis(format),
                ["inRange"] = new JsonObject { ["color"] = new JsonArray("#e8f1fb", "#6baed6", "#08306b") },
            },
            ["series"] = new JsonArray(new JsonObject
            {
                ["type"] = "heatmap",
                ["id"] = metric >= 0 ? "" + ChartMarkers.SeriesKeySeparator + data.Column(metric).Name : "heatmap",
                ["name"] = metric >= 0 ? data.Label(metric) : "",
                ["data"] = new JsonArray(cells.Select(c => (JsonNode?)new JsonArray(c.X, c.Y, c.V)).ToArray()),
                ["emphasis"] = new JsonObject { ["itemStyle"] = new JsonObject { ["borderColor"] = "#333", ["borderWidth"] = 1 } },
            }),
            [ChartMarkers.Drill] = ChartParts.Drill(x: xDimension, y: yDimension),
        };
    }
}
