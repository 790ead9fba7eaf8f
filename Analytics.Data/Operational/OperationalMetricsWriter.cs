using System.Collections.Concurrent;
using Analytics.Data.Seeding;
using Analytics.Domain.Operational;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Operational;

/// <summary>One point to record: metric name, tags, Unix milliseconds, value.</summary>
public readonly record struct OperationalPoint(string Name, IReadOnlyDictionary<string, string>? Tags, long TimestampMs, double Value);

/// <summary>
/// Writes operational points: resolves (name, tags) to a series id (cached), then inserts the points in one
/// transaction; a point at an existing (series, time) replaces it.
/// </summary>
public sealed class OperationalMetricsWriter(IDbContextFactory<AnalyticsDbContext> factory)
{
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _seriesIds = new();

    public async Task WriteAsync(IReadOnlyList<OperationalPoint> points, CancellationToken ct)
    {
        if (points.Count == 0) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = new List<object[]>(points.Count);
        foreach (var point in points)
        {
            var id = await SeriesIdAsync(db, point.Name, MetricSeries.KeyOf(point.Tags), ct);
            rows.Add([id, point.TimestampMs, point.Value]);
        }
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await BatchInsert.InsertAsync(connection, transaction, "metric_points", ["series_id", "ts", "value"], rows, ct,
            onConflict: "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value");
        await transaction.CommitAsync(ct);
    }

    private async Task<long> SeriesIdAsync(AnalyticsDbContext db, string name, string tags, CancellationToken ct)
    {
        if (_seriesIds.TryGetValue((name, tags), out var id)) return id;
        var existing = await db.MetricSeries.AsNoTracking().Where(s => s.Name == name && s.TagsKey == tags).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            var series = new MetricSeries { Name = name, TagsKey = tags };
            db.MetricSeries.Add(series);
            try
            {
                await db.SaveChangesAsync(ct);
                existing = series.Id;
            }
            catch (DbUpdateException)
            {
                // Another writer created it first.
                db.ChangeTracker.Clear();
                existing = await db.MetricSeries.AsNoTracking().Where(s => s.Name == name && s.TagsKey == tags).Select(s => s.Id).FirstAsync(ct);
            }
        }
        _seriesIds[(name, tags)] = existing.Value;
        return existing.Value;
    }
}
