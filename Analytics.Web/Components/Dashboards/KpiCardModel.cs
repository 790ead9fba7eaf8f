using System.Globalization;
using System.Text;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using Analytics.Web.Components.Dashboards.Charts;

namespace Analytics.Web.Components.Dashboards;

/// <summary>Whether a change is good news: by the metric's direction (ROAS up is good, ACOS or CPC up is bad).</summary>
public enum KpiTone { Neutral, Good, Bad }

/// <summary>
/// What a KPI card shows: the value, its change against the previous period coloured by the metric's direction, and a
/// sparkline. Plain C# so the arithmetic is tested without a browser; <see cref="KpiCard"/> only draws it.
/// </summary>
public sealed record KpiCardModel(
    string Label,
    double? Value,
    double? Previous,
    string Format,
    bool HigherIsBetter,
    IReadOnlyList<double?> Sparkline,
    string Currency = "USD",
    string? Anomaly = null)
{
    /// <summary>Changes smaller than this (relative) read as flat.</summary>
    public const double FlatThreshold = 0.0005;

    /// <summary>Relative change against the previous period; null without a previous value or when it was zero.</summary>
    public double? Change => Value is { } v && Previous is { } p && p != 0 ? (v - p) / Math.Abs(p) : null;

    public KpiTone Tone => Change switch
    {
        null => KpiTone.Neutral,
        var c when Math.Abs(c.Value) < FlatThreshold => KpiTone.Neutral,
        var c => (c.Value > 0) == HigherIsBetter ? KpiTone.Good : KpiTone.Bad,
    };

    public string FormattedValue => MetricFormat.Format(Value, Format, Currency);
    public string FormattedPrevious => MetricFormat.Format(Previous, Format, Currency);

    /// <summary><c>▲ +12.5%</c>, <c>▼ −3.0%</c>, <c>0.0%</c>, or empty when there is nothing to compare.</summary>
    public string FormattedChange => Change switch
    {
        null => "",
        var c when Math.Abs(c.Value) < FlatThreshold => "0.0%",
        var c => (c.Value > 0 ? "▲ " : "▼ ") + MetricFormat.SignedPercent(c.Value),
    };

    /// <summary>SVG polyline points for the sparkline in a width × height box (y grows downwards); gaps are skipped.</summary>
    public string SparklinePoints(double width = 120, double height = 32)
    {
        var values = Sparkline.Select((v, i) => (v, i)).Where(p => p.v is not null).ToList();
        if (values.Count < 2) return "";
        var min = values.Min(p => p.v!.Value);
        var max = values.Max(p => p.v!.Value);
        var span = max - min;
        var step = width / (Sparkline.Count - 1);
        var points = new StringBuilder();
        foreach (var (v, i) in values)
        {
            var x = i * step;
            var y = span == 0 ? height / 2 : height - (v!.Value - min) / span * (height - 2) - 1;
            if (points.Length > 0) points.Append(' ');
            points.Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("0.#", CultureInfo.InvariantCulture));
        }
        return points.ToString();
    }

    /// <summary>
    /// Builds a card from query results: <paramref name="total"/> is the metric over the period (an ungrouped query, one
    /// row), <paramref name="previousTotal"/> the same query over the previous period, <paramref name="trend"/> the metric
    /// by time bucket for the sparkline. The metric is <paramref name="metric"/> or the first metric column; its label and
    /// format come from the result's column.
    /// </summary>
    public static KpiCardModel FromResults(QueryResult total, QueryResult? previousTotal, QueryResult? trend, bool higherIsBetter,
        string? metric = null, string currency = "USD", string? label = null)
    {
        var column = MetricColumn(total, metric);
        var value = column >= 0 && total.Rows.Count > 0 ? ChartData.Number(total.Rows[0][column]) : null;
        double? previous = null;
        if (previousTotal is not null && MetricColumn(previousTotal, total.Columns.ElementAtOrDefault(column)?.Name) is var pc and >= 0 && previousTotal.Rows.Count > 0)
        {
            previous = ChartData.Number(previousTotal.Rows[0][pc]);
        }
        IReadOnlyList<double?> sparkline = [];
        if (trend is not null && MetricColumn(trend, total.Columns.ElementAtOrDefault(column)?.Name) is var tc and >= 0)
        {
            sparkline = trend.Rows.Select(r => ChartData.Number(r[tc])).ToList();
        }
        var info = column >= 0 ? total.Columns[column] : null;
        return new KpiCardModel(label ?? info?.Label ?? info?.Name ?? "", value, previous, info?.Format ?? "number", higherIsBetter, sparkline, currency);
    }

    private static int MetricColumn(QueryResult result, string? name)
    {
        for (var i = 0; i < result.Columns.Count; i++)
        {
            var c = result.Columns[i];
            if (c.Role == "metric" && (name is null || string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))) return i;
        }
        return -1;
    }
}
