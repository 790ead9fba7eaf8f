using System.Globalization;
using System.Text;
using Analytics.Data.Dashboards;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Web.Components.Dashboards;

/// <summary>One widget of a template preview drawn small: its title and place, and either a picture of its data (an SVG of
/// numbers only, in <c>currentColor</c>), a value, a few rows, or why it has none.</summary>
public sealed record ThumbnailTile(string Title, string Type, WidgetPosition Position, string? Svg, string? Value, IReadOnlyList<string> Lines, string? Error);

/// <summary>
/// Turns a <see cref="TemplatePreview"/> into thumbnails: lines and areas as a polyline of the first metric over time,
/// bars as its top categories, pies as a ring, heatmaps as shaded cells, KPI cards and gauges as their value, tables as
/// their first rows. The pictures are drawn on the server, so a preview needs no chart library and no script.
/// </summary>
public static class TemplateThumbnails
{
    private const int Width = 100, Height = 40;

    public static IReadOnlyList<ThumbnailTile> From(TemplatePreview preview)
    {
        var results = preview.Data.Widgets.ToDictionary(r => r.WidgetId);
        return preview.Widgets.Select(w => Tile(w, results.GetValueOrDefault(w.Id))).ToList();
    }

    private static ThumbnailTile Tile(WidgetView widget, WidgetResult? result)
    {
        var title = widget.Config.Title ?? WidgetKinds.Find(widget.Type)?.Label ?? widget.Type;
        ThumbnailTile Make(string? svg = null, string? value = null, IReadOnlyList<string>? lines = null, string? error = null) =>
            new(title, widget.Type, widget.Position, svg, value, lines ?? [], error);

        if (WidgetKinds.Find(widget.Type)?.Presentation == WidgetPresentation.Text)
            return Make(lines: (widget.Config.Options?["markdown"]?.ToString() ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3).ToList());
        if (result is null || result.Status != "ok") return Make(error: result?.Error ?? "No data");
        if (result.Kpi is { } kpi) return Make(value: MetricFormat.Compact(kpi.Value, kpi.Format));
        if (result.Result is not { Rows.Count: > 0 } data) return Make(error: "No data in the last 30 days");

        var metric = data.Columns.ToList().FindIndex(c => c.Role == "metric");
        var time = data.Columns.ToList().FindIndex(c => c.Role == "time");
        var dimension = data.Columns.ToList().FindIndex(c => c.Role == "dimension");
        if (metric < 0) return Make(error: "No data");
        if (widget.Type == "gauge") return Make(value: MetricFormat.Compact(data.Rows.Sum(r => Number(r[metric])), data.Columns[metric].Format));
        if (WidgetKinds.Find(widget.Type)?.Presentation == WidgetPresentation.Table)
            return Make(lines: data.Rows.Take(3).Select(r => $"{Label(r, dimension >= 0 ? dimension : time)}  {MetricFormat.Compact(Number(r[metric]), data.Columns[metric].Format)}").ToList());

        return widget.Type switch
        {
            "line" or "area" when time >= 0 => Make(svg: Line(Totals(data, time, metric).Select(t => t.Value).ToList(), widget.Type == "area")),
            "pie" or "donut" when dimension >= 0 => Make(svg: Ring(Totals(data, dimension, metric).Select(t => t.Value).Take(6).ToList())),
            "heatmap" => Make(svg: Cells(data.Rows.Select(r => Number(r[metric])).Take(96).ToList())),
            _ => Make(svg: Bars(Totals(data, dimension >= 0 ? dimension : time, metric).Select(t => t.Value).Take(12).ToList())),
        };
    }

    /// <summary>The metric summed per value of one column, in the order the values first appear (the query's sort).</summary>
    private static List<(string Key, double Value)> Totals(QueryResult data, int by, int metric)
    {
        var order = new List<string>();
        var sums = new Dictionary<string, double>();
        foreach (var row in data.Rows)
        {
            var key = by >= 0 ? Label(row, by) : "";
            if (!sums.ContainsKey(key)) { order.Add(key); sums[key] = 0; }
            sums[key] += Number(row[metric]);
        }
        return order.Select(k => (k, sums[k])).ToList();
    }

    private static string Label(object?[] row, int column) => column < 0 ? "" : row[column] switch
    {
        DateTimeOffset t => t.ToString("d MMM", CultureInfo.InvariantCulture),
        null => "–",
        var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static double Number(object? value) => MetricFormat.ToDouble(value) is { } d && double.IsFinite(d) ? d : 0;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Svg(string body) =>
        $"<svg viewBox=\"0 0 {Width} {Height}\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">{body}</svg>";

    private static string Line(IReadOnlyList<double> values, bool filled)
    {
        if (values.Count == 0) return Svg("");
        var (min, max) = (Math.Min(0, values.Min()), values.Max());
        var span = max - min is > 0 and var s ? s : 1;
        var step = values.Count > 1 ? Width / (double)(values.Count - 1) : 0;
        var points = string.Join(' ', values.Select((v, i) => $"{F(i * step)},{F(Height - 2 - (v - min) / span * (Height - 4))}"));
        var area = filled ? $"<polygon points=\"0,{Height} {points} {F((values.Count - 1) * step)},{Height}\" fill=\"currentColor\" fill-opacity=\"0.25\"/>" : "";
        return Svg($"{area}<polyline points=\"{points}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\"/>");
    }

    private static string Bars(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return Svg("");
        var max = values.Max() is > 0 and var m ? m : 1;
        var slot = Width / (double)values.Count;
        var sb = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var h = Math.Max(0.5, Math.Max(0, values[i]) / max * (Height - 2));
            sb.Append($"<rect x=\"{F(i * slot + slot * 0.15)}\" y=\"{F(Height - h)}\" width=\"{F(slot * 0.7)}\" height=\"{F(h)}\" fill=\"currentColor\"/>");
        }
        return Svg(sb.ToString());
    }

    /// <summary>A ring of up to six shares (a circle whose circumference is 100, each share a dash), lighter share by share.</summary>
    private static string Ring(IReadOnlyList<double> values)
    {
        var total = values.Where(v => v > 0).Sum();
        if (total <= 0) return Svg("");
        var sb = new StringBuilder();
        double offset = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var share = Math.Max(0, values[i]) / total * 100;
            sb.Append($"<circle cx=\"50\" cy=\"20\" r=\"15.9155\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{F(Math.Max(0.2, 1 - i * 0.22))}\" stroke-width=\"6\" " +
                $"stroke-dasharray=\"{F(share)} {F(100 - share)}\" stroke-dashoffset=\"{F(25 - offset)}\"/>");
            offset += share;
        }
        return $"<svg viewBox=\"0 0 {Width} {Height}\" aria-hidden=\"true\" focusable=\"false\">{sb}</svg>";
    }

    private static string Cells(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return Svg("");
        var columns = (int)Math.Ceiling(Math.Sqrt(values.Count * 2.5));
        var rows = (int)Math.Ceiling(values.Count / (double)columns);
        var max = values.Max() is > 0 and var m ? m : 1;
        var (w, h) = (Width / (double)columns, Height / (double)rows);
        var sb = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            sb.Append($"<rect x=\"{F(i % columns * w)}\" y=\"{F(i / columns * h)}\" width=\"{F(w - 0.6)}\" height=\"{F(h - 0.6)}\" fill=\"currentColor\" " +
                $"fill-opacity=\"{F(0.12 + 0.88 * Math.Max(0, values[i]) / max)}\"/>");
        }
        return Svg(sb.ToString());
    }
}
