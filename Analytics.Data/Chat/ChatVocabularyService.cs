using Analytics.Data.Query;
using Analytics.Domain.Chat;
using Analytics.Domain.Query;


namespace Analytics.Data.Chat;

/// <summary>
/// The words the offline planner knows for an actor: the catalog's metrics, the dimensions and their values (read through
/// the query engine, so only values of granted instances are known), and the instances by name.
/// </summary>
public sealed class ChatVocabularyService(CatalogService catalog, FactQueryService engine)
{
    public async Task<ChatVocabulary> GetAsync(ChatToolContext context, CancellationToken ct)
    {
        var c = await catalog.GetAsync(context.Actor, ct);
        var metrics = c.Metrics.Select(m => new VocabularyMetric(m.Name, m.Label, m.Description, m.Format, m.HigherIsBetter)).ToList();
        var dimensions = new List<VocabularyDimension>();
        var measure = c.Datasets.SelectMany(d => d.Measures).Select(m => m.Name).FirstOrDefault();
        foreach (var dim in c.Datasets.SelectMany(d => d.Dimensions).DistinctBy(d => d.Name))
        {
            var values = new List<string>();
            if (measure is not null)
            {
                QueryResult result;
                try
                {
                result = await engine.ExecuteAsync(context.Actor, new SemanticQuery
                {
                    Metrics = [measure], GroupBy = [dim.Name], Limit = 5_000, TimeZone = "UTC",
                    TimeRange = new QueryTimeRange(new DateTimeOffset(context.Today.AddYears(-5).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                        new DateTimeOffset(context.Today.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
                }, ct);
                }
                catch (Analytics.Domain.ValidationException) { continue; } // a dimension only some datasets have
                values.AddRange(result.Rows.Select(r => r[0] as string).OfType<string>());
            }
            dimensions.Add(new VocabularyDimension(dim.Name, dim.Label, values));
        }
        var instances = c.Datasets.DistinctBy(d => d.SourceId).Select(d => new VocabularyInstance(d.SourceId, d.SourceName)).ToList();
        var coverage = measure is null ? null : await CoverageAsync(context, measure, ct);
        return new ChatVocabulary(metrics, dimensions, instances, coverage);
    }

    /// <summary>
    /// The first and last day with data the actor may read (over the last ten years): months first, then the days of the
    /// first and last month, so three small queries rather than one row per day. The engine's time cells are the buckets'
    /// starts as UTC <see cref="DateTime"/>s (<see cref="QueryRows"/>), and the buckets are UTC days and months here.
    /// </summary>
    private async Task<DataCoverage?> CoverageAsync(ChatToolContext context, string measure, CancellationToken ct)
    {
        async Task<List<DateOnly>> Buckets(DateOnly start, DateOnly end, string granularity)
        {
            var result = await engine.ExecuteAsync(context.Actor, new SemanticQuery
            {
                Metrics = [measure], Granularity = granularity, TimeZone = "UTC",
                TimeRange = new QueryTimeRange(new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
            }, ct);
            var time = result.Columns.ToList().FindIndex(col => col.Role == "time");
            var value = result.Columns.ToList().FindIndex(col => col.Role == "metric");
            if (time < 0 || value < 0) return [];
            return result.Rows.Where(r => r[value] is not null).Select(r => r[time]).OfType<DateTime>().Select(DateOnly.FromDateTime).Order().ToList();
        }
        try
        {
            var firstMonth = new DateOnly(context.Today.Year - 10, 1, 1);
            var months = await Buckets(firstMonth, context.Today.AddDays(2), "month");
            if (months.Count == 0) return null;
            var first = await Buckets(months[0], months[0].AddMonths(1), "day");
            var last = months[^1] == months[0] ? first : await Buckets(months[^1], months[^1].AddMonths(1), "day");
            return first.Count == 0 || last.Count == 0 ? null : new DataCoverage(first[0], last[^1]);
        }
        catch (Analytics.Domain.ValidationException) { return null; }
    }
}
