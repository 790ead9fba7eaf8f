using System.Text.Json.Nodes;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Forecasting;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// Line, area and bar charts: time (or the first dimension) along the category axis, one series per metric, or per value
/// of a dimension when grouped by time + dimension (or by two dimensions). Metrics of different formats (spend in
/// currency, CTR in percent) get a second value axis on the right. Time series get zoom and pan.
/// </summary>
public abstract class CartesianChartKind : IChartKind
{
    public abstract string Kind { get; }

    /// <summary>The ECharts series type.</summary>
    protected abstract string SeriesType { get; }

    /// <summary>Kind-specific touches on each series (area fill, bar width, …).</summary>
    protected virtual void Decorate(JsonObject series, ChartRequest request, int pointCount) { }

    /// <summary>Whether the kind draws forecasts (line and area).</summary>
    protected virtual bool DrawsForecast => false;

    /// <summary>ECharts' default palette, to give a forecast its metric's colour.</summary>
    private static readonly string[] Palette = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"];

    /// <summary>Whether categories run down the vertical axis (horizontal bars).</summary>
    protected virtual bool IsHorizontal(ChartWidgetOptions options) => false;

    /// <summary>Whether the kind turns horizontal when its category names are long (bars), rather than slanting them.</summary>
    protected virtual bool CanTurn => false;

    /// <summary>
    /// A category axis's labels: straight ones hide where they would overlap; long ones (down the side of horizontal bars,
    /// or slanted under a line) are cut at <see cref="CategoryLabels.MaxLabelWidth"/> with "…" — the axis tooltip names
    /// the category in full.
    /// </summary>
    private static JsonObject CategoryAxisLabel(CategoryLabelLayout layout, bool horizontal)
    {
        var label = new JsonObject { ["hideOverlap"] = true };
        if (layout == CategoryLabelLayout.Straight && !horizontal) return label;
        label["width"] = CategoryLabels.MaxLabelWidth;
        label["overflow"] = "truncate";
        label["ellipsis"] = "…";
        if (layout == CategoryLabelLayout.Rotated && !horizontal) label["rotate"] = 35;
        return label;
    }

    public JsonObject Build(ChartRequest request)
    {
        var (data, options) = request;
        var timed = data.HasTime;
        // The category axis: time, else the first dimension; series split by the next dimension, if any.
        var categoryDimension = timed ? -1 : ChartParts.At(data.Dimensions, 0);
        var seriesDimension = timed ? ChartParts.At(data.Dimensions, 0) : ChartParts.At(data.Dimensions, 1);

        var categories = timed ? null : categoryDimension >= 0 ? data.Distinct(categoryDimension) : [""];
        var categoryIndex = categories?.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        // Long or many category names: bars turn sideways, other charts slant and cut their labels (CategoryLabels).
        var labels = categories is null ? CategoryLabelLayout.Straight : CategoryLabels.Choose(categories, CanTurn);
        var horizontal = IsHorizontal(options) || labels == CategoryLabelLayout.Horizontal;

        // Series keys: the values of the series dimension, the largest (by the first metric) first, up to the limit.
        List<string?> keys = [null];
        if (seriesDimension >= 0)
        {
            var firstMetric = ChartParts.At(data.Metrics, 0);
            keys = data.Rows
                .GroupBy(r => ChartData.Text(r[seriesDimension]), StringComparer.Ordinal)
                .Select(g => (Key: g.Key, Total: firstMetric < 0 ? 0 : g.Sum(r => Math.Abs(ChartData.Number(r[firstMetric]) ?? 0))))
                .OrderByDescending(g => g.Total).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(options.SeriesLimit)
                .Select(g => (string?)g.Key)
                .ToList();
        }

        // Value axes: one per distinct format, at most two (the second on the right).
        var formats = data.Metrics.Select(data.Format).Distinct().ToList();
        int AxisOf(int metric) => Math.Min(formats.IndexOf(data.Format(metric)), 1);
        var valueAxes = new JsonArray();
        for (var a = 0; a < Math.Min(formats.Count, 2); a++)
        {
            var axisFormat = formats[a];
            var axis = new JsonObject
            {
                ["type"] = a == 0 && options.LogScale ? "log" : "value",
                ["axisLabel"] = new JsonObject { ["formatter"] = a == 0 && options.AxisFormat is { } chosen ? AxisFormatter(chosen) : ChartMarkers.Axis(axisFormat) },
                ["splitLine"] = new JsonObject { ["show"] = a == 0 },
            };
            if (formats.Count > 1)
            {
                axis["name"] = string.Join(", ", data.Metrics.Where(m => AxisOf(m) == a).Select(data.Label));
                axis["nameTextStyle"] = new JsonObject { ["color"] = "#666" };
                axis["position"] = horizontal ? (a == 0 ? "bottom" : "top") : (a == 0 ? "left" : "right");
            }
            if (horizontal)
            {
                // Sideways bars leave the value axis the narrow width beside the names: fewer ticks, none overlapping.
                axis["splitNumber"] = 3;
                axis["axisLabel"]!["hideOverlap"] = true;
            }
            if (options.Min is { } min) axis["min"] = min;
            if (options.Max is { } max && a == 0) axis["max"] = max;
            valueAxes.Add(axis);
        }
        if (valueAxes.Count == 0) valueAxes.Add(new JsonObject { ["type"] = "value" });

        var categoryAxis = timed
            ? new JsonObject
            {
                ["type"] = "time",
                // Templates per tick level (ECharts picks the level of each tick): "Jan 6", "Feb 2025", "2025", "14:00".
                ["axisLabel"] = new JsonObject
                {
                    ["hideOverlap"] = true,
                    ["formatter"] = new JsonObject
                    {
                        ["year"] = "{yyyy}", ["month"] = "{MMM} {yyyy}", ["day"] = "{MMM} {d}", ["hour"] = "{HH}:{mm}", ["minute"] = "{HH}:{mm}",
                    },
                },
                ["axisPointer"] = new JsonObject { ["label"] = new JsonObject { ["formatter"] = ChartMarkers.Date(data.Granularity) } },
            }
            : new JsonObject
            {
                ["type"] = "category",
                ["data"] = ChartParts.Array(categories!),
                ["axisLabel"] = CategoryAxisLabel(labels, horizontal),
            };
        if (SeriesType == "bar" || !timed) categoryAxis["boundaryGap"] = true;
        else categoryAxis["boundaryGap"] = false;

        var series = new JsonArray();
        var multipleMetrics = data.Metrics.Count > 1;
        foreach (var metric in data.Metrics)
        {
            foreach (var key in keys)
            {
                var rows = key is null ? data.Rows : data.Rows.Where(r => ChartData.Text(r[seriesDimension]) == key);
                JsonArray points;
                int count;
                if (timed)
                {
                    points = new JsonArray();
                    foreach (var row in rows)
                    {
                        var time = data.TimeKey(row[data.TimeIndex]);
                        if (time is null) continue;
                        var value = ChartData.Json(ChartData.Number(row[metric]));
                        points.Add(horizontal ? new JsonArray(value, time) : new JsonArray(time, value));
                    }
                    count = points.Count;
                }
                else
                {
                    var values = new JsonNode?[categories!.Count];
                    foreach (var row in rows)
                    {
                        var category = categoryDimension >= 0 ? ChartData.Text(row[categoryDimension]) : "";
                        if (categoryIndex!.TryGetValue(category, out var i)) values[i] = ChartData.Json(ChartData.Number(row[metric]));
                    }
                    points = new JsonArray(values);
                    count = values.Length;
                }
                var name = key is null ? data.Label(metric) : multipleMetrics ? $"{key} · {data.Label(metric)}" : key;
                var axisIndex = Math.Max(0, AxisOf(metric));
                var s = new JsonObject
                {
                    ["type"] = SeriesType,
                    ["id"] = (key ?? "") + ChartMarkers.SeriesKeySeparator + data.Column(metric).Name,
                    ["name"] = name,
                    ["data"] = points,
                    ["tooltip"] = new JsonObject { ["valueFormatter"] = ChartMarkers.Value(data.Format(metric)) },
                    ["emphasis"] = new JsonObject { ["focus"] = "series" },
                };
                s[horizontal ? "xAxisIndex" : "yAxisIndex"] = axisIndex;
                if (ColorOf(options, key, data.Column(metric).Name) is { } color) s["color"] = color;
                if (options.Stacked) s["stack"] = "stack-" + axisIndex;
                Decorate(s, request, count);
                series.Add(s);
            }
        }

        if (DrawsForecast && timed && seriesDimension < 0 && !horizontal && !options.Stacked && options.ShowForecast && request.Forecasts is { Count: > 0 } forecasts)
        {
            foreach (var forecast in forecasts) AddForecast(series, data, forecast, AxisOf, options);
        }

        var option = new JsonObject
        {
            ["tooltip"] = new JsonObject
            {
                ["trigger"] = "axis",
                ["confine"] = true,
                ["axisPointer"] = new JsonObject { ["type"] = SeriesType == "bar" ? "shadow" : "line" },
            },
            ["legend"] = ChartParts.Legend(options.Legend, series.Count),
            ["grid"] = new JsonObject
            {
                ["left"] = 8, ["right"] = formats.Count > 1 ? 16 : 12, ["top"] = formats.Count > 1 ? 32 : 16,
                ["bottom"] = (options.Legend && series.Count > 1 ? 28 : 4) + (timed && options.Zoom ? 32 : 0),
            },
            ["xAxis"] = horizontal ? valueAxes : new JsonArray(categoryAxis),
            ["yAxis"] = horizontal ? new JsonArray(categoryAxis) : valueAxes,
            ["series"] = series,
            [ChartMarkers.Drill] = ChartParts.Drill(
                category: categoryDimension >= 0 ? data.Column(categoryDimension).Name : null,
                series: seriesDimension >= 0 ? data.Column(seriesDimension).Name : null),
        };
        if (horizontal && !timed) categoryAxis["inverse"] = true; // first category on top, as read
        if (timed && options.Zoom)
        {
            var axisKey = horizontal ? "yAxisIndex" : "xAxisIndex";
            option["dataZoom"] = new JsonArray(
                new JsonObject { ["type"] = "inside", [axisKey] = 0, ["filterMode"] = "none" },
                new JsonObject
                {
                    ["type"] = "slider", [axisKey] = 0, ["filterMode"] = "none", ["height"] = 18,
                    ["bottom"] = options.Legend && series.Count > 1 ? 26 : 4,
                    ["labelFormatter"] = ChartMarkers.Date(data.Granularity),
                });
        }
        return option;
    }

    /// <summary>The colour chosen for a series: by its dimension value if split, else by its metric (<see cref="WidgetOptions.Colors"/>).</summary>
    private static string? ColorOf(ChartWidgetOptions options, string? key, string metric) =>
        key is not null ? options.Colors.GetValueOrDefault(key) : options.Colors.GetValueOrDefault(metric);

    /// <summary>The value axis's labels as chosen: a full number, a percent, money or the compact form (1.2K) whatever the size.</summary>
    private static string AxisFormatter(string format) => format switch
    {
        "number" => ChartMarkers.Value("number"),
        _ => ChartMarkers.Axis(format),
    };

    /// <summary>
    /// A metric's forecast after its last actual point: a dashed line from that point on (<c>forecast:</c> id), and the
    /// prediction interval as a band — a transparent line at the lower bound with the band's height stacked on it and
    /// filled (<c>forecast-lower:</c> and <c>forecast-band:</c>), all in the metric's colour. The band ignores the mouse.
    /// </summary>
    private static void AddForecast(JsonArray series, ChartData data, ForecastResult forecast, Func<int, int> axisOf, ChartWidgetOptions options)
    {
        var metric = data.Metrics.FindIndex(m => data.Column(m).Name.Equals(forecast.Metric, StringComparison.OrdinalIgnoreCase));
        if (metric < 0 || forecast.Points.Count == 0) return;
        var column = data.Metrics[metric];
        var color = ColorOf(options, null, forecast.Metric) ?? Palette[metric % Palette.Length];
        var label = data.Label(column);
        var axis = Math.Max(0, axisOf(column));
        var line = new JsonArray();
        var lastActual = data.Rows.LastOrDefault(r => ChartData.Number(r[column]) is not null);
        if (lastActual is not null) line.Add(new JsonArray(data.TimeKey(lastActual[data.TimeIndex]), ChartData.Json(ChartData.Number(lastActual[column]))));
        var lower = new JsonArray();
        var band = new JsonArray();
        foreach (var p in forecast.Points)
        {
            var time = data.TimeKey(p.Time);
            line.Add(new JsonArray(time, p.Value));
            lower.Add(new JsonArray(time, p.Lower ?? p.Value));
            band.Add(new JsonArray(time, (p.Upper ?? p.Value) - (p.Lower ?? p.Value)));
        }
        var stack = "forecast-band-" + forecast.Metric;
        series.Add(new JsonObject
        {
            ["type"] = "line", ["id"] = "forecast:" + forecast.Metric, ["name"] = $"{label} (forecast)", ["data"] = line, ["yAxisIndex"] = axis,
            ["showSymbol"] = false, ["color"] = color, ["lineStyle"] = new JsonObject { ["type"] = "dashed", ["width"] = 2 },
            ["tooltip"] = new JsonObject { ["valueFormatter"] = ChartMarkers.Value(data.Format(column)) },
        });
        series.Add(new JsonObject
        {
            ["type"] = "line", ["id"] = "forecast-lower:" + forecast.Metric, ["name"] = $"{label} ({Math.Round(forecast.Interval * 100)}% range)", ["data"] = lower,
            ["yAxisIndex"] = axis, ["stack"] = stack, ["stackStrategy"] = "all", ["showSymbol"] = false, ["silent"] = true, ["color"] = color,
            ["lineStyle"] = new JsonObject { ["opacity"] = 0 }, ["tooltip"] = new JsonObject { ["show"] = false },
        });
        series.Add(new JsonObject
        {
            ["type"] = "line", ["id"] = "forecast-band:" + forecast.Metric, ["name"] = $"{label} ({Math.Round(forecast.Interval * 100)}% range)", ["data"] = band,
            ["yAxisIndex"] = axis, ["stack"] = stack, ["stackStrategy"] = "all", ["showSymbol"] = false, ["silent"] = true, ["color"] = color,
            ["lineStyle"] = new JsonObject { ["opacity"] = 0 }, ["areaStyle"] = new JsonObject { ["opacity"] = 0.18 },
            ["tooltip"] = new JsonObject { ["show"] = false },
        });
    }
}

public sealed class LineChartKind : CartesianChartKind
{
    public override string Kind => "line";
    protected override string SeriesType => "line";
    protected override bool DrawsForecast => true;

    protected override void Decorate(JsonObject series, ChartRequest request, int pointCount)
    {
        series["showSymbol"] = pointCount <= 60;
        series["smooth"] = request.Options.Smooth;
        series["connectNulls"] = false;
    }
}

public sealed class AreaChartKind : CartesianChartKind
{
    public override string Kind => "area";
    protected override string SeriesType => "line";
    protected override bool DrawsForecast => true;

    protected override void Decorate(JsonObject series, ChartRequest request, int pointCount)
    {
        series["showSymbol"] = false;
        series["smooth"] = request.Options.Smooth;
        series["areaStyle"] = new JsonObject { ["opacity"] = request.Options.Stacked ? 0.6 : 0.25 };
    }
}

public sealed class BarChartKind : CartesianChartKind
{
    public override string Kind => "bar";
    protected override string SeriesType => "bar";
    protected override bool IsHorizontal(ChartWidgetOptions options) => options.Horizontal;
    protected override bool CanTurn => true;

    protected override void Decorate(JsonObject series, ChartRequest request, int pointCount)
    {
        series["barMaxWidth"] = 48;
    }
}
