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
        return new ChatVocabulary(metrics, dimensions, instances);
    }
}
