using Analytics.Domain.Operational;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Operational;

/// <summary>
/// Deletes what is past each resolution's horizon (<c>Analytics:Metrics:Retention</c>): raw points older than now −
/// RawDays, and rollup buckets that END at or before now − that resolution's days (a bucket straddling the horizon is kept).
/// </summary>
public sealed class MetricRetention(IDbContextFactory<AnalyticsDbContext> factory, IOptions<MetricsOptions> options, TimeProvider clock)
{
    /// <returns>Rows deleted per resolution (<c>raw</c>, <c>1m</c>, …).</returns>
    public async Task<IReadOnlyDictionary<string, int>> ApplyAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var retention = options.Value.Retention;
        var deleted = new Dictionary<string, int>();
        await using var db = await factory.CreateDbContextAsync(ct);
        var rawHorizon = (now - retention.For(MetricResolution.Raw)).ToUnixTimeMilliseconds();
        deleted["raw"] = await db.MetricPoints.Where(p => p.Ts < rawHorizon).ExecuteDeleteAsync(ct);
        foreach (var resolution in MetricResolutions.Rollups)
        {
            var lastStart = (now - retention.For(resolution)).ToUnixTimeMilliseconds() - resolution.Ms();
            deleted[resolution.ToWire()] = await db.MetricRollups.Where(r => r.Resolution == resolution && r.BucketTs <= lastStart).ExecuteDeleteAsync(ct);
        }
        return deleted;
    }
}
