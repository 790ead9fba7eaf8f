using Analytics.Domain.Facts;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Analytics.Data.Facts;

/// <summary>
/// PostgreSQL bulk writes through binary COPY: straight into <c>facts</c> for inserts; into a temporary table and then
/// <c>INSERT … ON CONFLICT DO UPDATE</c> for upserts. One transaction either way.
/// </summary>
internal sealed class PostgresFactBulkWriter(IDbContextFactory<AnalyticsDbContext> factory) : IFactBulkWriter
{
    public async Task<long> WriteAsync(Dataset dataset, IEnumerable<FactRow> rows, FactWriteMode mode, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var dimColumns = FactColumns.DimensionColumns(dataset);
        var measureColumns = FactColumns.MeasureColumns(dataset);
        var dimIndexes = FactColumns.DimensionIndexes(dataset);
        var measureIndexes = FactColumns.MeasureIndexes(dataset);
        var columns = new[] { "dataset_id", "ts", "dim_hash" }.Concat(dimColumns).Concat(measureColumns).ToArray();
        var columnList = string.Join(", ", columns);

        var target = "facts";
        if (mode == FactWriteMode.Upsert)
        {
            target = "facts_incoming";
            await using var create = new NpgsqlCommand(
                $"CREATE TEMP TABLE {target} (LIKE facts INCLUDING DEFAULTS) ON COMMIT DROP", connection, transaction);
            await create.ExecuteNonQueryAsync(ct);
        }

        long written = 0;
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({columnList}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(dataset.Id, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(row.Ts, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(row.DimHash, NpgsqlDbType.Bigint, ct);
                foreach (var i in dimIndexes)
                {
                    var value = i < row.Dimensions.Length ? row.Dimensions[i] : null;
                    if (value is null) await importer.WriteNullAsync(ct); else await importer.WriteAsync(value, NpgsqlDbType.Text, ct);
                }
                foreach (var i in measureIndexes)
                {
                    var value = i < row.Measures.Length ? row.Measures[i] : null;
                    if (value is null) await importer.WriteNullAsync(ct); else await importer.WriteAsync(value.Value, NpgsqlDbType.Double, ct);
                }
                written++;
            }
            await importer.CompleteAsync(ct);
        }

        if (mode == FactWriteMode.Upsert)
        {
            var updates = string.Join(", ", columns.Skip(3).Select(c => $"{c} = excluded.{c}"));
            // DISTINCT ON keeps the last duplicate of a key within one batch, as the SQLite writer does.
            await using var merge = new NpgsqlCommand(
                $"INSERT INTO facts ({columnList}) SELECT DISTINCT ON (dataset_id, ts, dim_hash) {columnList} FROM {target} " +
                $"ORDER BY dataset_id, ts, dim_hash, ctid DESC ON CONFLICT (dataset_id, ts, dim_hash) DO UPDATE SET {updates}",
                connection, transaction);
            await merge.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return written;
    }
}
