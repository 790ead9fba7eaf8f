using System.Data.Common;
using System.Runtime.CompilerServices;
using Analytics.Data.Exports;
using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Facts;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>
/// A dashboard's underlying rows: the stored facts its widgets are computed from — one sheet per dataset a widget
/// reads, each row a time bucket with every dimension and measure as collected — under the dashboard's time range,
/// instances and dimension filters, as the viewer may see them (only datasets in the viewer's catalog).
/// Rows are read a page at a time in key order (time, dimension hash) with a keyset, each page its own short statement,
/// so a million-row export holds one page in memory and never keeps a read transaction open while the file is written.
/// </summary>
public sealed class UnderlyingRows(IDbContextFactory<AnalyticsDbContext> factory)
{
    public const int PageRows = 5_000;

    public async Task<IReadOnlyList<ExportSheet>> SheetsAsync(WidgetContext context, DashboardView view, CancellationToken ct)
    {
        var ids = view.Widgets
            .Where(w => w.Config.Query is not null && w.Config.Series is null)
            .SelectMany(w => DashboardDataService.AnsweringDatasets(context, w.Config.Query!))
            .Where(d => context.Filters.SourceIds is null || context.Filters.SourceIds.Contains(d.SourceId))
            .Select(d => int.Parse(d.Id, System.Globalization.CultureInfo.InvariantCulture))
            .Distinct().ToList();
        if (ids.Count == 0)
            throw new ValidationException("rows", "This dashboard's widgets read no stored facts you can see under these filters (only text or operational series): there are no underlying rows to export.");

        await using var db = await factory.CreateDbContextAsync(ct);
        var datasets = await db.Datasets.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var sources = context.Catalog.Datasets.ToDictionary(d => d.Id, d => d.SourceName);
        var formats = context.Catalog.Metrics.ToDictionary(m => m.Name, m => m.Format, StringComparer.OrdinalIgnoreCase);
        return datasets
            .OrderBy(d => sources.GetValueOrDefault(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), StringComparer.OrdinalIgnoreCase).ThenBy(d => d.Name)
            .Select(d =>
            {
                var source = sources.GetValueOrDefault(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? d.SourceId;
                var columns = new List<QueryColumn> { new(NormalizedQuery.TimeColumn, "time", "time", d.Grain == "hour" ? "Hour" : "Day") };
                columns.AddRange(d.Dimensions.Select(x => new QueryColumn(x.Name, "string", "dimension", x.Label)));
                columns.AddRange(d.Measures.Select(x => new QueryColumn(x.Name, "number", "metric", x.Label, formats.GetValueOrDefault(x.Name))));
                var title = datasets.Count == 1 ? d.Name : $"{source} – {d.Name}";
                return new ExportSheet(title, columns, ReadAsync(d, context.Filters, CancellationToken.None), d.Grain == "hour" ? "hour" : "day", title);
            })
            .ToList();
    }

    /// <summary>The dataset's facts in the range, a page at a time: <c>… AND (ts &gt; @t OR (ts = @t AND dim_hash &gt; @h)) ORDER BY ts, dim_hash LIMIT n</c>.</summary>
    private async IAsyncEnumerable<object?[]> ReadAsync(Dataset dataset, ResolvedFilters filters, [EnumeratorCancellation] CancellationToken ct)
    {
        var dims = dataset.Dimensions;
        var measures = dataset.Measures;
        long? lastTs = null;
        long lastHash = 0;
        while (true)
        {
            var page = new List<object?[]>(PageRows);
            await using (var db = await factory.CreateDbContextAsync(ct))
            {
                await db.Database.OpenConnectionAsync(ct);
                var connection = db.Database.GetDbConnection();
                if (connection is Microsoft.Data.Sqlite.SqliteConnection)
                {
                    // Each page is read once: a small page cache for this read, instead of filling the 64 MB the queries
                    // keep (the next open of this pooled connection sets that again, see SqlitePragmas).
                    await using var pragma = connection.CreateCommand();
                    pragma.CommandText = "PRAGMA cache_size=-2048";
                    await pragma.ExecuteNonQueryAsync(ct);
                }
                await using var command = connection.CreateCommand();
                var sql = new System.Text.StringBuilder("SELECT ts, dim_hash");
                foreach (var d in dims) sql.Append(", d").Append(d.Slot);
                foreach (var m in measures) sql.Append(", m").Append(m.Slot);
                sql.Append(" FROM facts WHERE dataset_id = @ds AND ts >= @start AND ts < @end");
                Add(command, "@ds", dataset.Id);
                Add(command, "@start", filters.Start.ToUnixTimeSeconds());
                Add(command, "@end", filters.End.ToUnixTimeSeconds());
                var f = 0;
                foreach (var (name, values) in filters.Dimensions)
                {
                    if (dataset.Dimension(name) is not { } dimension || values.Count == 0) continue;
                    var clauses = new List<string>();
                    var names = new List<string>();
                    foreach (var value in values)
                    {
                        if (value is null) { clauses.Add($"d{dimension.Slot} IS NULL"); continue; }
                        var parameter = $"@f{f++}";
                        names.Add(parameter);
                        Add(command, parameter, value);
                    }
                    if (names.Count > 0) clauses.Add($"d{dimension.Slot} IN ({string.Join(", ", names)})");
                    sql.Append(" AND (").AppendJoin(" OR ", clauses).Append(')');
                }
                if (lastTs is { } t)
                {
                    sql.Append(" AND (ts > @lastTs OR (ts = @lastTs AND dim_hash > @lastHash))");
                    Add(command, "@lastTs", t);
                    Add(command, "@lastHash", lastHash);
                }
                sql.Append(" ORDER BY ts, dim_hash LIMIT ").Append(PageRows);
                command.CommandText = sql.ToString();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    lastTs = reader.GetInt64(0);
                    lastHash = reader.GetInt64(1);
                    var row = new object?[1 + dims.Count + measures.Count];
                    row[0] = DateTimeOffset.FromUnixTimeSeconds(lastTs.Value).UtcDateTime;
                    for (var i = 0; i < dims.Count; i++) row[1 + i] = reader.IsDBNull(2 + i) ? null : reader.GetString(2 + i);
                    for (var i = 0; i < measures.Count; i++) row[1 + dims.Count + i] = reader.IsDBNull(2 + dims.Count + i) ? null : reader.GetDouble(2 + dims.Count + i);
                    page.Add(row);
                }
            }
            foreach (var row in page) yield return row;
            if (page.Count < PageRows) yield break;
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
