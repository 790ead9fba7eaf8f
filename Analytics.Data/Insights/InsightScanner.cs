using System.Globalization;
using System.Text.Json;
using Analytics.Data.Dashboards;
using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Facts;
using Analytics.Domain.Insights;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Insights;

/// <summary>An unusual day of one campaign found by <see cref="AnomalyScanner"/> in one dataset.</summary>
public sealed record DatasetAnomaly(Dataset Dataset, AnomalyEvent Event);

public sealed record InsightRunResult(int Created, int Updated, int Notified);

/// <summary>
/// Runs the detectors over the instances an actor can read and hands what they find to <see cref="InsightStore"/>:
/// anomalies (daily scan), trends, opportunities, the weekly and monthly summaries and dashboards' summaries. Facts come
/// through the semantic query engine (so grants, rollups and the metric catalog apply as for any query).
/// </summary>
public sealed class InsightScanner(
    IDbContextFactory<AnalyticsDbContext> factory,
    FactQueryService facts,
    InsightStore store,
    DashboardService dashboards,
    CatalogService catalog,
    TimeProvider clock)
{
    /// <summary>Additive measures the detectors read; ROAS and friends are computed from their sums.</summary>
    public static readonly string[] ScannedMetrics = ["impressions", "clicks", "spend", "sales", "purchases"];
    /// <summary>Weeks of weekly totals a trend is judged over (the weekly job's scan).</summary>
    public const int TrendWeeks = 12;
    /// <summary>Days a budget opportunity is judged over (the weekly job's scan).</summary>
    public const int OpportunityDays = 28;
    private static readonly string[] MoneyMetrics = ["spend", "sales"];
    private const string SegmentDimension = "campaign";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public AnomalyDetector Detector { get; init; } = new();
    public TrendDetector Trends { get; init; } = new();
    public OpportunityFinder Opportunities { get; init; } = new();

    /// <summary>The same scans, storing what they find without announcing it (<see cref="InsightStore.WithoutDelivery"/>).</summary>
    public InsightScanner WithoutDelivery() => new(factory, facts, store.WithoutDelivery(), dashboards, catalog, clock)
    {
        Detector = Detector, Trends = Trends, Opportunities = Opportunities,
    };

    // ---------------------------------------------------------------- detection

    /// <summary>Anomalies on the <paramref name="days"/> days ending <paramref name="asOf"/> (inclusive), per campaign.</summary>
    public async Task<InsightRunResult> ScanAnomaliesAsync(Actor actor, DateOnly asOf, int days, CancellationToken ct)
    {
        var found = await FindAnomaliesAsync(actor, asOf.AddDays(-(days - 1)), asOf, null, null, ct);
        return await store.StoreAsync(found.Select(a => AnomalyInsight(a.Dataset, a.Event)).ToList(), ct);
    }

    /// <summary>
    /// The one way unusual days are found — by the daily scan, the chat's "anything unusual?" and anyone else: each
    /// scannable dataset of the instances the actor can read (or of <paramref name="sourceIds"/>), each campaign's daily
    /// series of <paramref name="metrics"/> (default: <see cref="ScannedMetrics"/>) read with enough history for the
    /// detector's baseline, scanned by <see cref="AnomalyScanner"/> over [<paramref name="first"/>, <paramref name="last"/>].
    /// </summary>
    public async Task<IReadOnlyList<DatasetAnomaly>> FindAnomaliesAsync(Actor actor, DateOnly first, DateOnly last,
        IReadOnlyList<string>? sourceIds, IReadOnlyList<string>? metrics, CancellationToken ct)
    {
        var history = 7 * Detector.Options.Weeks + Detector.Options.ScaleDays + 7;
        var found = new List<DatasetAnomaly>();
        foreach (var dataset in await ScannableDatasetsAsync(actor, ct))
        {
            if (sourceIds is { Count: > 0 } && !sourceIds.Contains(dataset.SourceId)) continue;
            var data = await ReadDailyAsync(actor, dataset, first.AddDays(-history), last, ct, metrics);
            var series = data.Metrics.ToDictionary(m => m.Key, m => (IReadOnlyList<DailySeries>)m.Value
                .Select(s => new DailySeries(s.Key, data.FirstDay, s.Value)).ToList());
            found.AddRange(new AnomalyScanner(Detector).Scan(series, first).Where(e => e.Day <= last).Select(e => new DatasetAnomaly(dataset, e)));
        }
        return found;
    }

    /// <summary>Monotonic trends of weekly totals (instance and campaigns) over <paramref name="weeks"/> weeks ending <paramref name="asOf"/>.</summary>
    public async Task<InsightRunResult> ScanTrendsAsync(Actor actor, DateOnly asOf, int weeks, CancellationToken ct)
    {
        var first = asOf.AddDays(-(7 * weeks - 1));
        var found = new List<Insight>();
        foreach (var dataset in await ScannableDatasetsAsync(actor, ct))
        {
            var data = await ReadDailyAsync(actor, dataset, first, asOf, ct);
            // A day without any row in the whole dataset is not loaded yet (or not collected): a trend over it would be
            // an artefact of the gap, so such a window is skipped. A campaign without a row on a loaded day spent nothing.
            var loaded = Enumerable.Range(0, data.Days).All(d => data.Metrics.Values.Any(m => m.Values.Any(v => !double.IsNaN(v[d]))));
            if (!loaded) continue;
            foreach (var metric in MoneyMetrics.Where(data.Metrics.ContainsKey))
            {
                var segments = data.Metrics[metric].Select(s => (Segment: s.Key, Values: s.Value)).ToList();
                var total = new double[data.Days];
                foreach (var s in segments) for (var d = 0; d < data.Days; d++) total[d] += double.IsNaN(s.Values[d]) ? 0 : s.Values[d];
                segments.Insert(0, ("", total));
                foreach (var (segment, values) in segments)
                {
                    var weekly = Enumerable.Range(0, weeks).Select(w => values.Skip(7 * w).Take(7).Where(v => !double.IsNaN(v)).Sum()).ToList();
                    if (Trends.Detect(weekly) is { } trend) found.Add(TrendInsight(dataset, metric, segment, first, asOf, weeks, trend));
                }
            }
        }
        return await store.StoreAsync(found, ct);
    }

    /// <summary>The week ending <paramref name="weekEnd"/> (inclusive) against the week before, per instance.</summary>
    public async Task<InsightRunResult> SummarizeWeekAsync(Actor actor, DateOnly weekEnd, CancellationToken ct)
    {
        var found = new List<Insight>();
        foreach (var dataset in await ScannableDatasetsAsync(actor, ct))
        {
            var summary = await WeeklySummaryAsync(actor, dataset, weekEnd, ct);
            if (summary.Totals.Count == 0) continue;
            found.Add(SummaryInsight(dataset, summary));
        }
        return await store.StoreAsync(found, ct);
    }

    /// <summary>
    /// The week ending <paramref name="weekEnd"/> against the week before, per dashboard the actor can see: the KPI
    /// metrics its widgets show (its KPI cards, or else its other widgets' metrics), over the instances and filters the
    /// dashboard applies, with the campaign that drove the biggest move. Stored as a <c>summary</c> linked to the dashboard.
    /// </summary>
    public async Task<InsightRunResult> SummarizeDashboardsAsync(Actor actor, DateOnly weekEnd, CancellationToken ct)
    {
        var found = new List<Insight>();
        var visible = await catalog.GetAsync(actor, ct);
        foreach (var listed in await dashboards.ListAsync(actor, ct))
        {
            var view = await dashboards.GetAsync(actor, listed.Id, ct);
            if (await DashboardSummaryAsync(actor, visible, view, weekEnd, ct) is { } insight) found.Add(insight);
        }
        return await store.StoreAsync(found, ct);
    }

    private async Task<Insight?> DashboardSummaryAsync(Actor actor, Catalog visible, DashboardView view, DateOnly weekEnd, CancellationToken ct)
    {
        static bool IsCard(WidgetView w) => WidgetKinds.Find(w.Type)?.Presentation == WidgetPresentation.Card;
        var queries = view.Widgets.Where(w => w.Config.Query is { Metrics.Count: > 0 })
            .OrderBy(w => IsCard(w) ? 0 : 1).ThenBy(w => w.Position.Y).ThenBy(w => w.Position.X).ToList();
        var kpiWidgets = queries.Where(w => IsCard(w)).ToList();
        var shown = (kpiWidgets.Count > 0 ? kpiWidgets : queries)
            .SelectMany(w => w.Config.Query!.Metrics!.Take(IsCard(w) ? 1 : int.MaxValue).Select(m => (Metric: m.Trim().ToLowerInvariant(), w.Config.Query)))
            .DistinctBy(m => m.Metric).Take(6).ToList();
        var week = DashboardFilters.Resolve(view.Filters, clock.GetUtcNow(), TimeZoneInfo.Utc, Midnight(weekEnd.AddDays(-6)), Midnight(weekEnd.AddDays(1)));
        var kpis = new List<KpiChange>();
        var instances = new SortedSet<string>(StringComparer.Ordinal);
        // The widget's own query for one metric, as a total, under the dashboard's filters for the period (as its card shows it).
        SemanticQuery? Scoped(SemanticQuery query, MetricView definition, ResolvedFilters filters) =>
            filters.ApplyTo(query with { Metrics = [definition.Name], GroupBy = [], Granularity = "none", Sort = null, Limit = null, TimeZone = "UTC", FillEmpty = false },
                dimension => visible.Datasets.Any(d => definition.Datasets.Contains(d.Id) && d.Dimensions.Any(x => x.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase))));
        var scopedQueries = new Dictionary<string, SemanticQuery>();
        foreach (var (metric, query) in shown)
        {
            if (visible.Metrics.FirstOrDefault(m => m.Name == metric) is not { } definition) continue;
            // A widget pinned only to instances outside the dashboard's instance filter shows nothing.
            if (Scoped(query!, definition, week) is not { } current || Scoped(query!, definition, week.Previous()) is not { } previous) continue;
            double? Value(QueryResult r) => r.Rows.Count == 0 || r.Rows[0][^1] is null ? null : Convert.ToDouble(r.Rows[0][^1], CultureInfo.InvariantCulture);
            var now = Value(await facts.ExecuteAsync(actor, current, ct));
            var before = Value(await facts.ExecuteAsync(actor, previous, ct));
            if (now is null && before is null) continue;
            kpis.Add(new KpiChange(metric, definition.Label, definition.Format, !definition.Derived, before, now));
            scopedQueries[metric] = current;
            foreach (var d in visible.Datasets.Where(d => definition.Datasets.Contains(d.Id) && (current.SourceIds is null || current.SourceIds.Contains(d.SourceId))))
                instances.Add(d.SourceId);
        }
        if (kpis.Count == 0 || instances.Count == 0) return null;

        // The driver: the campaign that moved the additive KPI with the biggest relative change the most.
        SummaryDriver? driver = null;
        if (kpis.Where(k => k.Additive && k.Change is not null).OrderByDescending(k => Math.Abs(k.Change!.Value)).FirstOrDefault() is { } headline
            && visible.Datasets.Any(d => instances.Contains(d.SourceId) && d.Dimensions.Any(x => x.Name == SegmentDimension)))
        {
            var current = scopedQueries[headline.Metric] with { GroupBy = [SegmentDimension], Limit = NormalizedQuery.MaxLimit };
            var previous = current with { TimeRange = new QueryTimeRange(week.Previous().Start, week.Previous().End) };
            var segments = new Dictionary<string, (double Previous, double Current)>();
            foreach (var (result, isCurrent) in new[] { (await facts.ExecuteAsync(actor, previous, ct), false), (await facts.ExecuteAsync(actor, current, ct), true) })
            {
                foreach (var row in result.Rows)
                {
                    var segment = row[0] as string ?? "(none)";
                    var value = row[^1] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : 0;
                    var (p, c) = segments.GetValueOrDefault(segment);
                    segments[segment] = isCurrent ? (p, c + value) : (p + value, c);
                }
            }
            driver = DashboardSummaryBuilder.Driver(headline.Metric, segments);
        }

        var summary = DashboardSummaryBuilder.Build(weekEnd, kpis, driver);
        var stamp = clock.GetUtcNow();
        var chart = new SemanticQuery
        {
            Metrics = kpis.Select(k => k.Metric).ToList(), GroupBy = [], Granularity = "day",
            TimeRange = new QueryTimeRange(Midnight(summary.WeekStart.AddDays(-7)), Midnight(weekEnd.AddDays(1))),
            SourceIds = instances.ToList(), TimeZone = "UTC",
        };
        var spend = kpis.FirstOrDefault(k => k.Metric == "spend")?.Change ?? kpis.FirstOrDefault(k => k.Additive)?.Change ?? 0;
        var scopeKey = $"dashboard:{view.Id}";
        return new Insight
        {
            Id = Ids.New(), Key = Insight.KeyOf(InsightType.Summary, scopeKey, "dashboard", "", "", summary.WeekStart, weekEnd), Type = InsightType.Summary,
            SourceId = instances.First(), Scope = instances.Count > 1 ? Insight.ScopeOf(instances) : null, DashboardId = view.Id,
            Dataset = "", SegmentDimension = "", Segment = "", Metric = "dashboard", PeriodStart = summary.WeekStart, PeriodEnd = weekEnd,
            Magnitude = spend, Confidence = 1, Priority = Math.Abs(spend) >= 0.25 ? InsightPriority.Medium : InsightPriority.Low,
            Title = Truncate($"Week of {summary.WeekStart:d MMM} – {weekEnd:d MMM yyyy}: dashboard {view.Name}", 300), Text = summary.Text,
            ChartQuery = JsonSerializer.Serialize(chart, Json), CreatedAt = stamp, UpdatedAt = stamp,
        };
    }

    /// <summary>
    /// Budget opportunities over the <paramref name="days"/> days ending <paramref name="asOf"/>: campaigns with ROAS well
    /// above their instance's on a small share of its spend (<see cref="OpportunityFinder"/>).
    /// </summary>
    public async Task<InsightRunResult> ScanOpportunitiesAsync(Actor actor, DateOnly asOf, int days, CancellationToken ct)
    {
        var first = asOf.AddDays(-(days - 1));
        var found = new List<Insight>();
        foreach (var dataset in await ScannableDatasetsAsync(actor, ct))
        {
            if (dataset.Measure("spend") is null || dataset.Measure("sales") is null) continue;
            var rows = await SegmentDaysAsync(actor, dataset, first, asOf, ct);
            foreach (var o in Opportunities.Find(rows)) found.Add(OpportunityInsight(dataset, o, first, asOf));
        }
        return await store.StoreAsync(found, ct);
    }

    /// <summary>The monthly review: the calendar month starting <paramref name="monthStart"/> against the month before, per instance.</summary>
    public async Task<InsightRunResult> SummarizeMonthAsync(Actor actor, DateOnly monthStart, CancellationToken ct)
    {
        var found = new List<Insight>();
        foreach (var dataset in await ScannableDatasetsAsync(actor, ct))
        {
            var rows = await SegmentDaysAsync(actor, dataset, monthStart.AddMonths(-1), monthStart.AddMonths(1).AddDays(-1), ct);
            var summary = WeeklySummaryBuilder.BuildMonth(rows, monthStart);
            if (summary.Totals.Count == 0) continue;
            found.Add(SummaryInsight(dataset, summary, $"Month of {monthStart:MMMM yyyy}: {dataset.Name}"));
        }
        return await store.StoreAsync(found, ct);
    }

    public async Task<WeeklySummary> WeeklySummaryAsync(Actor actor, Dataset dataset, DateOnly weekEnd, CancellationToken ct) =>
        WeeklySummaryBuilder.Build(await SegmentDaysAsync(actor, dataset, weekEnd.AddDays(-13), weekEnd, ct), weekEnd);

    /// <summary>Each segment's daily measures over [<paramref name="from"/>, <paramref name="to"/>] (inclusive days).</summary>
    private async Task<List<SegmentDay>> SegmentDaysAsync(Actor actor, Dataset dataset, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var data = await ReadDailyAsync(actor, dataset, from, to, ct);
        var rows = new List<SegmentDay>();
        var segments = data.Metrics.Values.SelectMany(m => m.Keys).Distinct();
        foreach (var segment in segments)
        {
            for (var d = 0; d < data.Days; d++)
            {
                var measures = data.Metrics
                    .Where(m => m.Value.TryGetValue(segment, out var v) && !double.IsNaN(v[d]))
                    .ToDictionary(m => m.Key, m => m.Value[segment][d]);
                if (measures.Count > 0) rows.Add(new SegmentDay(segment, data.FirstDay.AddDays(d), measures));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- reading facts

    /// <summary>Datasets with a campaign dimension and spend or sales, in instances the actor can read.</summary>
    public async Task<IReadOnlyList<Dataset>> ScannableDatasetsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var datasets = await db.Datasets.AsNoTracking().Where(d => d.DataVersion > 0).ToListAsync(ct);
        return datasets
            .Where(d => actor.CanReadInstance(d.SourceId) && d.Dimension(SegmentDimension) is not null && MoneyMetrics.Any(m => d.Measure(m) is not null))
            .OrderBy(d => d.SourceId, StringComparer.Ordinal).ThenBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
    }

    private sealed record DailyData(DateOnly FirstDay, int Days, Dictionary<string, Dictionary<string, double[]>> Metrics);

    /// <summary>Per metric, per campaign, one value per UTC day from <paramref name="first"/> to <paramref name="last"/> (NaN where no row).</summary>
    private async Task<DailyData> ReadDailyAsync(Actor actor, Dataset dataset, DateOnly first, DateOnly last, CancellationToken ct, IReadOnlyList<string>? only = null)
    {
        var metrics = ScannedMetrics.Where(m => dataset.Measure(m) is not null && (only is not { Count: > 0 } || only.Contains(m))).ToList();
        var result = await facts.ExecuteAsync(actor, new SemanticQuery
        {
            Metrics = metrics,
            GroupBy = [SegmentDimension],
            Granularity = "day",
            TimeRange = new QueryTimeRange(Midnight(first), Midnight(last.AddDays(1))),
            SourceIds = [dataset.SourceId],
            Dataset = dataset.Key,
            TimeZone = "UTC",
            FillEmpty = false,
            Limit = NormalizedQuery.MaxLimit,
        }, ct);
        var days = last.DayNumber - first.DayNumber + 1;
        var columns = result.Columns.Select((c, i) => (c.Name, i)).ToDictionary(c => c.Name, c => c.i);
        var data = metrics.ToDictionary(m => m, _ => new Dictionary<string, double[]>());
        foreach (var row in result.Rows)
        {
            var day = DateOnly.FromDateTime((DateTime)row[columns[NormalizedQuery.TimeColumn]]!).DayNumber - first.DayNumber;
            if (day < 0 || day >= days) continue;
            var segment = row[columns[SegmentDimension]] as string ?? "(none)";
            foreach (var metric in metrics)
            {
                if (!data[metric].TryGetValue(segment, out var values))
                {
                    data[metric][segment] = values = new double[days];
                    Array.Fill(values, double.NaN);
                }
                values[day] = row[columns[metric]] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : double.NaN;
            }
        }
        return new DailyData(first, days, data);
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    // ---------------------------------------------------------------- wording

    private Insight AnomalyInsight(Dataset dataset, AnomalyEvent e)
    {
        var primary = e.Primary;
        var p = primary.Point;
        var fold = Fold(p.RelativeChange);
        var moneyHit = e.Metrics.Any(m => MoneyMetrics.Contains(m.Metric) && Fold(m.Point.RelativeChange) >= 3);
        var priority = fold >= 3 && moneyHit ? InsightPriority.Critical : fold >= 3 ? InsightPriority.High : InsightPriority.Medium;
        var direction = p.RelativeChange > 0 ? "spike" : "drop";
        var others = e.Metrics.Skip(1).Select(m => $"{m.Metric} {Percent(m.Point.RelativeChange)}").ToList();
        var text = $"{Label(primary.Metric)} {Percent(p.RelativeChange)} on {e.Day:ddd d MMM yyyy} in campaign {e.Segment}: " +
            $"{Number(p.Value)} against about {Number(p.Expected)} expected for that weekday (robust z = {p.Z.ToString("0.0", CultureInfo.InvariantCulture)})." +
            (others.Count > 0 ? $" Also unusual that day: {string.Join(", ", others)}." : "");
        var chart = new SemanticQuery
        {
            Metrics = [primary.Metric], GroupBy = [], Granularity = "day",
            Filters = new Dictionary<string, IReadOnlyList<string?>> { [SegmentDimension] = [e.Segment] },
            TimeRange = new QueryTimeRange(Midnight(e.Day.AddDays(-28)), Midnight(e.Day.AddDays(8))),
            SourceIds = [dataset.SourceId], Dataset = dataset.Key, TimeZone = "UTC",
        };
        return New(InsightType.Anomaly, dataset, primary.Metric, e.Segment, e.Day, e.Day, p.RelativeChange, p.Confidence, priority,
            $"{Label(primary.Metric)} {direction} in {e.Segment}", text, chart);
    }

    private Insight TrendInsight(Dataset dataset, string metric, string segment, DateOnly first, DateOnly last, int weeks, TrendResult t)
    {
        var where = segment.Length == 0 ? $"across {dataset.SourceId}" : $"in campaign {segment}";
        var text = $"{Label(metric)} trending {(t.Slope > 0 ? "up" : "down")} {where}: {Percent(t.PercentChange)} over the last {weeks} weeks " +
            $"(about {Number(t.StartLevel)} → {Number(t.EndLevel)} a week; Theil–Sen slope {Number(t.Slope)} a week, " +
            $"Mann–Kendall p {(t.PValue < 0.0001 ? "< 0.0001" : "= " + t.PValue.ToString("0.####", CultureInfo.InvariantCulture))}).";
        var chart = new SemanticQuery
        {
            Metrics = [metric], GroupBy = [], Granularity = "week",
            Filters = segment.Length == 0 ? null : new Dictionary<string, IReadOnlyList<string?>> { [SegmentDimension] = [segment] },
            TimeRange = new QueryTimeRange(Midnight(first), Midnight(last.AddDays(1))),
            SourceIds = [dataset.SourceId], Dataset = dataset.Key, TimeZone = "UTC",
        };
        var priority = Math.Abs(t.PercentChange) >= 0.25 ? InsightPriority.Medium : InsightPriority.Low;
        return New(InsightType.Trend, dataset, metric, segment, first, last, t.PercentChange, t.Confidence, priority,
            $"{Label(metric)} trending {(t.Slope > 0 ? "up" : "down")} {where}", text, chart);
    }

    private Insight OpportunityInsight(Dataset dataset, Opportunity o, DateOnly first, DateOnly last)
    {
        var text = $"Campaign {o.Campaign} returns {MetricFormat.Approximate(o.Roas, "ratio")} per $ vs {MetricFormat.Approximate(o.AverageRoas, "ratio")} average " +
            $"on {o.SpendShare.ToString("0.#%", CultureInfo.InvariantCulture)} of spend — consider shifting budget to it " +
            $"({first:d MMM} – {last:d MMM yyyy}: spend {Number(o.Spend)}, sales {Number(o.Sales)}; it beat the instance's ROAS on " +
            $"{o.Consistency.ToString("0%", CultureInfo.InvariantCulture)} of its spending days).";
        var chart = new SemanticQuery
        {
            Metrics = ["roas", "spend"], GroupBy = [], Granularity = "day",
            Filters = new Dictionary<string, IReadOnlyList<string?>> { [SegmentDimension] = [o.Campaign] },
            TimeRange = new QueryTimeRange(Midnight(first), Midnight(last.AddDays(1))),
            SourceIds = [dataset.SourceId], Dataset = dataset.Key, TimeZone = "UTC",
        };
        var priority = o.RoasRatio >= 2 ? InsightPriority.High : InsightPriority.Medium;
        return New(InsightType.Opportunity, dataset, "roas", o.Campaign, first, last, o.RoasRatio - 1, o.Consistency, priority,
            $"Opportunity: {o.Campaign} returns {MetricFormat.Approximate(o.Roas, "ratio")} per $ on {MetricFormat.Approximate(o.SpendShare, "percent")} of spend", text, chart);
    }

    private Insight SummaryInsight(Dataset dataset, WeeklySummary s, string? title = null)
    {
        var spendChange = s.Totals.FirstOrDefault(t => t.Metric == "spend")?.Change ?? 0;
        var length = s.WeekEnd.DayNumber - s.WeekStart.DayNumber + 1;
        var chart = new SemanticQuery
        {
            Metrics = ["spend", "sales", "roas"], GroupBy = [], Granularity = "day",
            TimeRange = new QueryTimeRange(Midnight(s.WeekStart.AddDays(-length)), Midnight(s.WeekEnd.AddDays(1))),
            SourceIds = [dataset.SourceId], Dataset = dataset.Key, TimeZone = "UTC",
        };
        var priority = Math.Abs(spendChange) >= 0.25 ? InsightPriority.Medium : InsightPriority.Low;
        return New(InsightType.Summary, dataset, "overview", "", s.WeekStart, s.WeekEnd, spendChange, 1, priority,
            title ?? $"Week of {s.WeekStart:d MMM} – {s.WeekEnd:d MMM yyyy}: {dataset.Name}", s.Text, chart);
    }

    private Insight New(InsightType type, Dataset dataset, string metric, string segment, DateOnly start, DateOnly end,
        double magnitude, double confidence, InsightPriority priority, string title, string text, SemanticQuery chart)
    {
        var now = clock.GetUtcNow();
        var dimension = segment.Length == 0 ? "" : SegmentDimension;
        return new Insight
        {
            Id = Ids.New(), Key = Insight.KeyOf(type, dataset.SourceId, metric, dimension, segment, start, end), Type = type,
            SourceId = dataset.SourceId, Dataset = dataset.Key, SegmentDimension = dimension, Segment = segment, Metric = metric,
            PeriodStart = start, PeriodEnd = end, Magnitude = magnitude, Confidence = confidence, Priority = priority,
            Title = Truncate(title, 300), Text = text, ChartQuery = JsonSerializer.Serialize(chart, Json), CreatedAt = now, UpdatedAt = now,
        };
    }

    private static double Fold(double relative) => relative >= 0 ? 1 + relative : 1 / Math.Max(1e-9, 1 + relative);
    private static string Label(string metric) => metric.Length == 0 ? metric : char.ToUpperInvariant(metric[0]) + metric[1..];
    private static string Percent(double relative) => MetricFormat.SignedPercent(relative, decimals: 0);
    private static string Number(double value) => MetricFormat.Approximate(value);
    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
