using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Analytics.Data.Chat;

/// <summary>One element of a query's <c>sort</c>: the column to order by, descending or not.</summary>
public sealed record ChatSortArgument(
    [property: JsonPropertyName("by"), Description("A metric or dimension name of the result.")] string By,
    [property: JsonPropertyName("desc"), Description("true: highest first.")] bool? Desc = null);

/// <summary>A value filter of the query function, as the model fills it (the registry checks it).</summary>
public sealed record ChatValueFilterArgument(
    [property: JsonPropertyName("metric"), Description("One of the query's metrics.")] string Metric,
    [property: JsonPropertyName("op"), Description("One of <, <=, >, >=, =, !=.")] string Op,
    [property: JsonPropertyName("value"), Description("The number to compare with.")] double Value);

/// <summary>
/// The read-only query functions as one Semantic Kernel plugin: what the model is told (names, descriptions, typed
/// parameters). It is a thin adapter and nothing more: every method hands the arguments exactly as the model sent them
/// (unknown ones included, so they are refused) to <see cref="ChatFunctionRegistry"/>, the one home of each function,
/// which validates them, runs the function as the asking user and writes the call to the audit log — the same path the
/// offline planner takes. The turn's filter (<see cref="ChatKernelFilter"/>) turns the outcome into what the model reads.
/// </summary>
public sealed class ChatQueryPlugin(ChatFunctionRegistry functions, ChatToolContext context)
{
    public const string PluginName = "analytics";

    private const string Start = "First day, inclusive (YYYY-MM-DD, the user's time zone).";
    private const string End = "Day after the last day: exclusive (YYYY-MM-DD).";
    private const string Filters = "Dimension name → list of values to keep, e.g. {\"campaign\": [\"Contoso - Rugs - Exact\"]}.";
    private const string SourceIds = "Limit to these instances (source ids from list_datasets); default all the user may see.";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The arguments as the model sent them, for the registry to validate.</summary>
    private Task<ChatInvocation> Invoke(string name, KernelArguments arguments, CancellationToken ct) =>
        functions.InvokeAsync(context, name, Json(arguments), ct);

    public static string Json(KernelArguments arguments) =>
        JsonSerializer.Serialize(arguments.ToDictionary(a => a.Key, a => a.Value), JsonOptions);

    [KernelFunction("list_datasets"), Description("Lists the datasets the user may read: instance (source) id and name, dimensions and measures.")]
    public Task<ChatInvocation> ListDatasetsAsync(KernelArguments arguments, CancellationToken ct) => Invoke("list_datasets", arguments, ct);

    [KernelFunction("list_metrics"), Description("Lists the metrics: name, label, formula, format and description.")]
    public Task<ChatInvocation> ListMetricsAsync(KernelArguments arguments, CancellationToken ct) => Invoke("list_metrics", arguments, ct);

    [KernelFunction("list_dimensions"), Description("Lists the dimensions to group or filter by; with a dimension, lists its values (optionally only those containing search).")]
    public Task<ChatInvocation> ListDimensionsAsync(KernelArguments arguments,
        [Description("A dimension name, to list its values.")] string? dimension = null,
        [Description("Only values containing this text (case-insensitive).")] string? search = null,
        CancellationToken ct = default) => Invoke("list_dimensions", arguments, ct);

    [KernelFunction("describe_metric"), Description("Describes one metric: label, description, formula, format, whether higher is better.")]
    public Task<ChatInvocation> DescribeMetricAsync(KernelArguments arguments,
        [Description("Metric name, e.g. roas.")] string name,
        CancellationToken ct = default) => Invoke("describe_metric", arguments, ct);

    [KernelFunction("query"), Description("Runs a semantic-layer query: metrics, optionally grouped by dimensions and/or time (granularity), filtered, sorted and limited.")]
    public Task<ChatInvocation> QueryAsync(KernelArguments arguments,
        [Description("Metric names (see list_metrics).")] string[] metrics,
        [Description(Start)] string start,
        [Description(End)] string end,
        [Description("Dimension names to group by (at most 3).")] string[]? groupBy = null,
        [Description("Group by time buckets: none, day, week, month, quarter or year; none for totals.")] string? granularity = null,
        [Description("Order of the rows.")] ChatSortArgument[]? sort = null,
        [Description("At most this many rows (1 to 500).")] int? limit = null,
        [Description(Filters)] Dictionary<string, string[]>? filters = null,
        [Description(SourceIds)] string[]? sourceIds = null,
        [Description("Keep only the rows whose metric values pass, compared after aggregation, e.g. roas < 2 for the campaigns with ROAS below 2.")] ChatValueFilterArgument[]? having = null,
        CancellationToken ct = default) => Invoke("query", arguments, ct);

    [KernelFunction("top_n"), Description("The top (or bottom) N values of a dimension by a metric over a date range.")]
    public Task<ChatInvocation> TopNAsync(KernelArguments arguments,
        [Description("The metric to rank by.")] string metric,
        [Description("The dimension whose values are ranked.")] string dimension,
        [Description(Start)] string start,
        [Description(End)] string end,
        [Description("How many (1 to 100); default 5.")] int? n = null,
        [Description("top (default) or bottom.")] string? direction = null,
        [Description(Filters)] Dictionary<string, string[]>? filters = null,
        [Description(SourceIds)] string[]? sourceIds = null,
        CancellationToken ct = default) => Invoke("top_n", arguments, ct);

    [KernelFunction("compare_periods"), Description("Compares metrics between two date ranges (optionally by dimension): current, previous, and relative change.")]
    public Task<ChatInvocation> ComparePeriodsAsync(KernelArguments arguments,
        [Description("Metric names.")] string[] metrics,
        [Description("Current period's first day (inclusive, YYYY-MM-DD).")] string start,
        [Description("Current period's end (exclusive, YYYY-MM-DD).")] string end,
        [Description("Previous period's first day (inclusive, YYYY-MM-DD).")] string previousStart,
        [Description("Previous period's end (exclusive, YYYY-MM-DD).")] string previousEnd,
        [Description("Dimension names to group by (at most 2).")] string[]? groupBy = null,
        [Description(Filters)] Dictionary<string, string[]>? filters = null,
        [Description(SourceIds)] string[]? sourceIds = null,
        CancellationToken ct = default) => Invoke("compare_periods", arguments, ct);

    [KernelFunction("find_anomalies"), Description("Finds unusual days (spikes and drops) per campaign in a date range, per instance, for impressions, clicks, spend, sales and purchases.")]
    public Task<ChatInvocation> FindAnomaliesAsync(KernelArguments arguments,
        [Description(Start)] string start,
        [Description(End)] string end,
        [Description("Some of impressions, clicks, spend, sales, purchases; default all.")] string[]? metrics = null,
        [Description(SourceIds)] string[]? sourceIds = null,
        CancellationToken ct = default) => Invoke("find_anomalies", arguments, ct);

    [KernelFunction("forecast"), Description("Forecasts one metric ahead with an 80% prediction interval (damped Holt-Winters with a weekly season and last year's shape where it helps, learned from the last two years): the next N days or weeks, or with period \"month\" where the current month will land (month so far + forecast of the rest).")]
    public Task<ChatInvocation> ForecastAsync(KernelArguments arguments,
        [Description("Metric name (base or derived, e.g. spend, sales, roas).")] string metric,
        [Description("How many days or weeks ahead (default 28 days or 4 weeks).")] int? horizon = null,
        [Description("Forecast per day (default) or per week: day or week.")] string? granularity = null,
        [Description("month: the current month's total, actual so far plus forecast to its end (horizon and granularity are then ignored).")] string? period = null,
        [Description(Filters)] Dictionary<string, string[]>? filters = null,
        [Description(SourceIds)] string[]? sourceIds = null,
        CancellationToken ct = default) => Invoke("forecast", arguments, ct);

    [KernelFunction("get_widget_data"), Description("Returns the data of one widget of a dashboard the user can see, under the dashboard's filters. Without widgetId, lists the dashboard's widgets.")]
    public Task<ChatInvocation> GetWidgetDataAsync(KernelArguments arguments,
        [Description("The dashboard's id.")] string dashboardId,
        [Description("The widget's id; omit to list the widgets.")] string? widgetId = null,
        [Description("A time range preset overriding the dashboard's, e.g. last7days, lastMonth.")] string? preset = null,
        CancellationToken ct = default) => Invoke("get_widget_data", arguments, ct);
}
