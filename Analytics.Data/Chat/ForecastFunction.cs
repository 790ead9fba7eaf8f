using System.Text.Json;
using Analytics.Data.Forecasting;
using Analytics.Domain.Chat;
using Analytics.Domain.Query;

namespace Analytics.Data.Chat;

/// <summary>
/// "Forecast spend for the next 4 weeks", "where will sales land this month?": the forecast of one metric, read-only and
/// as the asking user (<see cref="ForecastService"/>), learned from the year before today.
/// </summary>
public sealed class ForecastFunction(ForecastService forecasts) : IChatFunction
{
    public string Name => "forecast";
    public string Description => "Forecasts one metric ahead with an 80% prediction interval (damped Holt-Winters with a weekly season and last year's shape where it helps, learned from the last two years): the next N days or weeks, or with period \"month\" where the current month will land (month so far + forecast of the rest).";
    public string ParametersSchema => $$"""
        { "type": "object", "properties": {
            "metric": { "type": "string", "description": "Metric name (base or derived, e.g. spend, sales, roas)." },
            "horizon": { "type": "integer", "minimum": 1, "maximum": 92, "description": "How many days or weeks ahead (default 28 days or 4 weeks)." },
            "granularity": { "type": "string", "enum": ["day", "week"], "description": "Forecast per day (default) or per week." },
            "period": { "type": "string", "enum": ["month"], "description": "month: the current month's total, actual so far plus forecast to its end (horizon and granularity are then ignored)." },
            {{ChatQueries.FilterSchema}} },
          "required": ["metric"], "additionalProperties": false }
        """;

    public async Task<ChatToolResult> InvokeAsync(ChatToolContext context, JsonElement arguments, CancellationToken ct)
    {
        var args = new ChatArgs(arguments, "metric", "horizon", "granularity", "period", "filters", "sourceIds");
        var metric = args.String("metric", required: true);
        var granularity = args.String("granularity") ?? "day";
        if (granularity is not ("day" or "week")) args.Fail("granularity", "granularity is day or week.");
        var horizon = args.Int("horizon", 1, granularity == "week" ? 26 : 92);
        var period = args.String("period");
        if (period is not (null or "month")) args.Fail("period", "period is month (or leave it out).");
        var filters = args.Filters();
        var sources = args.Strings("sourceIds");
        args.ThrowIfInvalid();
        var filter = filters.Count == 0 ? null : filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList());
        var sourceIds = sources.Count == 0 ? null : sources;

        if (period == "month")
        {
            var m = await forecasts.MonthEndAsync(context.Actor, metric!, filter, sourceIds, context.Today, context.Zone, ct);
            var row = new object?[] { m.MonthStart.ToString("yyyy-MM"), Round(m.ToDate), Round(m.Projected.Value), Round(m.Projected.Lower), Round(m.Projected.Upper) };
            return new ChatToolResult(new
            {
                metric = m.Metric, month = m.MonthStart.ToString("yyyy-MM"), daysElapsed = m.DaysElapsed, daysLeft = m.DaysLeft, toDate = row[1],
                projected = row[2], lower = row[3], upper = row[4], interval = 0.8, model = m.Model,
            }, 1, new ChatVisualization("table", $"{m.Metric}: month to date and forecast for {m.MonthStart:yyyy-MM}", new { metric = m.Metric, period = "month" },
                [new("month", "string", "Month"), new("toDate", "number", "So far"), new(m.Metric, "number", "Projected month total"), new("lower", "number", "Low (80%)"), new("upper", "number", "High (80%)")],
                [row]));
        }

        var result = await forecasts.ForecastAsync(context.Actor, new Analytics.Domain.Forecasting.ForecastRequest
        {
            Metric = metric, Filters = filter, SourceIds = sourceIds, Granularity = granularity, TimeZone = context.Zone.Id,
            Horizon = horizon ?? (granularity == "week" ? 4 : 28),
            TimeRange = new QueryTimeRange(ChatQueries.At(context.Today.AddDays(-Analytics.Domain.Forecasting.ForecastRequest.DefaultHistoryDays), context.Zone), ChatQueries.At(context.Today, context.Zone)),
        }, ct);
        var rows = result.Points.Select(p => new object?[]
        {
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(p.Time, context.Zone).DateTime).ToString("yyyy-MM-dd"), Round(p.Value), Round(p.Lower), Round(p.Upper),
        }).ToList();
        return new ChatToolResult(new
        {
            metric = result.Metric, granularity = result.Granularity, model = result.Model, interval = result.Interval,
            total = result.Total is { } t ? new { value = Round(t.Value), lower = Round(t.Lower), upper = Round(t.Upper) } : null,
            backtest = result.Backtest, columns = new[] { "time", result.Metric, "lower", "upper" }, rows,
        }, rows.Count, new ChatVisualization("line", $"{result.Metric} forecast, next {rows.Count} {result.Granularity}s", new { metric = result.Metric, granularity, horizon = rows.Count },
            [new("time", "time", "Time"), new(result.Metric, "number", $"{result.Metric} (forecast)"), new("lower", "number", "Low (80%)"), new("upper", "number", "High (80%)")], rows));
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 2) : null;
}
