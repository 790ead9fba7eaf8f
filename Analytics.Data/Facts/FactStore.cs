using System.Data.Common;
using System.Text;
using Analytics.Data.Query;
using Analytics.Domain.Facts;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Facts;

public sealed record FactWriteResult(long Rows, long DataVersion, DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>
/// THE way to write facts. Writes through the provider's <see cref="IFactBulkWriter"/> (one transaction), then refreshes
/// the weekly and monthly rollups and the dataset's day projections (<see cref="FactProjection"/>) of the touched UTC
/// buckets with one set-based <c>DELETE</c> and one <c>INSERT … SELECT</c> per table (so a bulk seed rebuilds them in a
/// few statements, not per row), keeps each table's row count (the planner's cost estimate), bumps
/// <see cref="Dataset.DataVersion"/> (which invalidates cached query results) and publishes a <see cref="DataChange"/>.
/// A plain insert into a dataset without facts (bulk seeding) skips the SQL pass: its rollups and projections are the
/// batch's own aggregates, built in memory as the rows stream to the writer and inserted after it (this assumes no
/// other writer fills the same dataset at the same moment); that is also where the projections a dataset keeps are
/// chosen, by their measured size. Later writes maintain those projections; <see cref="RebuildRollupsAsync"/> chooses
/// again. The facts and their aggregates are separate transactions: a crash between them leaves the aggregates of
/// that range stale until the range is written again or <see cref="RebuildRollupsAsync"/> runs.
/// </summary>
public sealed class FactStore(
    IDbContextFactory<AnalyticsDbContext> factory,
    IFactBulkWriter writer,
    IFactSqlDialect dialect,
    DataChangeNotifier notifier,
    TimeProvider clock)
{
    public async Task<FactWriteResult> WriteAsync(Dataset dataset, IEnumerable<FactRow> rows, FactWriteMode mode, CancellationToken ct)
    {
        var range = new TouchedRange();
        // Inserting into an empty dataset (bulk seeding): the rollups are the batch's own aggregates, built in memory
        // as the rows stream by. Otherwise the touched buckets are recomputed from the facts in SQL.
        RollupAccumulator? accumulator = null;
        if (mode == FactWriteMode.Insert)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            if (!await db.Facts.AnyAsync(f => f.DatasetId == dataset.Id, ct)) accumulator = new RollupAccumulator(dataset);
        }
        var stream = range.Track(rows);
        var written = await writer.WriteAsync(dataset, accumulator?.Track(stream) ?? stream, mode, ct);
        if (written == 0) return new FactWriteResult(0, dataset.DataVersion, null, null);
        if (accumulator is not null) await InsertAggregatesAsync(dataset, accumulator, written, ct);
        if (accumulator is null || accumulator.Overflowed) await RefreshRollupsAsync(dataset, range.Min, range.Max + 1, projections: accumulator is null, ct);
        var version = await BumpVersionAsync(dataset.Id, ct);
        var change = new DataChange(dataset.Id, dataset.SourceId, DateTimeOffset.FromUnixTimeSeconds(range.Min), DateTimeOffset.FromUnixTimeSeconds(range.Max), version);
        notifier.Publish(change);
        return new FactWriteResult(written, version, change.Start, change.End);
    }

    /// <summary>
    /// Recomputes every rollup of <paramref name="dataset"/> from its facts, and chooses its day projections again from
    /// their measured group counts (one <c>COUNT</c> per candidate).
    /// </summary>
    public async Task RebuildRollupsAsync(Dataset dataset, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var facts = db.Facts.Where(f => f.DatasetId == dataset.Id).Select(f => (long?)f.Ts);
        var min = await facts.MinAsync(ct);
        var max = await facts.MaxAsync(ct);
        var count = await db.Facts.LongCountAsync(f => f.DatasetId == dataset.Id, ct);
        await db.Set<FactRollup>().Where(r => r.DatasetId == dataset.Id).ExecuteDeleteAsync(ct);
        await db.Set<FactProjectionRow>().Where(r => r.DatasetId == dataset.Id).ExecuteDeleteAsync(ct);
        await db.Set<FactProjection>().Where(r => r.DatasetId == dataset.Id).ExecuteDeleteAsync(ct);
        if (min is not { } from || max is not { } last) return;

        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var groups = new Dictionary<int, long>();
        foreach (var mask in FactProjections.Candidates(dataset))
        {
            await using var command = connection.CreateCommand();
            var kept = KeptColumns(dataset, mask);
            command.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM facts WHERE dataset_id = @ds GROUP BY {string.Join(", ", kept.Prepend("ts"))}) g";
            FactSql.Add(command, "@ds", dataset.Id);
            groups[mask] = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var mask in FactProjections.Keep(groups, count))
            db.Add(new FactProjection { DatasetId = dataset.Id, Grain = FactProjection.Day, Dimensions = mask, RowCount = 0 });
        await db.SaveChangesAsync(ct);
        await RefreshRollupsAsync(dataset, from, last + 1, projections: true, ct);
    }

    /// <summary>
    /// Replaces the rollup rows of every UTC week and month overlapping [from, to) by a fresh aggregate of the facts,
    /// and (when <paramref name="projections"/>) the rows of every UTC day overlapping it in each registered day
    /// projection; each table's row count moves by what was inserted minus what was deleted.
    /// </summary>
    private async Task RefreshRollupsAsync(Dataset dataset, long from, long to, bool projections, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var masks = projections
            ? await db.Set<FactProjection>().Where(p => p.DatasetId == dataset.Id && p.Grain == FactProjection.Day).Select(p => p.Dimensions).ToListAsync(ct)
            : [];
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (grain, granularity, bucket) in new[]
                 {
                     (FactRollup.Week, Granularity.Week, FactSql.WeekStart("ts")),
                     (FactRollup.Month, Granularity.Month, dialect.MonthStart("ts")),
                 })
        {
            var start = TimeBuckets.Start(from, granularity, TimeZoneInfo.Utc);
            var end = TimeBuckets.Next(TimeBuckets.Start(to - 1, granularity, TimeZoneInfo.Utc), granularity, TimeZoneInfo.Utc);
            void Bind(DbCommand c) { FactSql.Add(c, "@ds", dataset.Id); FactSql.Add(c, "@grain", grain); FactSql.Add(c, "@start", start); FactSql.Add(c, "@end", end); }
            var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM fact_rollups WHERE dataset_id = @ds AND grain = @grain AND ts >= @start AND ts < @end", Bind, ct);
            var inserted = await ExecuteAsync(connection, transaction, RollupSql(dataset, bucket), Bind, ct);
            await CountRowsAsync(connection, transaction, dataset.Id, grain, FactProjection.AllDimensions, inserted - deleted, ct);
        }
        var dayStart = from / 86_400 * 86_400;
        var dayEnd = ((to - 1) / 86_400 + 1) * 86_400;
        foreach (var mask in masks)
        {
            void Bind(DbCommand c) { FactSql.Add(c, "@ds", dataset.Id); FactSql.Add(c, "@p", mask); FactSql.Add(c, "@start", dayStart); FactSql.Add(c, "@end", dayEnd); }
            var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM fact_projection_rows WHERE dataset_id = @ds AND projection = @p AND ts >= @start AND ts < @end", Bind, ct);
            var inserted = await ExecuteAsync(connection, transaction, ProjectionSql(dataset, mask), Bind, ct);
            await CountRowsAsync(connection, transaction, dataset.Id, FactProjection.Day, mask, inserted - deleted, ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Moves a table's row count by <paramref name="delta"/>, registering it when new.</summary>
    private static Task<int> CountRowsAsync(DbConnection connection, DbTransaction transaction, int datasetId, string grain, int dimensions, long delta, CancellationToken ct) =>
        ExecuteAsync(connection, transaction, """
            INSERT INTO fact_projections (dataset_id, grain, dimensions, row_count) VALUES (@ds, @grain, @dims, @delta)
            ON CONFLICT (dataset_id, grain, dimensions) DO UPDATE SET row_count = fact_projections.row_count + excluded.row_count
            """, c => { FactSql.Add(c, "@ds", datasetId); FactSql.Add(c, "@grain", grain); FactSql.Add(c, "@dims", dimensions); FactSql.Add(c, "@delta", delta); }, ct);

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        bind(command);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Stores what <paramref name="accumulator"/> built for a dataset that had no facts: the full rollups (unless they
    /// overflowed; the caller then refreshes them in SQL), the projections worth keeping, and their row counts.
    /// </summary>
    private async Task InsertAggregatesAsync(Dataset dataset, RollupAccumulator accumulator, long facts, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var table in new[] { "fact_rollups", "fact_projection_rows", "fact_projections" })
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE dataset_id = @ds", c => FactSql.Add(c, "@ds", dataset.Id), ct);
        }
        var dimensions = FactColumns.DimensionColumns(dataset);
        var measures = FactColumns.MeasureColumns(dataset);
        if (!accumulator.Overflowed)
        {
            string[] columns = ["dataset_id", "grain", "ts", "dim_hash", .. dimensions, .. measures];
            await InsertRowsAsync(connection, transaction, "fact_rollups", columns, accumulator.Rows(dataset.Id), dialect.RowsPerInsert, ct);
            await CountRowsAsync(connection, transaction, dataset.Id, FactRollup.Week, FactProjection.AllDimensions, accumulator.WeekRows, ct);
            await CountRowsAsync(connection, transaction, dataset.Id, FactRollup.Month, FactProjection.AllDimensions, accumulator.MonthRows, ct);
        }
        foreach (var (mask, rows) in accumulator.KeptProjections(facts))
        {
            string[] columns = ["dataset_id", "projection", "ts", "dim_hash", .. dimensions, .. measures];
            await InsertRowsAsync(connection, transaction, "fact_projection_rows", columns, accumulator.ProjectionRows(dataset.Id, mask), dialect.RowsPerInsert, ct);
            await CountRowsAsync(connection, transaction, dataset.Id, FactProjection.Day, mask, rows, ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// One prepared <c>INSERT … VALUES</c> of <paramref name="rowsPerStatement"/> rows, re-bound per chunk (the last,
    /// shorter chunk gets its own statement). All values are parameters.
    /// </summary>
    private static async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns,
        IEnumerable<object?[]> rows, int rowsPerStatement, CancellationToken ct)
    {
        DbCommand? full = null;
        try
        {
            var chunk = new List<object?[]>(rowsPerStatement);
            foreach (var row in rows)
            {
                chunk.Add(row);
                if (chunk.Count < rowsPerStatement) continue;
                full ??= await PrepareAsync(rowsPerStatement);
                await ExecuteAsync(full, chunk);
                chunk.Clear();
            }
            if (chunk.Count > 0)
            {
                await using var last = await PrepareAsync(chunk.Count);
                await ExecuteAsync(last, chunk);
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }

        Task<DbCommand> PrepareAsync(int count)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            for (var r = 0; r < count; r++)
            {
                if (r > 0) sql.Append(", ");
                sql.Append('(');
                for (var c = 0; c < columns.Length; c++)
                {
                    if (c > 0) sql.Append(", ");
                    var name = $"@p{r}_{c}";
                    sql.Append(name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    command.Parameters.Add(parameter);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            // Not prepared explicitly: SQLite keeps the compiled statement on the command between executions, and
            // PostgreSQL would want parameter types before any value is bound.
            return Task.FromResult(command);
        }

        async Task ExecuteAsync(DbCommand command, List<object?[]> chunk)
        {
            var p = 0;
            foreach (var row in chunk)
            {
                foreach (var value in row) command.Parameters[p++].Value = value ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static string RollupSql(Dataset dataset, string bucket)
    {
        var dims = dataset.Dimensions.OrderBy(d => d.Slot).Select(d => $"d{d.Slot}").ToList();
        var measures = dataset.Measures.OrderBy(m => m.Slot).ToList();
        var sql = new StringBuilder();
        sql.Append("INSERT INTO fact_rollups (dataset_id, grain, ts, dim_hash");
        foreach (var d in dims) sql.Append(", ").Append(d);
        foreach (var m in measures) sql.Append(", m").Append(m.Slot);
        sql.Append(")\nSELECT @ds, @grain, ").Append(bucket).Append(", dim_hash");
        foreach (var d in dims) sql.Append(", MIN(").Append(d).Append(')');
        foreach (var m in measures) sql.Append(", ").Append(Aggregate(m.Aggregation)).Append("(m").Append(m.Slot).Append(')');
        sql.Append("\nFROM facts WHERE dataset_id = @ds AND ts >= @start AND ts < @end GROUP BY ").Append(bucket).Append(", dim_hash");
        return sql.ToString();
    }

    /// <summary>The columns of the dimensions projection <paramref name="mask"/> keeps, in slot order.</summary>
    private static List<string> KeptColumns(Dataset dataset, int mask) =>
        dataset.Dimensions.Where(d => (mask & (1 << (d.Slot - 1))) != 0).OrderBy(d => d.Slot).Select(d => $"d{d.Slot}").ToList();

    /// <summary>
    /// One day projection of [@start, @end) (whole UTC days) from the facts: per stored time and kept values, the
    /// smallest fact hash and the aggregates. The time is the facts' own, not truncated to the day, so the projection
    /// answers buckets in any time zone exactly.
    /// </summary>
    private static string ProjectionSql(Dataset dataset, int mask)
    {
        var kept = KeptColumns(dataset, mask);
        var measures = dataset.Measures.OrderBy(m => m.Slot).ToList();
        var sql = new StringBuilder("INSERT INTO fact_projection_rows (dataset_id, projection, ts, dim_hash");
        foreach (var d in kept) sql.Append(", ").Append(d);
        foreach (var m in measures) sql.Append(", m").Append(m.Slot);
        sql.Append(")\nSELECT @ds, @p, ts, MIN(dim_hash)");
        foreach (var d in kept) sql.Append(", ").Append(d);
        foreach (var m in measures) sql.Append(", ").Append(Aggregate(m.Aggregation)).Append("(m").Append(m.Slot).Append(')');
        sql.Append("\nFROM facts WHERE dataset_id = @ds AND ts >= @start AND ts < @end GROUP BY ").AppendJoin(", ", kept.Prepend("ts"));
        return sql.ToString();
    }

    /// <summary>Averages never come from rollups (the planner reads raw facts for them); MIN keeps the column meaningful.</summary>
    private static string Aggregate(Aggregation aggregation) => aggregation switch
    {
        Aggregation.Min => "MIN",
        Aggregation.Max => "MAX",
        Aggregation.Avg => "MIN",
        _ => "SUM",
    };

    private async Task<long> BumpVersionAsync(int datasetId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.Datasets.Where(d => d.Id == datasetId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.DataVersion, d => d.DataVersion + 1).SetProperty(d => d.UpdatedAt, now), ct);
        return await db.Datasets.Where(d => d.Id == datasetId).Select(d => d.DataVersion).SingleAsync(ct);
    }


    /// <summary>The smallest and largest time of the rows that went through.</summary>
    private sealed class TouchedRange
    {
        public long Min { get; private set; } = long.MaxValue;
        public long Max { get; private set; } = long.MinValue;

        public IEnumerable<FactRow> Track(IEnumerable<FactRow> rows)
        {
            foreach (var row in rows)
            {
                if (row.Ts < Min) Min = row.Ts;
                if (row.Ts > Max) Max = row.Ts;
                yield return row;
            }
        }
    }
}
