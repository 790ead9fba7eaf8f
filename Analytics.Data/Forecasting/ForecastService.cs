using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Forecasting;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Data.Forecasting;

/// <summary>Where a month-to-date metric is heading: the month so far, and the month's total as forecast (with its interval).</summary>
public sealed record MonthEndProjection(string Metric, DateOnly MonthStart, DateOnly MonthEnd, int DaysElapsed, int DaysLeft, double? ToDate, ForecastStep Projected, string Model);

/// <summary>
/// Forecasts over the semantic layer, under the caller's permissions: the history is read by <see cref="FactQueryService"/>
/// as the caller (their sources, their time zone), one series per base measure the metric needs; the model is the
/// domain's (<see cref="MetricForecaster"/>). A derived metric is forecast from its parts' forecasts.
/// </summary>
public sealed class ForecastService(FactQueryService engine, CatalogService catalog)
{
    /// <summary>Backtest origins per request (fewer when the history is short).</summary>
    private const int BacktestOrigins = 3;

    /// <param name="backtest">Whether to score the model on this history (rolling origins; a few more fits).</param>
    public async Task<ForecastResult> ForecastAsync(Actor actor, ForecastRequest request, CancellationToken ct, bool backtest = true) =>
        (await RunAsync(actor, request, backtest, ct)).Result;

    /// <summary>
    /// The month holding <paramref name="today"/> (in <paramref name="zone"/>): the metric over the days before today, and
    /// over the whole month with the rest forecast from the last <paramref name="historyDays"/> days. Today counts as
    /// forecast, as it is not over. For metrics over measures that add up.
    /// </summary>
    public async Task<MonthEndProjection> MonthEndAsync(Actor actor, string metric, IReadOnlyDictionary<string, IReadOnlyList<string?>>? filters,
        IReadOnlyList<string>? sourceIds, DateOnly today, TimeZoneInfo zone, CancellationToken ct, int historyDays = ForecastRequest.DefaultHistoryDays)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var monthEnd = monthStart.AddMonths(1);
        var request = new ForecastRequest
        {
            Metric = metric, Filters = filters, SourceIds = sourceIds, Granularity = "day", TimeZone = zone.Id,
            TimeRange = new QueryTimeRange(At(today.AddDays(-historyDays), zone), At(today, zone)),
            Horizon = monthEnd.DayNumber - today.DayNumber,
        };
        var run = await RunAsync(actor, request, backtest: false, ct);
        var firstOfMonth = At(monthStart, zone);
        var toDate = run.Parts.ToDictionary(p => p.Key, p => p.Value.Where((_, i) => run.Times[i] >= firstOfMonth).Sum());
        var elapsed = today.DayNumber - monthStart.DayNumber;
        // Forecast steps start the day after the last actual day; days with no data before today are actual zeros.
        var lastActualDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(run.Times[^1], zone).DateTime);
        var skipped = Math.Max(0, today.DayNumber - lastActualDay.DayNumber - 1);
        var steps = Math.Min(run.Forecast.Steps.Count, skipped + request.Horizon!.Value);
        var projected = run.Forecast.Total(toDate, steps);
        double? actual = elapsed == 0 ? null : run.Metric.Formula.Evaluate(n => toDate.GetValueOrDefault(n));
        return new MonthEndProjection(run.Metric.Name, monthStart, monthEnd.AddDays(-1), elapsed, request.Horizon.Value, actual, projected, run.Forecast.Model);
    }

    private sealed record Run(ForecastResult Result, MetricForecast Forecast, ResolvedMetric Metric, IReadOnlyDictionary<string, IReadOnlyList<double>> Parts, IReadOnlyList<DateTimeOffset> Times);

    private async Task<Run> RunAsync(Actor actor, ForecastRequest request, bool backtest, CancellationToken ct)
    {
        var (name, granularity, horizon) = request.Validate();
        var metrics = (await catalog.GetAsync(actor, ct)).Metrics;
        var view = metrics.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                   ?? throw new ValidationException("metric", $"Unknown metric '{request.Metric}'; see GET /api/v1/catalog for the metrics you can use.");
        if (view.Datasets.Count == 0) throw new ValidationException("metric", $"No dataset you can read has the measures {view.Name} needs ({string.Join(", ", view.BaseMeasures)}).");
        var resolved = new MetricResolver(metrics.Select(m => new MetricDefinition { Name = m.Name, Label = m.Label, Formula = m.Formula })).Resolve(view.Name, "metric");
        var measures = resolved.BaseMeasures;

        var result = await engine.ExecuteAsync(actor, new SemanticQuery
        {
            Metrics = measures, Filters = request.Filters, SourceIds = request.SourceIds, TimeRange = request.TimeRange,
            Granularity = granularity.ToWire(), TimeZone = request.TimeZone, FillEmpty = true, Limit = NormalizedQuery.MaxLimit,
        }, ct);
        var zone = TimeBuckets.Zone(result.Meta.TimeZone);
        var end = request.TimeRange!.End!.Value.ToUnixTimeSeconds();

        // Buckets in order; a last bucket that reaches past the range's end is not over and is left out.
        var rows = result.Rows.Select(r => (Time: Time(r[0]), Values: measures.Select((_, i) => r[1 + i] as double?).ToArray()))
            .Where(r => TimeBuckets.Next(r.Time.ToUnixTimeSeconds(), granularity, zone) <= end)
            .ToList();
        var first = rows.FindIndex(r => r.Values.Any(v => v is not null));
        var last = rows.FindLastIndex(r => r.Values.Any(v => v is not null));
        var season = ForecastRequest.SeasonOf(granularity);
        var needed = DampedHoltWinters.MinimumHistory(season);
        if (first < 0 || last - first + 1 < needed)
            throw new ValidationException("timeRange", $"The forecast needs at least {needed} {granularity.ToWire()}s of history with data in timeRange; found {(first < 0 ? 0 : last - first + 1)}. Start the range earlier.");
        rows = rows.GetRange(first, last - first + 1);
        var parts = measures.Select((m, i) => (m, Values: (IReadOnlyList<double>)rows.Select(r => r.Values[i] ?? 0).ToArray()))
            .ToDictionary(p => p.m, p => p.Values);
        var times = rows.Select(r => r.Time).ToList();

        var forecast = MetricForecaster.Forecast(parts, resolved.Formula, season, horizon);
        var future = new List<ForecastPoint>();
        var at = times[^1].ToUnixTimeSeconds();
        foreach (var step in forecast.Steps)
        {
            at = TimeBuckets.Next(at, granularity, zone);
            future.Add(new ForecastPoint(DateTimeOffset.FromUnixTimeSeconds(at), Round(step.Value), Round(step.Lower), Round(step.Upper)));
        }
        var history = times.Select((t, i) => (t, v: resolved.Formula.Evaluate(n => parts.TryGetValue(n, out var p) ? p[i] : null)))
            .Where(x => x.v is not null).Select(x => new ForecastPoint(x.t, Round(x.v!.Value), null, null)).ToList();

        var test = BacktestResult.Empty;
        if (backtest)
        {
            var origins = Backtest.Origins(times.Count, horizon, BacktestOrigins, horizon, Math.Max(needed, 4 * season));
            test = Backtest.RollingOrigin(parts, resolved.Formula, season, horizon, origins);
        }
        var answer = new ForecastResult(resolved.Name, granularity.ToWire(), future, forecast.Model, forecast.Interval,
            new ForecastBacktest(Round(test.Mape), Round(test.BaselineMape), Round(test.Coverage), test.Origins), times[^1], history, zone.Id)
        {
            Total = forecast.Total(new Dictionary<string, double>(), horizon) is var t ? new ForecastStep(Round(t.Value), Round(t.Lower), Round(t.Upper)) : null,
        };
        return new Run(answer, forecast, resolved, parts, times);
    }

    private static DateTimeOffset Time(object? value) => value switch
    {
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        _ => throw new InvalidOperationException("A bucketed query row starts with its time."),
    };

    private static DateTimeOffset At(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static double Round(double v) => Math.Round(v, 6);

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 6) : null;
}
