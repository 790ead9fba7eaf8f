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
/// the weekly and monthly rollups of the touched UTC buckets with one set-based <c>DELETE</c> + <c>INSERT … SELECT</c>
/// per grain (so a bulk seed rebuilds them in two statements, not per row), bumps <see cref="Dataset.DataVersion"/>
/// (which invalidates cached query results) and publishes a <see cref="DataChange"/>.
/// A plain insert into a dataset without facts (bulk seeding) skips the SQL pass: its rollups are the batch's own
/// aggregates, built in memory as the rows stream to the writer and inserted after it (this assumes no other writer
/// fills the same dataset at the same moment). The facts and their rollups are separate transactions: a crash between
/// them leaves the rollups of that range stale until the range is written again or <see cref="RebuildRollupsAsync"/> runs.
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
        if (accumulator is { Overflowed: false }) await InsertRollupsAsync(dataset, accumulator, ct);
        else await RefreshRollupsAsync(dataset, range.Min, range.Max + 1, ct);
        var version = await BumpVersionAsync(dataset.Id, ct);
        var change = new DataChange(dataset.Id, dataset.SourceId, DateTimeOffset.FromUnixTimeSeconds(range.Min), DateTimeOffset.FromUnixTimeSeconds(range.Max), version);
        notifier.Publish(change);
        return new FactWriteResult(written, version, change.Start, change.End);
    }

    /// <summary>Recomputes every rollup of <paramref name="dataset"/> from its facts.</summary>
    public async Task RebuildRollupsAsync(Dataset dataset, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var facts = db.Facts.Where(f => f.DatasetId == dataset.Id).Select(f => (long?)f.Ts);
        var min = await facts.MinAsync(ct);
        var max = await facts.MaxAsync(ct);
        await db.Set<FactRollup>().Where(r => r.DatasetId == dataset.Id).ExecuteDeleteAsync(ct);
        if (min is { } from && max is { } last) await RefreshRollupsAsync(dataset, from, last + 1, ct);
    }

    /// <summary>Replaces the rollup rows of every UTC week and month overlapping [from, to) by a fresh aggregate of the facts.</summary>
    private async Task RefreshRollupsAsync(Dataset dataset, long from, long to, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
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
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = RollupSql(dataset, bucket);
            Add(command, "@ds", dataset.Id);
            Add(command, "@grain", grain);
            Add(command, "@start", start);
            Add(command, "@end", end);
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    private async Task InsertRollupsAsync(Dataset dataset, RollupAccumulator accumulator, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM fact_rollups WHERE dataset_id = @ds";
            Add(clear, "@ds", dataset.Id);
            await clear.ExecuteNonQueryAsync(ct);
        }
        var columns = new[] { "dataset_id", "grain", "ts", "dim_hash" }
            .Concat(FactColumns.DimensionColumns(dataset)).Concat(FactColumns.MeasureColumns(dataset)).ToArray();
        await InsertRowsAsync(connection, transaction, "fact_rollups", columns, accumulator.Rows(dataset.Id), dialect.RowsPerInsert, ct);
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
        sql.Append("DELETE FROM fact_rollups WHERE dataset_id = @ds AND grain = @grain AND ts >= @start AND ts < @end;\n");
        sql.Append("INSERT INTO fact_rollups (dataset_id, grain, ts, dim_hash");
        foreach (var d in dims) sql.Append(", ").Append(d);
        foreach (var m in measures) sql.Append(", m").Append(m.Slot);
        sql.Append(")\nSELECT @ds, @grain, ").Append(bucket).Append(", dim_hash");
        foreach (var d in dims) sql.Append(", MIN(").Append(d).Append(')');
        foreach (var m in measures) sql.Append(", ").Append(Aggregate(m.Aggregation)).Append("(m").Append(m.Slot).Append(')');
        sql.Append("\nFROM facts WHERE dataset_id = @ds AND ts >= @start AND ts < @end GROUP BY ").Append(bucket).Append(", dim_hash");
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

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
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
