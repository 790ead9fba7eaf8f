using System.Text.Json.Nodes;
using Analytics.Domain.Query;

namespace Analytics.Domain.Dashboards;

/// <summary>A starting point: a named set of widgets, instantiated for the instances the user picks, then customised.</summary>
public sealed record DashboardTemplate(string Id, string Name, string Description, string Icon, bool NeedsInstances, IReadOnlyList<WidgetDefinition> Widgets)
{
    /// <summary>A new dashboard from this template, filtered to <paramref name="sourceIds"/> (all visible instances when empty).</summary>
    public DashboardDefinition Instantiate(string? name, IReadOnlyList<string> sourceIds)
    {
        List<DashboardFilter> filters = [new(DashboardFilter.Time, Preset: DashboardFilters.DefaultPreset)];
        if (sourceIds.Count > 0) filters.Add(new DashboardFilter(DashboardFilter.Instance, sourceIds.Cast<string?>().ToList()));
        return new DashboardDefinition
        {
            Name = string.IsNullOrWhiteSpace(name) ? Name : name.Trim(),
            Description = Description,
            Filters = filters,
            Widgets = Widgets.Select(w => w with { Id = null }).ToList(),
        };
    }
}

/// <summary>The built-in dashboard templates (issue: Performance, Attribution, Audience, Campaign comparison, System health).</summary>
public static class DashboardTemplates
{
    public static readonly IReadOnlyList<DashboardTemplate> All =
    [
        new("performance", "Performance", "ROAS, ACOS and spend trends, with the campaigns behind them.", "trending_up", true,
        [
            Kpi(0, 0, "Spend", "spend"), Kpi(3, 0, "Sales", "sales"), Kpi(6, 0, "ROAS", "roas"), Kpi(9, 0, "ACOS", "acos"),
            Chart("line", 0, 2, 8, 4, "Spend and sales by day", Q(["spend", "sales"], [], "day")),
            Chart("bar", 8, 2, 4, 4, "ROAS by campaign (top 10)", Q(["roas"], ["campaign"], "none", sortBy: "roas", limit: 10), new JsonObject { ["horizontal"] = true }),
            Chart("line", 0, 6, 6, 4, "ROAS and ACOS by week", Q(["roas", "acos"], [], "week")),
            Chart("area", 6, 6, 6, 4, "Spend by campaign type", Q(["spend"], ["campaign_type"], "week"), new JsonObject { ["stacked"] = true }),
            Chart("table", 0, 10, 12, 5, "Campaigns", Q(["impressions", "clicks", "spend", "sales", "roas", "acos"], ["campaign"], "none", sortBy: "spend")),
        ]),
        new("attribution", "Attribution", "Which paths and products convert, and how much of it follows a click rather than only a view.", "alt_route", true,
        [
            Chart("bar", 0, 0, 6, 4, "Purchases by path to conversion", Q(["purchases"], ["path"], "none", sortBy: "purchases", limit: 15), new JsonObject { ["horizontal"] = true }),
            Chart("donut", 6, 0, 6, 4, "Sales: click-through and view-through", Q(["sales"], ["touch"], "none", sortBy: "sales")),
            Chart("bar", 0, 4, 6, 4, "Sales by ASIN", Q(["sales", "purchases"], ["asin"], "none", sortBy: "sales", limit: 12)),
            Chart("line", 6, 4, 6, 4, "Purchases by attribution, week by week", Q(["purchases"], ["touch"], "week")),
            Chart("heatmap", 0, 8, 12, 4, "Purchases by campaign and week", Q(["purchases"], ["campaign"], "week")),
            Chart("table", 0, 12, 12, 5, "Paths, week by week (users is a distinct count per week)", Q(["users", "purchases", "sales"], ["path"], "week", sortBy: "purchases")),
        ]),
        new("audience", "Audience", "Reach and frequency by campaign and by audience segment, week by week (reach is a distinct count: never summed).", "groups", true,
        [
            Chart("bar", 0, 0, 6, 4, "Reach by campaign and week", Q(["reach"], ["campaign"], "week")),
            Chart("line", 6, 0, 6, 4, "Average frequency by week", Q(["avg_frequency"], ["campaign"], "week")),
            Chart("bar", 0, 4, 6, 4, "Reach by audience segment and week", Q(["reach"], ["segment"], "week")),
            Chart("line", 6, 4, 6, 4, "Frequency by audience segment", Q(["avg_frequency"], ["segment"], "week")),
            Chart("table", 0, 8, 12, 4, "Reach and frequency", Q(["impressions", "reach", "avg_frequency"], ["campaign"], "week", sortBy: "impressions")),
        ]),
        new("campaign-comparison", "Campaign comparison", "Campaigns side by side: spend, sales, efficiency and how ROAS moves week by week.", "compare_arrows", true,
        [
            Chart("bar", 0, 0, 6, 4, "Spend and sales by campaign", Q(["spend", "sales"], ["campaign"], "none", sortBy: "spend", limit: 12)),
            Chart("pie", 6, 0, 6, 4, "Share of spend", Q(["spend"], ["campaign"], "none", sortBy: "spend", limit: 8)),
            Chart("heatmap", 0, 4, 12, 5, "ROAS by campaign and week", Q(["roas"], ["campaign"], "week")),
            Chart("table", 0, 9, 12, 5, "Efficiency", Q(["spend", "sales", "ctr", "cpc", "cvr", "roas", "acos"], ["campaign"], "none", sortBy: "spend"),
                new JsonObject { ["rules"] = new JsonArray(
                    new JsonObject { ["column"] = "roas", ["op"] = "lt", ["value"] = 2, ["color"] = "#b71c1c", ["background"] = "#ffebee" },
                    new JsonObject { ["column"] = "roas", ["op"] = "gte", ["value"] = 4, ["color"] = "#1b5e20", ["background"] = "#e8f5e9" }) }),
        ]),
        new("system-health", "System health", "The app's own metrics: request latency and errors, database time, jobs, circuits and users.", "monitor_heart", false,
        [
            SeriesWidget("kpi", 0, 0, 3, 2, "Active circuits", "blazor.circuits.active", "max"),
            SeriesWidget("kpi", 3, 0, 3, 2, "Active users", "users.active", "max"),
            SeriesWidget("kpi", 6, 0, 3, 2, "HTTP errors", "http.server.errors", "sum"),
            SeriesWidget("kpi", 9, 0, 3, 2, "Job runs", "jobs.run.count", "sum"),
            SeriesWidget("line", 0, 2, 6, 4, "Request latency p95 (ms)", "http.server.request.duration_ms", "p95"),
            SeriesWidget("line", 6, 2, 6, 4, "Database command time (ms, avg)", "db.command.duration_ms", "avg"),
            SeriesWidget("bar", 0, 6, 6, 4, "HTTP errors", "http.server.errors", "sum"),
            SeriesWidget("area", 6, 6, 6, 4, "Metrics buffer pending", "metrics.buffer.pending", "max"),
        ]),
    ];

    public static DashboardTemplate? Find(string id) => All.FirstOrDefault(t => t.Id == id);

    private static SemanticQuery Q(string[] metrics, string[] groupBy, string granularity, string? sortBy = null, int? limit = null) => new()
    {
        Metrics = metrics, GroupBy = groupBy, Granularity = granularity, Limit = limit,
        Sort = sortBy is null ? null : [new QuerySort(sortBy, Desc: true)],
    };

    private static WidgetDefinition Kpi(int x, int y, string title, string metric) =>
        Chart("kpi", x, y, 3, 2, title, Q([metric], [], "none"));

    private static WidgetDefinition Chart(string type, int x, int y, int w, int h, string title, SemanticQuery query, JsonObject? options = null) =>
        new() { Type = type, Position = new WidgetPosition(x, y, w, h), Config = new WidgetConfig { Title = title, Query = query, Options = options } };

    private static WidgetDefinition SeriesWidget(string type, int x, int y, int w, int h, string title, string metric, string aggregation) =>
        new() { Type = type, Position = new WidgetPosition(x, y, w, h), Config = new WidgetConfig { Title = title, Series = new WidgetSeries(metric, aggregation) } };
}
