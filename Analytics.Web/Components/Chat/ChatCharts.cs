using System.Text.Json.Nodes;
using Analytics.Domain.Chat;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;
using Analytics.Web.Components.Dashboards.Charts;

namespace Analytics.Web.Components.Chat;

/// <summary>
/// A chat answer's chart, drawn by the dashboards' <see cref="ChartOptionsBuilder"/> (the same series, axes, formatters
/// and colours as a widget of that kind); <c>wwwroot/js/chat.js</c> hydrates its formatter markers through charts.js.
/// </summary>
public static class ChatCharts
{
    /// <summary>The ECharts option (JSON) for <paramref name="viz"/>, or null when it is not drawn as a chart (one row, or not a chart kind).</summary>
    public static string? OptionJson(ChatVisualization viz)
    {
        if (viz.Rows.Count <= 1 || WidgetKinds.Find(viz.Type) is not { IsChart: true } || !ChartOptionsBuilder.Default.Supports(viz.Type)) return null;
        // A comparison's relative changes are read in its table; the chart compares the values.
        var kept = viz.Columns.Select((c, i) => (Column: c, Index: i))
            .Where(x => !(x.Column.Type == "number" && x.Column.Name.EndsWith("_change", StringComparison.Ordinal))).ToList();
        var columns = kept.Select(x => new QueryColumn(x.Column.Name, x.Column.Type, RoleOf(x.Column), x.Column.Label, x.Column.Format)).ToList();
        var rows = viz.Rows.Select(r => kept.Select(x => x.Index < r.Length ? r[x.Index] : null).ToArray()).ToList();
        var granularity = ChatWidgets.QueryOf(viz.Query)?.Granularity is { } g && g != "none" ? g : "day";
        var result = new QueryResult(columns, rows, new QueryMeta([], "", "", "UTC", granularity, rows.Count, false, []));
        return ChartOptionsBuilder.Default.Build(viz.Type, (JsonObject?)null, result).ToJsonString();
    }

    private static string RoleOf(ChatColumn column) => column.Type switch
    {
        "time" => "time",
        "number" => "metric",
        _ => "dimension",
    };
}
