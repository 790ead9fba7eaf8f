using Analytics.Domain.Query;

namespace Analytics.Domain.Forecasting;

/// <summary>
/// The body of <c>POST /forecast</c>: one metric (base or derived), the history to learn from (<see cref="TimeRange"/>),
/// its granularity (<c>day</c> with a weekly season, or <c>week</c>) and how many buckets ahead to forecast.
/// </summary>
public sealed record ForecastRequest
{
    public string? Metric { get; init; }
    public IReadOnlyList<string>? SourceIds { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string?>>? Filters { get; init; }
    public QueryTimeRange? TimeRange { get; init; }
    public string? Granularity { get; init; }
    public int? Horizon { get; init; }
    /// <summary>IANA zone of the day and week buckets; default the user's, else UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>
    /// The history forecasts inside the product learn from (charts, chat, insights): two years, 104 whole weeks, so the
    /// model has last year's shape to go by (<see cref="YearlyProfile"/>) where the data goes back that far.
    /// </summary>
    public const int DefaultHistoryDays = 728;

    public const int MaxDayHorizon = 92;
    public const int MaxWeekHorizon = 26;

    /// <summary>The metric name and granularity, checked; throws <see cref="ValidationException"/> naming every field at fault.</summary>
    public (string Metric, Granularity Granularity, int Horizon) Validate()
    {
        var errors = new Dictionary<string, string[]>();
        var metric = Metric?.Trim().ToLowerInvariant() ?? "";
        if (metric.Length == 0) errors["metric"] = ["Name the metric to forecast, e.g. spend or roas."];
        var granularity = Query.Granularity.Day;
        switch (Granularity?.Trim().ToLowerInvariant())
        {
            case null or "" or "day": break;
            case "week": granularity = Query.Granularity.Week; break;
            default: errors["granularity"] = [$"Granularity '{Granularity}' is not one of day, week."]; break;
        }
        var max = granularity == Query.Granularity.Week ? MaxWeekHorizon : MaxDayHorizon;
        if (Horizon is not { } horizon) errors["horizon"] = [$"horizon is required: how many {granularity.ToWire()}s to forecast (1–{max})."];
        else if (horizon < 1 || horizon > max) errors["horizon"] = [$"horizon must be between 1 and {max} {granularity.ToWire()}s."];
        if (TimeRange is not { Start: not null, End: not null }) errors["timeRange"] = ["timeRange { start, end } is required: the history the forecast learns from."];
        if (errors.Count > 0) throw new ValidationException(errors);
        return (metric, granularity, Horizon!.Value);
    }

    /// <summary>Points per season for a granularity: a weekly season for days, none for weeks.</summary>
    public static int SeasonOf(Granularity granularity) => granularity == Query.Granularity.Day ? 7 : 1;
}

/// <summary>A forecast (or actual) bucket: its start, the value and the prediction interval (null for actual values).</summary>
public sealed record ForecastPoint(DateTimeOffset Time, double Value, double? Lower, double? Upper);

/// <summary>The rolling-origin backtest of this series: the model's and seasonal-naive's MAPE (null when the history is too short).</summary>
public sealed record ForecastBacktest(double? Mape, double? BaselineMape, double? Coverage, int Origins);

/// <summary>
/// The answer of <c>POST /forecast</c>: <see cref="Points"/> after the last actual bucket, the model, the interval's
/// coverage (0.8: 80% of outcomes are expected inside [lower, upper]), and the backtest. <see cref="History"/> is the
/// actual series the model learned from, <see cref="LastActual"/> the start of its last bucket.
/// </summary>
public sealed record ForecastResult(
    string Metric,
    string Granularity,
    IReadOnlyList<ForecastPoint> Points,
    string Model,
    double Interval,
    ForecastBacktest Backtest,
    DateTimeOffset LastActual,
    IReadOnlyList<ForecastPoint> History,
    string TimeZone)
{
    /// <summary>
    /// The metric over all forecast buckets together, with its interval: a sum for measures that add up, the formula over
    /// the summed parts for a derived metric (ROAS of the next four weeks).
    /// </summary>
    public ForecastStep? Total { get; init; }
}
