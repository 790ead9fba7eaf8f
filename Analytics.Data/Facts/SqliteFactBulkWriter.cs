using System.Text;
using Analytics.Domain.Facts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Facts;

/// <summary>
/// SQLite bulk writes: one transaction, one prepared single-row statement whose parameters are rebound per row.
/// Measured: single-row beats multi-row VALUES here, because Microsoft.Data.Sqlite binds parameters by name and
/// SQLite's name lookup is linear in the statement's parameter count.
/// </summary>
internal sealed class SqliteFactBulkWriter(IDbContextFactory<AnalyticsDbContext> factory) : IFactBulkWriter
{
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

        using var insert = Prepare(connection, transaction, columns, mode);
        var parameters = insert.Parameters;
        long written = 0;
        foreach (var row in rows)
        {
            var p = 0;
            parameters[p++].Value = dataset.Id;
            parameters[p++].Value = row.Ts;
            parameters[p++].Value = row.DimHash;
            foreach (var i in dimIndexes) parameters[p++].Value = (object?)(i < row.Dimensions.Length ? row.Dimensions[i] : null) ?? DBNull.Value;
            foreach (var i in measureIndexes) parameters[p++].Value = (object?)(i < row.Measures.Length ? row.Measures[i] : null) ?? DBNull.Value;
            insert.ExecuteNonQuery();
            if ((++written & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
        }
        await transaction.CommitAsync(ct);
        return written;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string[] columns, FactWriteMode mode)
    {
        var sql = new StringBuilder("INSERT INTO facts (").AppendJoin(", ", columns).Append(") VALUES (")
            .AppendJoin(", ", columns.Select((_, i) => "@p" + i)).Append(')');
        if (mode == FactWriteMode.Upsert)
        {
            sql.Append(" ON CONFLICT (dataset_id, ts, dim_hash) DO UPDATE SET ")
               .AppendJoin(", ", columns.Skip(3).Select(c => $"{c} = excluded.{c}"));
        }
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.ToString();
        for (var i = 0; i < columns.Length; i++) command.Parameters.Add(new SqliteParameter("@p" + i, null));
        command.Prepare();
        return command;
    }
}
