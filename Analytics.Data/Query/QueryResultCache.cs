using Analytics.Domain.Query;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Query;

/// <summary>
/// Query results in a size-limited <see cref="MemoryCache"/> of its own. Keys hold the normalized query, the actor's
/// visible sources and the data version of every dataset read, so new data is never answered from a stale entry.
/// </summary>
public sealed class QueryResultCache(IOptions<QueryOptions> options, TimeProvider clock, Operational.MetricsBuffer metrics,
    Operational.AppMeter meter) : IDisposable
{
    private static readonly string HitTags = Analytics.Domain.Operational.MetricSeries.KeyOf(new Dictionary<string, string> { ["result"] = "hit" });
    private static readonly string MissTags = Analytics.Domain.Operational.MetricSeries.KeyOf(new Dictionary<string, string> { ["result"] = "miss" });

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.CacheSizeRows), Clock = new SystemClockAdapter(clock) });

    /// <summary>Looks a result up and counts the outcome as <c>query.cache{result=hit|miss}</c> (the hit rate on dashboards) and on <see cref="Operational.AppMeter"/>.</summary>
    public bool TryGet(string key, out QueryResult result)
    {
        var hit = _cache.TryGetValue(key, out result!);
        metrics.Record("query.cache", hit ? HitTags : MissTags, 1);
        meter.QueryCacheLookup(hit);
        return hit;
    }

    public void Set(string key, QueryResult result)
    {
        if (options.Value.CacheSizeRows == 0) return;
        _cache.Set(key, result, new MemoryCacheEntryOptions
        {
            Size = result.Rows.Count + 1,
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(options.Value.CacheSeconds),
        });
    }

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions takes; it adapts our TimeProvider.
    private sealed class SystemClockAdapter(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
#pragma warning restore CS0618
}
