using System.Data.Common;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;

namespace Analytics.Data.Sources.Connectors;

/// <summary>Shared by the SQL connectors: binds a template's parameters to a command and reads its answer.</summary>
public static class SqlResultReader
{
    /// <summary>More rows than this is almost always a template that forgot to aggregate; it fails with a message saying so.</summary>
    public const int MaxRows = 2_000_000;

    /// <summary>The template's SQL with <c>@p…</c> placeholders, the values bound as parameters (never spliced into the text).</summary>
    /// <param name="convert">How a value reaches this provider (e.g. <see cref="SqlValues.Untyped"/> for SQLite); as is by default.</param>
    public static void Bind(DbCommand command, SourceQuery query, Func<object, object>? convert = null)
    {
        command.CommandText = query.Template.RenderBound(query.Parameters, out var parameters);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = convert is null ? value : convert(value);
            command.Parameters.Add(parameter);
        }
    }

    public static async Task<TabularResult> ReadAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, ct);
    }

    /// <summary>The rows of the reader's current result, at most <see cref="MaxRows"/>.</summary>
    public static async Task<TabularResult> ReadAsync(DbDataReader reader, CancellationToken ct)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count >= MaxRows)
                throw new SourceQueryException($"The query returned more than {MaxRows:N0} rows; aggregate in the SQL (GROUP BY) or narrow the time window.");
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                var value = reader.GetValue(i);
                row[i] = value is DBNull ? null : value;
            }
            rows.Add(row);
        }
        return new TabularResult(columns, rows);
    }
}
