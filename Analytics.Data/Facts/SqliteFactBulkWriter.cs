using System.Text;
using Analytics.Domain.Facts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Facts;

/// <summary>
/// SQLite bulk writes: one transaction, one prepared statement inserting <see cref="RowsPerStatement"/> rows at a time
/// (parameters rebound, never re-parsed), the remainder one row at a time.
/// </summary>
internal sealed class SqliteFactBulkWriter(IDbContextFactory<AnalyticsDbContext> factory) : IFactBulkWriter
{
    private const int RowsPerStatement = 64;

    public async Task<long> WriteAsync(Dataset dataset, IEnumerable<FactRow> rows, FactWriteMode mode, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);

        var dimColumns = FactColumns.DimensionColumns(dataset);
        var measureColumns = FactColumns.MeasureColumns(dataset);
        var dimIndexes = FactColumns.DimensionIndexes(dataset);
        var measureIndexes = FactColumns.MeasureIndexes(dataset);
        var columns = new[] { "dataset_id", "ts", "dim_hash" }.Concat(dimColumns).Concat(measureColumns).ToArray();

        using var batch = Prepare(connection, transaction, columns, RowsPerStatement, mode);
        using var single = Prepare(connection, transaction, columns, 1, mode);

        var buffer = new FactRow[RowsPerStatement];
        var buffered = 0;
        long written = 0;
        foreach (var row in rows)
        {
            buffer[buffered++] = row;
            if (buffered < RowsPerStatement) continue;
            Bind(batch, buffer.AsSpan(0, buffered), dataset.Id, dimIndexes, measureIndexes, columns.Length);
            batch.ExecuteNonQuery();
            written += buffered;
            buffered = 0;
            if ((written & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
        }
        for (var i = 0; i < buffered; i++)
        {
            Bind(single, buffer.AsSpan(i, 1), dataset.Id, dimIndexes, measureIndexes, columns.Length);
            single.ExecuteNonQuery();
        }
        written += buffered;
        await transaction.CommitAsync(ct);
        return written;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string[] columns, int rows, FactWriteMode mode)
    {
        var sql = new StringBuilder("INSERT INTO facts (").AppendJoin(", ", columns).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var c = 0; c < columns.Length; c++)
            {
                if (c > 0) sql.Append(", ");
                sql.Append("@p").Append(r * columns.Length + c);
            }
            sql.Append(')');
        }
        if (mode == FactWriteMode.Upsert)
        {
            sql.Append(" ON CONFLICT (dataset_id, ts, dim_hash) DO UPDATE SET ")
               .AppendJoin(", ", columns.Skip(3).Select(c => $"{c} = excluded.{c}"));
        }
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.ToString();
        for (var i = 0; i < rows * columns.Length; i++) command.Parameters.Add(new SqliteParameter("@p" + i, null));
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, ReadOnlySpan<FactRow> rows, int datasetId, int[] dimIndexes, int[] measureIndexes, int width)
    {
        var parameters = command.Parameters;
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            var p = r * width;
            parameters[p++].Value = datasetId;
            parameters[p++].Value = row.Ts;
            parameters[p++].Value = row.DimHash;
            foreach (var i in dimIndexes) parameters[p++].Value = (object?)(i < row.Dimensions.Length ? row.Dimensions[i] : null) ?? DBNull.Value;
            foreach (var i in measureIndexes) parameters[p++].Value = (object?)(i < row.Measures.Length ? row.Measures[i] : null) ?? DBNull.Value;
        }
    }
}
