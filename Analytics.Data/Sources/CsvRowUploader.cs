using Analytics.Data.Facts;
using Analytics.Data.Sources.Connectors;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Analytics.Domain.Text;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Sources;

/// <summary>Where an upload goes: a CSV source, its rows dataset and the shape its settings declare.</summary>
public sealed record CsvUploadTarget(DataSource Source, Dataset Dataset, ReportConfig Shape);

public sealed record CsvUploadResult(long RowsWritten, long DataVersion);

/// <summary>
/// Rows uploaded to a CSV source (CONTRACT.md: <c>POST /sources/{id}/rows</c>). Who may: admins, and analysts the source is
/// granted to (viewers read only). The whole upload is parsed (RFC 4180) and validated against the source's shape with
/// <see cref="ResultMapper"/> first: any problem answers 400 listing row, line and column, and nothing is written.
/// A valid upload is written in one transaction by upsert, so rows with the time and dimension values of earlier rows
/// replace them and the same file uploaded twice leaves the same facts.
/// </summary>
public sealed class CsvRowUploader(IDbContextFactory<AnalyticsDbContext> factory, FactStore store)
{
    /// <summary>Checks, before the body is read, that <paramref name="actor"/> may upload to source <paramref name="id"/>.</summary>
    public async Task<CsvUploadTarget> FindTargetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await SourceService.FindVisibleAsync(db, actor, id, ct);
        actor.EnsureCanAuthor("upload rows");
        if (source.Kind != SourceKind.Csv)
            throw new ValidationException("sourceId", $"Rows are uploaded only to csv sources; '{source.Name}' is {source.Kind.ToWire()}.");
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.SourceId == id && d.Key == CsvSourceConnector.RowsDatasetKey, ct)
            ?? throw new ConflictException($"Source '{source.Name}' has lost its rows dataset; save its settings again to recreate it.");
        return new CsvUploadTarget(source, dataset, CsvSourceConnector.Shape(SourceSecrets.Parse(source.SettingsJson)));
    }

    public async Task<CsvUploadResult> UploadAsync(CsvUploadTarget target, string csv, CancellationToken ct)
    {
        CsvTable table;
        try
        {
            table = CsvParser.Parse(csv);
        }
        catch (CsvFormatException e)
        {
            throw new ValidationException("body", $"Not valid CSV: {e.Message} Nothing was written.");
        }
        if (table.Columns.Count == 0)
            throw new ValidationException("body", $"The upload is empty; send a header row ({Expected(target.Shape)}), then one row per line.");

        var result = new TabularResult(table.Columns, table.Rows.Select(r => r.Fields.Cast<object?>().ToArray()).ToList());
        var mapped = ResultMapper.Map(result, target.Shape, DateTimeOffset.UnixEpoch);
        if (!mapped.IsValid) throw Problems(mapped, table, target.Shape);
        if (mapped.Rows.Count == 0) return new CsvUploadResult(0, target.Dataset.DataVersion);
        var written = await store.WriteAsync(target.Dataset, mapped.Rows, FactWriteMode.Upsert, ct);
        return new CsvUploadResult(mapped.Rows.Count, written.DataVersion);
    }

    /// <summary>Every problem keyed by where it is: <c>columns.clicks</c> for the header, <c>rows[3].clicks</c> (data row 3) for a cell.</summary>
    private static ValidationException Problems(MappedResult mapped, CsvTable table, ReportConfig shape)
    {
        var errors = new Dictionary<string, List<string>>();
        foreach (var problem in mapped.Problems)
        {
            string key, message;
            if (problem.Row == 0)
            {
                key = $"columns.{problem.Column}";
                message = $"line 1 (the header) has no column '{problem.Column}'; expected {Expected(shape)}.";
            }
            else
            {
                var line = table.Rows[problem.Row - 1].Line;
                key = problem.Column == "*" ? $"rows[{problem.Row}]" : $"rows[{problem.Row}].{problem.Column}";
                message = $"row {problem.Row} (line {line}){(problem.Column == "*" ? "" : $", {problem.Column}")}: {problem.Message}";
            }
            if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
            list.Add(message);
        }
        if (mapped.ProblemCount > mapped.Problems.Count)
            errors["rows"] = [$"… and {mapped.ProblemCount - mapped.Problems.Count} more problems; fix these and upload again."];
        return new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private static string Expected(ReportConfig shape) =>
        string.Join(",", new[] { shape.TimeColumn! }.Concat(shape.Dimensions).Concat(shape.Measures.Select(m => m.Name)));
}
