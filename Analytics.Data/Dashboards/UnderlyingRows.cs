using System.Runtime.CompilerServices;
using Analytics.Data.Exports;
using Analytics.Data.Query;
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
        var sources = context.Catalog.Datasets.ToDictionary(d => int.Parse(d.Id, System.Globalization.CultureInfo.InvariantCulture), d => d.SourceName);
        var formats = context.Catalog.Metrics.ToDictionary(m => m.Name, m => m.Format, StringComparer.OrdinalIgnoreCase);
        return datasets
            .Select(d => (Dataset: d, Source: sources.GetValueOrDefault(d.Id) ?? d.SourceId))
            .OrderBy(x => x.Source, StringComparer.OrdinalIgnoreCase).ThenBy(x => x.Dataset.Name)
            .Select(x =>
            {
                var d = x.Dataset;
                // The time column is the dataset's own grain (day, week, month or hour), as it was collected.
                var columns = new List<QueryColumn> { new(NormalizedQuery.TimeColumn, "time", "time", char.ToUpperInvariant(d.Grain[0]) + d.Grain[1..]) };
                columns.AddRange(d.Dimensions.Select(m => new QueryColumn(m.Name, "string", "dimension", m.Label)));
                columns.AddRange(d.Measures.Select(m => new QueryColumn(m.Name, "number", "metric", m.Label, formats.GetValueOrDefault(m.Name))));
                var title = datasets.Count == 1 ? d.Name : $"{x.Source} – {d.Name}";
                return new ExportSheet(title, columns, ReadAsync(d, context.Filters, CancellationToken.None), d.Grain, title);
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
                FactSql.Add(command, "@ds", dataset.Id);
                FactSql.Add(command, "@start", filters.Start.ToUnixTimeSeconds());
                FactSql.Add(command, "@end", filters.End.ToUnixTimeSeconds());
                var f = 0;
                foreach (var (name, values) in filters.Dimensions)
                {
                    if (dataset.Dimension(name) is { } dimension) FactSql.AppendDimensionFilter(sql, command, dimension.Slot, values, $"@f{f++}_");
                }
                if (lastTs is { } t)
                {
                    sql.Append(" AND (ts > @lastTs OR (ts = @lastTs AND dim_hash > @lastHash))");
                    FactSql.Add(command, "@lastTs", t);
                    FactSql.Add(command, "@lastHash", lastHash);
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
}
