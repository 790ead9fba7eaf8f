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

    public static async Task<TabularResult> ReadAsync(DbCommand command, long maxBytes, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, maxBytes, ct);
    }

    /// <summary>
    /// The rows of the reader's current result, at most <see cref="MaxRows"/> and <paramref name="maxBytes"/> (strings and
    /// blobs by their size, other values 8 bytes: <c>Analytics:Sources:MaxResultMegabytes</c>).
    /// </summary>
    public static async Task<TabularResult> ReadAsync(DbDataReader reader, long maxBytes, CancellationToken ct)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        long bytes = 0;
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count >= MaxRows)
                throw new SourceQueryException($"The query returned more than {MaxRows:N0} rows; aggregate in the SQL (GROUP BY) or narrow the time window.");
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                var value = reader.GetValue(i);
                row[i] = value is DBNull ? null : value;
                bytes += value switch { string text => 2L * text.Length, byte[] blob => blob.Length, _ => 8 };
            }
            if (bytes > maxBytes)
                throw new SourceQueryException($"The query's result is larger than the limit of {maxBytes / (1024 * 1024)} MB (Analytics:Sources:MaxResultMegabytes); select fewer or smaller values, aggregate in the SQL or narrow the time window.");
            rows.Add(row);
        }
        return new TabularResult(columns, rows);
    }
}
