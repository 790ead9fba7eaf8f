using System.Text.Json.Nodes;

namespace Analytics.Web.Components.Dashboards.Charts;

/// <summary>
/// Slices of the first metric by the first dimension (or by time bucket when there is no dimension; or, with neither,
/// one slice per metric). The largest slices are kept up to the slice limit; the rest fold into "Other" when the metric
/// can be added up (not for rates such as CTR).
/// </summary>
public class PieChartKind : IChartKind
{
    public virtual string Kind => "pie";

    /// <summary>Inner and outer radius.</summary>
    protected virtual JsonArray Radius() => new("0%", "68%");

    public JsonObject Build(ChartRequest request)
    {
        var (data, options) = request;
        var dimension = ChartParts.At(data.Dimensions, 0);
        var metric = ChartParts.At(data.Metrics, 0);
        var format = metric >= 0 ? data.Format(metric) : "number";
        var slices = new List<(string Name, double Value)>();
        if (metric >= 0 && (dimension >= 0 || data.HasTime))
        {
            Func<object?[], string> label = dimension >= 0 ? r => ChartData.Text(r[dimension]) : r => data.TimeLabel(r[data.TimeIndex]);
            slices = data.Rows
                .GroupBy(label, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Sum(r => ChartData.Number(r[metric]) ?? 0)))
                .ToList();
        }
        else if (data.Metrics.Count > 0 && data.Rows.Count > 0)
        {
            // No grouping: the metrics of the one row are the slices (e.g. spend by channel measures).
            slices = data.Metrics.Select(m => (data.Label(m), ChartData.Number(data.Rows[0][m]) ?? 0)).ToList();
        }

        var ordered = slices.Where(s => s.Value > 0).OrderByDescending(s => s.Value).ToList();
        var kept = ordered.Take(options.SliceLimit).ToList();
        var rest = ordered.Skip(options.SliceLimit).ToList();
        if (rest.Count > 0 && ChartParts.IsAdditive(format)) kept.Add(("Other", rest.Sum(s => s.Value)));

        var points = new JsonArray(kept.Select(s => (JsonNode?)new JsonObject { ["name"] = s.Name, ["value"] = s.Value }).ToArray());
        return new JsonObject
        {
            ["tooltip"] = ChartParts.ItemTooltip(format),
            ["legend"] = ChartParts.Legend(options.Legend, kept.Count),
            ["series"] = new JsonArray(new JsonObject
            {
                ["type"] = "pie",
                ["id"] = metric >= 0 ? "" + ChartMarkers.SeriesKeySeparator + data.Column(metric).Name : "pie",
                ["name"] = metric >= 0 ? data.Label(metric) : "",
                ["radius"] = Radius(),
                ["center"] = new JsonArray("50%", options.Legend && kept.Count > 1 ? "46%" : "50%"),
                ["avoidLabelOverlap"] = true,
                ["label"] = new JsonObject { ["formatter"] = "{b}: {d}%", ["overflow"] = "truncate", ["width"] = 110 },
                ["data"] = points,
                ["emphasis"] = new JsonObject { ["scale"] = true, ["scaleSize"] = 6 },
            }),
            [ChartMarkers.Drill] = ChartParts.Drill(category: dimension >= 0 ? data.Column(dimension).Name : null),
        };
    }
}

/// <summary>A pie with a hole.</summary>
public sealed class DonutChartKind : PieChartKind
{
    public override string Kind => "donut";
    protected override JsonArray Radius() => new("42%", "70%");
}
