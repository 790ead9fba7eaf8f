using System.Text.Json;
using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Dashboards;

namespace Analytics.Data.Dashboards;

/// <summary>
/// <c>get_widget_data</c>: a dashboard widget's rows as the asking user sees them (their instance grants, the
/// dashboard's filters), so the chat can answer "what does the ROAS chart on Performance overview show?". Read-only:
/// it goes through <see cref="DashboardService"/> (404 for a dashboard not shared with the user) and the semantic layer.
/// </summary>
public sealed class WidgetDataChatFunction(DashboardService dashboards, DashboardDataService data) : IChatFunction
{
    public string Name => "get_widget_data";
    public string Description => "Returns the data of one widget of a dashboard the user can see, under the dashboard's filters. Without widgetId, lists the dashboard's widgets.";
    public string ParametersSchema => """
        { "type": "object", "properties": {
            "dashboardId": { "type": "string", "description": "The dashboard's id." },
            "widgetId": { "type": "string", "description": "The widget's id; omit to list the widgets." },
            "preset": { "type": "string", "description": "A time range preset overriding the dashboard's, e.g. last7days, lastMonth." } },
          "required": ["dashboardId"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "dashboardId", "widgetId", "preset");
        var dashboardId = args.String("dashboardId", required: true, maxLength: 64);
        var widgetId = args.String("widgetId", maxLength: 64);
        var preset = args.String("preset", maxLength: 20);
        if (preset is not null && !DateRangePresets.Names.Contains(preset)) args.Fail("preset", $"One of {string.Join(", ", DateRangePresets.Names)}.");
        args.ThrowIfInvalid();
        var view = await dashboards.GetAsync(context.Actor, dashboardId!, ct);
        if (widgetId is null)
        {
            var list = view.Widgets.Select(w => new { w.Id, w.Type, title = w.Config.Title }).ToList();
            return new ChatToolResult(new { dashboard = view.Name, widgets = list }, list.Count);
        }
        var widget = view.Widgets.FirstOrDefault(w => w.Id == widgetId) ?? throw new NotFoundException("Widget", widgetId);
        var computed = await data.ComputeAsync(context.Actor, view, new DashboardDataRequest(Preset: preset, WidgetIds: [widget.Id]), ct);
        var result = computed.Widgets.Single();
        if (result.Status == "error") throw new ValidationException("arguments.widgetId", result.Error ?? "The widget could not be computed.");
        if (result.Result is not { } rows) return new ChatToolResult(new { widget = widget.Config.Title, text = widget.Config.Options?["markdown"]?.GetValue<string>() }, 0);
        var columns = rows.Columns.Select(c => new ChatColumn(c.Name, c.Type, c.Label, c.Format)).ToList();
        var type = WidgetKinds.Find(widget.Type) is { IsChart: true } ? widget.Type : "table";
        return new ChatToolResult(new { widget = widget.Config.Title, columns = rows.Columns.Select(c => c.Name), rows = rows.Rows.Take(200), totalRows = rows.Rows.Count },
            rows.Rows.Count, new ChatVisualization(type, widget.Config.Title ?? widget.Type, widget.Config.Query, columns, rows.Rows));
    }
}
