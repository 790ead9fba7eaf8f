using System.Text.Json.Nodes;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// One value on a dial: the first metric of the last row (the latest bucket of a time series, or the one row of an
/// ungrouped query), between <c>min</c> (default 0) and <c>max</c> (default 1 for percentages, else a round number above
/// the value), with coloured bands from <c>thresholds</c>.
/// </summary>
public sealed class GaugeChartKind : IChartKind
{
    public string Kind => "gauge";

    public JsonObject Build(ChartRequest request)
    {
        var (data, options) = request;
        var metric = ChartParts.At(data.Metrics, 0);
        var format = metric >= 0 ? data.Format(metric) : "number";
        double? value = metric >= 0 && data.Rows.Count > 0 ? ChartData.Number(data.Rows[^1][metric]) : null;
        var min = options.Min ?? 0;
        var max = options.Max ?? (format == "percent" && (value ?? 0) <= 1 ? 1 : NiceCeiling(Math.Max(value ?? 0, min) * 1.2, min));
        if (max <= min) max = min + 1;

        var bands = new JsonArray();
        if (options.Thresholds.Count > 0)
        {
            // Each threshold colours the arc up to its value; the last colour carries on to the end.
            foreach (var t in options.Thresholds.Where(t => t.Value > min && t.Value < max))
            {
                bands.Add(new JsonArray(Math.Round((t.Value - min) / (max - min), 6), t.Color));
            }
            bands.Add(new JsonArray(1, options.Thresholds[^1].Color));
        }
        else
        {
            bands.Add(new JsonArray(1, "#d9e3f0"));
        }

        return new JsonObject
        {
            ["tooltip"] = ChartParts.ItemTooltip(format),
            ["series"] = new JsonArray(new JsonObject
            {
                ["type"] = "gauge",
                ["id"] = metric >= 0 ? "" + ChartMarkers.SeriesKeySeparator + data.Column(metric).Name : "gauge",
                ["name"] = metric >= 0 ? data.Label(metric) : "",
                ["min"] = min,
                ["max"] = max,
                ["radius"] = "90%",
                ["center"] = new JsonArray("50%", "58%"),
                ["progress"] = new JsonObject { ["show"] = options.Thresholds.Count == 0, ["width"] = 12 },
                ["axisLine"] = new JsonObject { ["lineStyle"] = new JsonObject { ["width"] = 12, ["color"] = bands } },
                ["pointer"] = new JsonObject { ["show"] = options.Thresholds.Count > 0, ["width"] = 4 },
                ["splitLine"] = new JsonObject { ["length"] = 8 },
                ["axisTick"] = new JsonObject { ["show"] = false },
                ["axisLabel"] = new JsonObject { ["distance"] = 16, ["formatter"] = ChartMarkers.Axis(format), ["fontSize"] = 10 },
                ["detail"] = new JsonObject
                {
                    ["valueAnimation"] = true, ["formatter"] = ChartMarkers.Value(format), ["fontSize"] = 22,
                    ["offsetCenter"] = new JsonArray(0, "28%"),
                },
                ["title"] = new JsonObject { ["offsetCenter"] = new JsonArray(0, "52%"), ["fontSize"] = 12 },
                ["data"] = new JsonArray(new JsonObject
                {
                    ["name"] = metric >= 0 ? data.Label(metric) : "", ["value"] = ChartData.Json(value),
                }),
            }),
        };
    }

    /// <summary>1, 2 or 5 times a power of ten, at or above the value.</summary>
    internal static double NiceCeiling(double value, double min)
    {
        if (value <= min) return min + 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value) return step * magnitude;
        }
        return 10 * magnitude;
    }
}
