using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;

namespace Analytics.Domain.Query;

/// <summary>
/// Where facts are read from: the raw fact table, a day projection (<see cref="DatasetRead.Projection"/>: the facts
/// summed over the dimensions it does not keep, each at its stored time, maintained per UTC day) or a full UTC week or
/// month rollup.
/// </summary>
public enum FactTable
{
    Raw,
    Day,
    Week,
    Month,
}

/// <summary>A time slice [Start, End) of one dataset read from one table.</summary>
public sealed record ReadSegment(FactTable Table, long Start, long End);

/// <summary>A base measure as one dataset stores it.</summary>
public sealed record MeasureRead(string Name, int Slot, Aggregation Aggregation);

/// <summary>
/// How one dataset is read: slots of the group-by dimensions (in query order), filters by slot, the base measures (in
/// plan order) and the time segments with their tables. Slots come from the dataset definition, never from user text.
/// </summary>
public sealed record DatasetRead(
    Dataset Dataset,
    IReadOnlyList<int> GroupSlots,
    IReadOnlyList<(int Slot, IReadOnlyList<string?> Values)> Filters,
    IReadOnlyList<MeasureRead> Measures,
    IReadOnlyList<ReadSegment> Segments,
    bool GroupByTime,
    int? Projection = null);

public sealed record QueryPlan(
    NormalizedQuery Query,
    IReadOnlyList<ResolvedMetric> Metrics,
    IReadOnlyList<string> BaseMeasures,
    IReadOnlyList<Aggregation> Aggregations,
    IReadOnlyList<DatasetRead> Datasets,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Decides which datasets answer a query and how: datasets that have every asked measure and dimension, one per source,
/// read "as one";
/// refuses non-additive measures where they would be summed; picks the rollups that answer exactly: without statistics
/// the coarsest, with them (<see cref="FactProjection"/>) the combination of full rollups, the smallest covering day
/// projection and raw facts that reads the fewest rows.
/// </summary>
public static class QueryPlanner
{
    private static readonly string[] GrainOrder = ["hour", "day", "week", "month"];

    /// <param name="candidates">The visible datasets of the chosen sources (already narrowed to <c>dataset</c> when given).</param>
    /// <param name="aggregates">Each dataset's pre-aggregated tables and their row counts; none keeps the coarsest-rollup rule.</param>
    public static QueryPlan Plan(NormalizedQuery query, IReadOnlyList<Dataset> candidates, MetricResolver metrics, IReadOnlyList<FactProjection>? aggregates = null)
    {
        var errors = new Dictionary<string, string[]>();
        var knownMeasures = candidates.SelectMany(d => d.Measures).Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var knownDimensions = candidates.SelectMany(d => d.Dimensions).Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var resolved = new List<ResolvedMetric>();
        for (var i = 0; i < query.Metrics.Count; i++)
        {
            var name = query.Metrics[i];
            try
            {
                var metric = metrics.Resolve(name, $"metrics[{i}]");
                var missing = metric.BaseMeasures.Where(m => !knownMeasures.Contains(m)).ToList();
                if (metric.Definition is null && missing.Count > 0)
                    errors[$"metrics[{i}]"] = [$"Unknown metric '{name}': no metric definition or measure of the chosen datasets has that name."];
                else if (missing.Count > 0)
                    errors[$"metrics[{i}]"] = [$"Metric '{name}' needs {string.Join(", ", missing)}, which no dataset of the chosen sources has."];
                else resolved.Add(metric);
            }
            catch (ValidationException v)
            {
                foreach (var (k, m) in v.Errors) errors[k] = m;
            }
        }
        for (var i = 0; i < query.GroupBy.Count; i++)
        {
            if (!knownDimensions.Contains(query.GroupBy[i])) errors[$"groupBy[{i}]"] = [$"Unknown dimension '{query.GroupBy[i]}'."];
        }
        foreach (var (dim, _) in query.Filters)
        {
            if (!knownDimensions.Contains(dim)) errors[$"filters.{dim}"] = [$"Unknown dimension '{dim}'."];
        }
        var columns = new List<string>();
        if (query.Granularity != Granularity.None) columns.Add(NormalizedQuery.TimeColumn);
        columns.AddRange(query.GroupBy);
        columns.AddRange(query.Metrics);
        for (var i = 0; i < query.Sort.Count; i++)
        {
            if (!columns.Contains(query.Sort[i].By!)) errors[$"sort[{i}].by"] = [$"'{query.Sort[i].By}' is not an output column; sort by one of {string.Join(", ", columns)}."];
        }
        if (errors.Count > 0) throw new ValidationException(errors);

        var baseMeasures = resolved.SelectMany(m => m.BaseMeasures).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var dimensions = query.GroupBy.Concat(query.Filters.Select(f => f.Dimension)).Distinct().ToList();
        var matching = candidates
            .Where(d => baseMeasures.All(m => d.Measure(m) is not null) && dimensions.All(x => d.Dimension(x) is not null))
            .OrderBy(d => d.SourceId, StringComparer.Ordinal).ThenBy(d => d.Id);
        var selected = OnePerSource(matching, d => d.SourceId, d => d.Grain, d => d.Id).ToList();
        if (selected.Count == 0)
        {
            throw new ValidationException("metrics",
                $"No dataset of the chosen sources has the measures {string.Join(", ", baseMeasures)}" +
                (dimensions.Count > 0 ? $" together with the dimensions {string.Join(", ", dimensions)}." : "."));
        }

        var aggregations = new List<Aggregation>();
        foreach (var measure in baseMeasures)
        {
            var kinds = selected.Select(d => Combinable(d.Measure(measure)!.Aggregation)).Distinct().ToList();
            if (kinds.Count > 1)
                throw new ValidationException("metrics", $"Measure '{measure}' aggregates differently in the chosen datasets ({string.Join(", ", kinds)}); pick one dataset.");
            aggregations.Add(kinds[0]);
        }

        var warnings = new List<string>();
        CheckAdditivity(query, selected, baseMeasures, warnings);

        var reads = selected.Select(d =>
        {
            var measures = baseMeasures.Select(m => d.Measure(m)!).Select(m => new MeasureRead(m.Name, m.Slot, m.Aggregation)).ToList();
            var rollupable = measures.All(m => m.Aggregation != Aggregation.Avg && d.Measure(m.Name)!.Additive);
            var groupSlots = query.GroupBy.Select(g => d.Dimension(g)!.Slot).ToList();
            var filters = query.Filters.Select(f => (d.Dimension(f.Dimension)!.Slot, f.Values)).ToList();
            if (!rollupable)
                return new DatasetRead(d, groupSlots, filters, measures, [new ReadSegment(FactTable.Raw, query.Start, query.End)], query.Granularity != Granularity.None);
            var (segments, projection) = Cheapest(query, d, FactProjections.Mask(groupSlots.Concat(filters.Select(f => f.Slot))),
                aggregates?.Where(a => a.DatasetId == d.Id).ToList() ?? []);
            return new DatasetRead(d, groupSlots, filters, measures, segments, query.Granularity != Granularity.None, projection);
        }).ToList();
        return new QueryPlan(query, resolved, baseMeasures, aggregations, reads, warnings);
    }

    /// <summary>
    /// The segments that read the fewest rows. The day projection considered is the smallest one that keeps every
    /// grouped and filtered dimension (<paramref name="needed"/>); each ordered choice of month rollup, week rollup and
    /// that projection (coarse to fine, raw facts for what none answers exactly) is costed as Σ segment length × the
    /// table's row count — all tables span the dataset's whole time range, so rows per second scale with it. Raw facts
    /// are costed at twice the largest aggregate (facts hold at least as many rows as any aggregate of them). Without a
    /// covering projection the full rollups are read as before: the coarsest that answers.
    /// </summary>
    private static (IReadOnlyList<ReadSegment> Segments, int? Projection) Cheapest(NormalizedQuery query, Dataset dataset, int needed, List<FactProjection> aggregates)
    {
        IReadOnlyList<FactTable> rollups = [FactTable.Month, FactTable.Week];
        var projection = aggregates.Where(a => a.Grain == FactProjection.Day && a.Dimensions >= 0 && (a.Dimensions & needed) == needed)
            .OrderBy(a => a.RowCount).ThenBy(a => a.Dimensions).FirstOrDefault();
        if (projection is null) return (Segments(query.Start, query.End, query.Granularity, query.Zone, rollups), null);

        var largest = aggregates.Max(a => a.RowCount);
        double Rows(FactTable table) => table switch
        {
            FactTable.Day => projection.RowCount,
            FactTable.Raw => 2.0 * Math.Max(1, largest),
            _ => aggregates.FirstOrDefault(a => a.Grain == (table == FactTable.Week ? FactRollup.Week : FactRollup.Month) && a.Dimensions == FactProjection.AllDimensions)?.RowCount
                 ?? 2.0 * Math.Max(1, largest),
        };
        IReadOnlyList<ReadSegment>? best = null;
        var bestCost = double.MaxValue;
        FactTable[] levels = [FactTable.Month, FactTable.Week, FactTable.Day];
        for (var choice = 1; choice < 1 << levels.Length; choice++)
        {
            var chosen = levels.Where((_, i) => (choice & (1 << i)) != 0).ToList();
            var segments = Segments(query.Start, query.End, query.Granularity, query.Zone, chosen);
            var cost = segments.Sum(s => (double)(s.End - s.Start) * Rows(s.Table));
            if (cost < bestCost) (best, bestCost) = (segments, cost);
        }
        return best!.Any(s => s.Table == FactTable.Day) ? (best!, projection.Dimensions) : (best!, null);
    }

    /// <summary>Count is summed like a sum when partial counts are combined.</summary>
    /// <summary>
    /// The datasets of one source are views of the same activity (the ad performance, a report run on it, its paths to
    /// conversion all count its sales): of those that could answer, each source answers from one, never their sum: the
    /// finest-grained, then the oldest. Naming a dataset picks another. Keeps the order of <paramref name="matching"/>.
    /// </summary>
    public static IEnumerable<T> OnePerSource<T>(IEnumerable<T> matching, Func<T, string> source, Func<T, string> grain, Func<T, int> id) =>
        matching.GroupBy(source, StringComparer.Ordinal).Select(g => g.OrderBy(d => GrainRank(grain(d))).ThenBy(id).First());

    private static int GrainRank(string grain) => Array.IndexOf(GrainOrder, grain) is var i and >= 0 ? i : GrainOrder.Length;

    private static Aggregation Combinable(Aggregation a) => a == Aggregation.Count ? Aggregation.Sum : a;

    /// <summary>
    /// A non-additive measure (a distinct count such as reach) is only answered where no summing happens within a source:
    /// every dimension grouped or pinned to one value, buckets no coarser than the dataset's grain, in UTC. Across
    /// sources (one dataset each) the counts are combined as the measure aggregates; a summed distinct count gets a
    /// warning, because nobody can tell whether two advertisers reached the same person (AMC's user ids differ per
    /// instance), so adding them up is the only answer there is.
    /// </summary>
    private static void CheckAdditivity(NormalizedQuery query, List<Dataset> selected, List<string> baseMeasures, List<string> warnings)
    {
        var errors = new List<string>();
        foreach (var measure in baseMeasures)
        {
            var fields = selected.Select(d => (Dataset: d, Field: d.Measure(measure)!)).ToList();
            if (fields.All(f => f.Field.Additive)) continue;
            var pinned = query.Filters.Where(f => f.Values.Count == 1).Select(f => f.Dimension).ToList();
            foreach (var (dataset, _) in fields)
            {
                var summedOver = dataset.Dimensions.Select(d => d.Name).Except(query.GroupBy.Concat(pinned), StringComparer.OrdinalIgnoreCase).ToList();
                if (summedOver.Count > 0)
                    errors.Add($"'{measure}' is not additive (a distinct count), so it cannot be summed across {string.Join(", ", summedOver)}; group by them or filter each to one value.");
                var grain = Array.IndexOf(GrainOrder, dataset.Grain);
                var asked = query.Granularity == Granularity.None ? int.MaxValue : Array.IndexOf(GrainOrder, query.Granularity.ToWire());
                if (asked > grain)
                    errors.Add($"'{measure}' is not additive (a distinct count) and was collected per {dataset.Grain}; it cannot be summed into {(query.Granularity == Granularity.None ? "one total over the range" : query.Granularity.ToWire() + " buckets")}. Ask for granularity {dataset.Grain}.");
                else if (query.Zone != TimeZoneInfo.Utc && grain >= 1)
                    errors.Add($"'{measure}' is not additive (a distinct count) and was collected per UTC {dataset.Grain}; buckets in {query.Zone.Id} would sum parts of two of them. Ask in UTC.");
            }
            if (fields.Count > 1 && Combinable(fields[0].Field.Aggregation) == Aggregation.Sum)
                warnings.Add($"'{measure}' is a distinct count per instance: across the {fields.Count} instances it is added up, so someone reached by two of them counts twice.");
        }
        errors = errors.Distinct().ToList();
        if (errors.Count > 0) throw new ValidationException(new Dictionary<string, string[]> { ["metrics"] = errors.ToArray() });

        foreach (var dataset in selected)
        {
            var grain = Array.IndexOf(GrainOrder, dataset.Grain);
            var asked = query.Granularity == Granularity.None ? int.MaxValue : Array.IndexOf(GrainOrder, query.Granularity.ToWire());
            if (asked < grain)
                warnings.Add($"Dataset '{dataset.Key}' of source '{dataset.SourceId}' is collected per {dataset.Grain}: {query.Granularity.ToWire()} buckets show each {dataset.Grain}'s value in the bucket where it starts.");
        }
    }

    /// <summary>
    /// Splits [start, end) into raw edges and the widest middle a rollup answers exactly: the middle must be aligned to
    /// the rollup's UTC buckets, and each rollup bucket must fall wholly into one output bucket (in the query's zone);
    /// a day projection, which keeps the facts' times, only needs the alignment (it is maintained per UTC day).
    /// The edges are tried again with the next finer rollup.
    /// </summary>
    public static IReadOnlyList<ReadSegment> Segments(long start, long end, Granularity granularity, TimeZoneInfo zone, IReadOnlyList<FactTable> levels)
    {
        if (start >= end) return [];
        for (var i = 0; i < levels.Count; i++)
        {
            var rollup = levels[i] switch { FactTable.Month => Granularity.Month, FactTable.Week => Granularity.Week, _ => Granularity.Day };
            var first = TimeBuckets.Start(start, rollup, TimeZoneInfo.Utc);
            if (first < start) first = TimeBuckets.Next(first, rollup, TimeZoneInfo.Utc);
            var last = TimeBuckets.Start(end, rollup, TimeZoneInfo.Utc);
            if (first >= last || !Exact(first, last, levels[i], rollup, granularity, zone)) continue;
            var rest = levels.Skip(i + 1).ToList();
            return [.. Segments(start, first, granularity, zone, rest), new ReadSegment(levels[i], first, last), .. Segments(last, end, granularity, zone, rest)];
        }
        return [new ReadSegment(FactTable.Raw, start, end)];
    }

    private static bool Exact(long first, long last, FactTable table, Granularity rollup, Granularity granularity, TimeZoneInfo zone)
    {
        // A day projection keeps each fact's stored time: its rows fall into the same buckets as the facts, in any zone.
        if (granularity == Granularity.None || table == FactTable.Day) return true;
        if (granularity < rollup) return false;
        // UTC days nest in UTC days, ISO weeks and months.
        if (rollup == Granularity.Day && zone == TimeZoneInfo.Utc) return true;
        var checkedBuckets = 0;
        for (var b = first; b < last; b = TimeBuckets.Next(b, rollup, TimeZoneInfo.Utc))
        {
            var next = TimeBuckets.Next(b, rollup, TimeZoneInfo.Utc);
            if (TimeBuckets.Start(b, granularity, zone) != TimeBuckets.Start(next - 1, granularity, zone)) return false;
            if (++checkedBuckets > 2_000) return false;
        }
        return true;
    }
}
