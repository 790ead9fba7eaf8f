using System.Collections.Concurrent;
using System.Data.Common;
using Analytics.Data.Dashboards;
using Analytics.Domain.Operational;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Analytics.Data.Operational;

/// <summary>One point to record: metric name, tags, Unix milliseconds, value.</summary>
public readonly record struct OperationalPoint(string Name, IReadOnlyDictionary<string, string>? Tags, long TimestampMs, double Value);

/// <summary>
/// The write path of the operational store. Resolves (name, tags key) to a series id (cached in memory; unknown
/// series are created with <c>INSERT … ON CONFLICT DO NOTHING</c>), then, in ONE transaction, upserts the points
/// (a point at an existing (series, time) replaces it) and maintains the rollups:
/// <list type="bullet">
/// <item>SQLite: one prepared single-row <c>INSERT … ON CONFLICT DO UPDATE</c> executed per point (Microsoft.Data.Sqlite
/// binds parameters by name, so a prepared single-row statement beats multi-row VALUES); writers are serialized here
/// (SQLite has one writer) so concurrent batches queue instead of spinning on busy_timeout.</item>
/// <item>PostgreSQL: binary COPY into a temporary table, then <c>INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE</c>
/// (the last point of the batch wins for a duplicate (series, time)).</item>
/// </list>
/// Rollups are maintained incrementally in the same transaction. Buckets whose earlier values changed (a point replaced
/// another) — and, on PostgreSQL, every touched bucket — are put in a temporary table and recomputed, 1m from raw
/// points, 5m from 1m, 1h from 5m, 1d from 1h, with one set-based <c>INSERT … SELECT … GROUP BY … ON CONFLICT DO
/// UPDATE</c> per resolution, the same SQL on both providers; recomputing keeps rollups exact when a point replaces an
/// earlier one. On SQLite (the ingest hot path) buckets that only received new points get the batch's partial
/// aggregates merged in without reading anything (measured: recomputing every touched bucket cost ~35% of write time).
/// Limitation: a late point for a bucket whose raw points were already deleted by retention recomputes that 1m bucket
/// from what raw data remains.
/// </summary>
public sealed class OperationalMetricsWriter(IDbContextFactory<AnalyticsDbContext> factory, MetricsChangeNotifier changes)
{
    private const string TouchedTable = "metric_touched";
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _seriesIds = new();
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public Task WriteAsync(IReadOnlyList<OperationalPoint> points, CancellationToken ct) =>
        WriteAsync(points.Select(p => new SeriesPoint(p.Name, MetricSeries.KeyOf(p.Tags), p.TimestampMs, p.Value)).ToList(), ct);

    /// <summary>Stores the points (all or none) and updates the rollups of the buckets they fall in.</summary>
    public async Task WriteAsync(IReadOnlyList<SeriesPoint> points, CancellationToken ct)
    {
        if (points.Count == 0) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var ids = await ResolveSeriesAsync(connection, points, ct);
        // Per-(series, minute) partial aggregates, computed before taking SQLite's single writer slot.
        var minutes = sqlite ? MinutePartials(points, ids) : null;

        if (sqlite) await _sqliteWriter.WaitAsync(ct);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var recompute = connection is SqliteConnection sqliteConnection
                ? WriteSqlite(sqliteConnection, (SqliteTransaction)transaction, points, ids, minutes!)
                : await InsertPostgresAsync((NpgsqlConnection)connection, points, ids, Touched(points, ids), ct);
            if (recompute) await UpdateRollupsAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            if (sqlite) _sqliteWriter.Release();
        }
        changes.Publish(new MetricsChange(points.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList()));
    }

    /// <summary>Recomputes every rollup from raw points (after a bulk load that bypassed <see cref="WriteAsync(IReadOnlyList{SeriesPoint}, CancellationToken)"/>).</summary>
    public async Task RebuildRollupsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, "DELETE FROM metric_rollups", ct);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO metric_rollups (series_id, resolution, bucket_ts, count, sum, min, max)
            SELECT series_id, {MetricResolution.OneMinute.Ms()}, ts - (ts % {MetricResolution.OneMinute.Ms()}), COUNT(*), SUM(value), MIN(value), MAX(value)
            FROM metric_points GROUP BY series_id, ts - (ts % {MetricResolution.OneMinute.Ms()})
            """, ct);
        foreach (var resolution in MetricResolutions.Rollups.Skip(1))
        {
            var width = resolution.Ms();
            await ExecuteAsync(connection, transaction, $"""
                INSERT INTO metric_rollups (series_id, resolution, bucket_ts, count, sum, min, max)
                SELECT series_id, {width}, bucket_ts - (bucket_ts % {width}), SUM(count), SUM(sum), MIN(min), MAX(max)
                FROM metric_rollups WHERE resolution = {resolution.Source().Ms()}
                GROUP BY series_id, bucket_ts - (bucket_ts % {width})
                """, ct);
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The distinct (resolution, series, bucket) triples the points fall in, for every rollup resolution.</summary>
    private static List<(long Resolution, long SeriesId, long Bucket)> Touched(IReadOnlyList<SeriesPoint> points, long[] ids)
    {
        var minutes = new HashSet<(long, long)>();
        for (var i = 0; i < points.Count; i++) minutes.Add((ids[i], MetricResolutions.BucketOf(points[i].Ts, MetricResolution.OneMinute.Ms())));
        var result = new List<(long, long, long)>(minutes.Count * 2);
        foreach (var (series, bucket) in minutes) result.Add((MetricResolution.OneMinute.Ms(), series, bucket));
        foreach (var resolution in MetricResolutions.Rollups.Skip(1))
        {
            var width = resolution.Ms();
            foreach (var (series, bucket) in minutes.Select(m => (m.Item1, MetricResolutions.BucketOf(m.Item2, width))).Distinct())
                result.Add((width, series, bucket));
        }
        return result;
    }

    /// <summary>
    /// SQLite: each point is inserted with a prepared single-row statement; a point that replaces an earlier one
    /// (conflict) is updated instead and marks its buckets for a recompute. Buckets that only received new points get
    /// the batch's partial aggregates merged in (count +, sum +, min, max) — no reads — which is exact because no
    /// earlier value in them changed. Returns whether buckets were queued for a recompute.
    /// </summary>
    private static bool WriteSqlite(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<SeriesPoint> points, long[] ids,
        Dictionary<(long SeriesId, long Minute), Partial> minutes)
    {
        // Microsoft.Data.Sqlite has no real async I/O: its async methods run synchronously, so the loops call the sync API.
        var dirtyMinutes = new HashSet<(long SeriesId, long Minute)>();
        using (var insert = connection.CreateCommand())
        using (var update = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO metric_points (series_id, ts, value) VALUES ($s, $t, $v) ON CONFLICT (series_id, ts) DO NOTHING";
            var s = insert.Parameters.Add("$s", SqliteType.Integer);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var v = insert.Parameters.Add("$v", SqliteType.Real);
            insert.Prepare();
            update.Transaction = transaction;
            update.CommandText = "UPDATE metric_points SET value = $v WHERE series_id = $s AND ts = $t";
            var us = update.Parameters.Add("$s", SqliteType.Integer);
            var ut = update.Parameters.Add("$t", SqliteType.Integer);
            var uv = update.Parameters.Add("$v", SqliteType.Real);
            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];
                s.Value = ids[i];
                t.Value = point.Ts;
                v.Value = point.Value;
                if (insert.ExecuteNonQuery() == 1) continue;
                us.Value = ids[i];
                ut.Value = point.Ts;
                uv.Value = point.Value;
                update.ExecuteNonQuery();
                dirtyMinutes.Add((ids[i], MetricResolutions.BucketOf(point.Ts, MetricResolution.OneMinute.Ms())));
            }
        }
        // A minute is clean when every point of the batch in it was new: its partial is exactly what was added.
        var deltas = new Dictionary<(long Resolution, long SeriesId, long Bucket), Partial>();
        foreach (var ((series, minute), partial) in minutes)
        {
            if (dirtyMinutes.Contains((series, minute))) continue;
            foreach (var resolution in MetricResolutions.Rollups)
            {
                var key = (resolution.Ms(), series, MetricResolutions.BucketOf(minute, resolution.Ms()));
                deltas[key] = deltas.TryGetValue(key, out var sum) ? sum.Merge(partial) : partial;
            }
        }
        var recompute = new HashSet<(long Resolution, long SeriesId, long Bucket)>();
        foreach (var (series, minute) in dirtyMinutes)
            foreach (var resolution in MetricResolutions.Rollups)
                recompute.Add((resolution.Ms(), series, MetricResolutions.BucketOf(minute, resolution.Ms())));

        using (var merge = connection.CreateCommand())
        {
            merge.Transaction = transaction;
            merge.CommandText = """
                INSERT INTO metric_rollups (series_id, resolution, bucket_ts, count, sum, min, max) VALUES ($s, $r, $b, $c, $sum, $min, $max)
                ON CONFLICT (series_id, resolution, bucket_ts) DO UPDATE SET
                    count = count + excluded.count, sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max)
                """;
            var s = merge.Parameters.Add("$s", SqliteType.Integer);
            var r = merge.Parameters.Add("$r", SqliteType.Integer);
            var b = merge.Parameters.Add("$b", SqliteType.Integer);
            var c = merge.Parameters.Add("$c", SqliteType.Integer);
            var sum = merge.Parameters.Add("$sum", SqliteType.Real);
            var min = merge.Parameters.Add("$min", SqliteType.Real);
            var max = merge.Parameters.Add("$max", SqliteType.Real);
            merge.Prepare();
            foreach (var (key, partial) in deltas)
            {
                if (recompute.Contains(key)) continue;
                s.Value = key.SeriesId;
                r.Value = key.Resolution;
                b.Value = key.Bucket;
                c.Value = partial.Count;
                sum.Value = partial.Sum;
                min.Value = partial.Min;
                max.Value = partial.Max;
                merge.ExecuteNonQuery();
            }
        }
        if (recompute.Count == 0) return false;

        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = $"CREATE TEMP TABLE IF NOT EXISTS {TouchedTable} (resolution INTEGER NOT NULL, series_id INTEGER NOT NULL, bucket_ts INTEGER NOT NULL); DELETE FROM {TouchedTable};";
            create.ExecuteNonQuery();
        }
        using var touch = connection.CreateCommand();
        touch.Transaction = transaction;
        touch.CommandText = $"INSERT INTO {TouchedTable} (resolution, series_id, bucket_ts) VALUES ($r, $s, $b)";
        var tr = touch.Parameters.Add("$r", SqliteType.Integer);
        var ts = touch.Parameters.Add("$s", SqliteType.Integer);
        var tb = touch.Parameters.Add("$b", SqliteType.Integer);
        touch.Prepare();
        foreach (var (resolution, series, bucket) in recompute)
        {
            tr.Value = resolution;
            ts.Value = series;
            tb.Value = bucket;
            touch.ExecuteNonQuery();
        }
        return true;
    }

    private readonly record struct Partial(long Count, double Sum, double Min, double Max)
    {
        public Partial Add(double value) => new(Count + 1, Sum + value, Math.Min(Min, value), Math.Max(Max, value));

        public Partial Merge(Partial other) => new(Count + other.Count, Sum + other.Sum, Math.Min(Min, other.Min), Math.Max(Max, other.Max));
    }

    private static Dictionary<(long SeriesId, long Minute), Partial> MinutePartials(IReadOnlyList<SeriesPoint> points, long[] ids)
    {
        var minutes = new Dictionary<(long, long), Partial>();
        for (var i = 0; i < points.Count; i++)
        {
            var key = (ids[i], MetricResolutions.BucketOf(points[i].Ts, MetricResolution.OneMinute.Ms()));
            var value = points[i].Value;
            minutes[key] = minutes.TryGetValue(key, out var partial) ? partial.Add(value) : new Partial(1, value, value, value);
        }
        return minutes;
    }

    /// <summary>PostgreSQL: COPY into a temporary table, one set-based upsert; every touched bucket is recomputed.</summary>
    private static async Task<bool> InsertPostgresAsync(NpgsqlConnection connection, IReadOnlyList<SeriesPoint> points, long[] ids,
        List<(long Resolution, long SeriesId, long Bucket)> touched, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand($"""
            CREATE TEMP TABLE IF NOT EXISTS metric_points_in (seq bigint NOT NULL, series_id bigint NOT NULL, ts bigint NOT NULL, value double precision NOT NULL) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS {TouchedTable} (resolution bigint NOT NULL, series_id bigint NOT NULL, bucket_ts bigint NOT NULL) ON COMMIT DELETE ROWS;
            """, connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY metric_points_in (seq, series_id, ts, value) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < points.Count; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync((long)i, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(points[i].Ts, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(points[i].Value, NpgsqlDbType.Double, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY {TouchedTable} (resolution, series_id, bucket_ts) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (resolution, series, bucket) in touched)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(resolution, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(series, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(bucket, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO metric_points (series_id, ts, value)
            SELECT DISTINCT ON (series_id, ts) series_id, ts, value FROM metric_points_in ORDER BY series_id, ts, seq DESC
            ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value
            """, connection);
        await insert.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>Recomputes the touched buckets, finest first; the same SQL on both providers.</summary>
    private static async Task UpdateRollupsAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        const string upsert = "ON CONFLICT (series_id, resolution, bucket_ts) DO UPDATE SET count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max";
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO metric_rollups (series_id, resolution, bucket_ts, count, sum, min, max)
            SELECT t.series_id, t.resolution, t.bucket_ts, COUNT(*), SUM(p.value), MIN(p.value), MAX(p.value)
            FROM {TouchedTable} t JOIN metric_points p ON p.series_id = t.series_id AND p.ts >= t.bucket_ts AND p.ts < t.bucket_ts + t.resolution
            WHERE t.resolution = {MetricResolution.OneMinute.Ms()}
            GROUP BY t.series_id, t.resolution, t.bucket_ts
            {upsert}
            """, ct);
        foreach (var resolution in MetricResolutions.Rollups.Skip(1))
        {
            await ExecuteAsync(connection, transaction, $"""
                INSERT INTO metric_rollups (series_id, resolution, bucket_ts, count, sum, min, max)
                SELECT t.series_id, t.resolution, t.bucket_ts, SUM(r.count), SUM(r.sum), MIN(r.min), MAX(r.max)
                FROM {TouchedTable} t JOIN metric_rollups r ON r.series_id = t.series_id AND r.resolution = {resolution.Source().Ms()}
                    AND r.bucket_ts >= t.bucket_ts AND r.bucket_ts < t.bucket_ts + t.resolution
                WHERE t.resolution = {resolution.Ms()}
                GROUP BY t.series_id, t.resolution, t.bucket_ts
                {upsert}
                """, ct);
        }
        if (connection is SqliteConnection) await ExecuteAsync(connection, transaction, $"DELETE FROM {TouchedTable}", ct);
    }

    /// <summary>Series ids aligned with <paramref name="points"/>; creates the series not seen before.</summary>
    private async Task<long[]> ResolveSeriesAsync(DbConnection connection, IReadOnlyList<SeriesPoint> points, CancellationToken ct)
    {
        var ids = new long[points.Count];
        List<int>? missing = null;
        for (var i = 0; i < points.Count; i++)
        {
            if (_seriesIds.TryGetValue((points[i].Name, points[i].TagsKey), out var id)) ids[i] = id;
            else (missing ??= []).Add(i);
        }
        if (missing is null) return ids;
        foreach (var key in missing.Select(i => (points[i].Name, points[i].TagsKey)).Distinct())
        {
            if (_seriesIds.ContainsKey(key)) continue;
            await using var create = connection.CreateCommand();
            create.CommandText = "INSERT INTO metric_series (name, tags_key) VALUES (@n, @t) ON CONFLICT (name, tags_key) DO NOTHING";
            AddParameter(create, "@n", key.Name);
            AddParameter(create, "@t", key.TagsKey);
            await create.ExecuteNonQueryAsync(ct);
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT id FROM metric_series WHERE name = @n AND tags_key = @t";
            AddParameter(select, "@n", key.Name);
            AddParameter(select, "@t", key.TagsKey);
            _seriesIds[key] = Convert.ToInt64(await select.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var i in missing) ids[i] = _seriesIds[(points[i].Name, points[i].TagsKey)];
        return ids;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
