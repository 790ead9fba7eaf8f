using Analytics.Domain.Dashboards;
using Analytics.Domain.Query;

namespace Analytics.Domain.Exports;

/// <summary>
/// What an export renders, independent of dashboards: a title, the filters and time range it was run with, page options,
/// an optional executive summary and a list of widgets with their data. A dashboard (or a single widget, or a chat
/// answer) is mapped onto it; the PDF, XLSX and CSV writers only ever see this.
/// </summary>
public sealed record ExportDocument
{
    public required string Title { get; init; }
    public string? Description { get; init; }
    /// <summary>The filters applied, as shown to a reader (e.g. <c>Campaign: Tents, Backpacks</c>).</summary>
    public IReadOnlyList<ExportLabel> Filters { get; init; } = [];
    /// <summary>The time range applied (e.g. <c>Time range: 1 Jan 2025 – 31 Jan 2025</c>).</summary>
    public ExportLabel? TimeRange { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>IANA or Windows zone in which times (buckets, the generated-at stamp) are shown.</summary>
    public string TimeZone { get; init; } = "UTC";
    /// <summary>ISO 4217 code used for <c>currency</c> columns.</summary>
    public string Currency { get; init; } = "USD";
    public ExportPageOptions Page { get; init; } = new();
    public ExecutiveSummary? Summary { get; init; }
    public IReadOnlyList<ExportWidget> Widgets { get; init; } = [];
}

public enum ExportPageSize { A4, Letter }

public enum ExportOrientation { Portrait, Landscape }

/// <summary><see cref="Grid"/>: widgets keep their places on the 12-column grid; <see cref="Flow"/>: one after another, full width.</summary>
public enum ExportLayout { Grid, Flow }

public sealed record ExportPageOptions(
    ExportPageSize Size = ExportPageSize.A4,
    ExportOrientation Orientation = ExportOrientation.Landscape,
    ExportLayout Layout = ExportLayout.Grid)
{
    /// <summary>
    /// <c>page=a4|letter</c>, <c>orientation=landscape|portrait</c>, <c>layout=grid|flow</c> (any case; blank keeps the
    /// default). A value that is none of them adds an error keyed by its field to <paramref name="errors"/>.
    /// </summary>
    public static ExportPageOptions Parse(string? page, string? orientation, string? layout, IDictionary<string, string[]> errors)
    {
        T One<T>(string field, string? value, T fallback) where T : struct, Enum
        {
            if (string.IsNullOrWhiteSpace(value)) return fallback;
            if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && !int.TryParse(value, out _)) return parsed;
            errors[field] = [$"One of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{value}'."];
            return fallback;
        }
        return new ExportPageOptions(One("page", page, ExportPageSize.A4), One("orientation", orientation, ExportOrientation.Landscape), One("layout", layout, ExportLayout.Grid));
    }

    /// <summary>The query string of these options, as the export endpoint reads them (<c>page=letter&amp;orientation=portrait&amp;layout=grid</c>).</summary>
    public string ToQuery() =>
        $"page={Size.ToString().ToLowerInvariant()}&orientation={Orientation.ToString().ToLowerInvariant()}&layout={Layout.ToString().ToLowerInvariant()}";
}

/// <summary>A label/value pair shown in the header and on the summary sheet.</summary>
public sealed record ExportLabel(string Label, string Value);

/// <summary>Place on the dashboard's 12-column grid, in grid units.</summary>
public sealed record GridPosition(int X, int Y, int W, int H)
{
    public const int Columns = 12;
}

/// <summary>An optional first page: headline KPIs and the latest insights, in plain language.</summary>
public sealed record ExecutiveSummary(IReadOnlyList<ExportKpi> Kpis, IReadOnlyList<ExportInsightText> Insights);

/// <param name="Format">A metric display format: <c>number</c>, <c>integer</c>, <c>currency</c>, <c>percent</c>, <c>ratio</c>.</param>
/// <param name="Change">Relative change against the previous period (0.12 = +12 %), when known.</param>
/// <param name="HigherIsBetter">Whether a rise is good news (sales) or bad (ACOS): it picks the change's colour.</param>
/// <param name="Sparkline">The metric over the period, oldest first, when known.</param>
public sealed record ExportKpi(
    string Label,
    double? Value,
    string Format = "number",
    double? Change = null,
    bool HigherIsBetter = true,
    IReadOnlyList<double?>? Sparkline = null);

public sealed record ExportInsightText(string Title, string Text, string? Priority = null);

/// <summary>One widget: its kind (see <see cref="ExportWidgetKinds"/>), place, options and data.</summary>
public sealed record ExportWidget
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Title { get; init; }
    public GridPosition Position { get; init; } = new(0, 0, 6, 4);
    public ExportWidgetOptions Options { get; init; } = new();
    /// <summary>The widget's rows; absent for text widgets.</summary>
    public QueryResult? Data { get; init; }
    /// <summary>A text widget's markdown.</summary>
    public string? Markdown { get; init; }
    /// <summary>A KPI widget's figures when the mapper computed them (value, change vs the previous period, sparkline);
    /// without it they are derived from <see cref="Data"/> (see <see cref="KpiFigures"/>).</summary>
    public ExportKpi? Kpi { get; init; }
    /// <summary>A line or area widget's forecasts (one per metric) when it shows them: drawn after the last actual point.</summary>
    public IReadOnlyList<Analytics.Domain.Forecasting.ForecastResult>? Forecasts { get; init; }
}

/// <param name="Stacked">Bars or areas stacked per category.</param>
/// <param name="Horizontal">Bars drawn left to right, categories down the side.</param>
/// <param name="Min">Gauge minimum (default 0).</param>
/// <param name="Max">Gauge maximum (default: a nice number above the value, or 1 for percentages).</param>
/// <param name="Target">Gauge target marker.</param>
/// <param name="MaxSeries">Most series (or slices) drawn before the rest are folded into "Other".</param>
public sealed record ExportWidgetOptions(
    bool Stacked = false,
    bool Horizontal = false,
    double? Min = null,
    double? Max = null,
    double? Target = null,
    int MaxSeries = 8);

/// <summary>Names of the widget kinds for export code; the list and the kinds' traits are <see cref="WidgetKinds"/>.</summary>
public static class ExportWidgetKinds
{
    public const string Line = "line";
    public const string Area = "area";
    public const string Bar = "bar";
    public const string Pie = "pie";
    public const string Donut = "donut";
    public const string Heatmap = "heatmap";
    public const string Gauge = "gauge";
    public const string Kpi = "kpi";
    public const string Table = "table";
    public const string Text = "text";
    public const string Alert = "alert";

    /// <summary>Every widget kind (<see cref="WidgetKinds"/>): an export draws what a dashboard shows.</summary>
    public static IReadOnlyList<string> All { get; } = [.. WidgetKinds.All.Select(k => k.Name)];
}
