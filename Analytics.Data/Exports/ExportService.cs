using Analytics.Data.Exports.Csv;
using Analytics.Data.Exports.Pdf;
using Analytics.Data.Exports.Xlsx;
using Analytics.Domain;
using Analytics.Domain.Exports;

namespace Analytics.Data.Exports;

/// <summary>One export format: how to write a document in it, and what the file is called and declared as.</summary>
public interface IExportWriter
{
    /// <summary><c>pdf</c>, <c>xlsx</c> or <c>csv</c>, as in <c>?format=</c>.</summary>
    string Format { get; }
    string ContentType(ExportDocument document);
    string Extension(ExportDocument document);
    Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct);
}

/// <summary>A format that also writes streamed tables without a document's widgets: a dashboard's underlying rows.</summary>
public interface ISheetExportWriter : IExportWriter
{
    string ContentType(IReadOnlyList<ExportSheet> sheets);
    string Extension(IReadOnlyList<ExportSheet> sheets);
    /// <summary>The sheets, with <paramref name="document"/> describing them (title, filters, time range).</summary>
    Task WriteAsync(ExportDocument document, IReadOnlyList<ExportSheet> sheets, Stream output, CancellationToken ct);
}

public sealed class PdfExportWriter(PdfExporter pdf) : IExportWriter
{
    public string Format => "pdf";
    public string ContentType(ExportDocument document) => PdfExporter.ContentType;
    public string Extension(ExportDocument document) => ".pdf";

    public Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct)
    {
        pdf.Write(document, output);
        return Task.CompletedTask;
    }
}

public sealed class XlsxExportWriter(XlsxExporter xlsx) : ISheetExportWriter
{
    public string Format => "xlsx";
    public string ContentType(ExportDocument document) => XlsxExporter.ContentType;
    public string Extension(ExportDocument document) => ".xlsx";
    public Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct) => xlsx.WriteAsync(document, output, ct);
    public string ContentType(IReadOnlyList<ExportSheet> sheets) => XlsxExporter.ContentType;
    public string Extension(IReadOnlyList<ExportSheet> sheets) => ".xlsx";
    public Task WriteAsync(ExportDocument document, IReadOnlyList<ExportSheet> sheets, Stream output, CancellationToken ct) => xlsx.WriteAsync(document, sheets, output, ct);
}

public sealed class CsvExportWriter(CsvExporter csv) : ISheetExportWriter
{
    public string Format => "csv";
    public string ContentType(ExportDocument document) => CsvExporter.ContentTypeFor(document);
    public string Extension(ExportDocument document) => CsvExporter.IsZip(document) ? ".zip" : ".csv";
    public Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct) => csv.WriteAsync(document, output, ct);
    public string ContentType(IReadOnlyList<ExportSheet> sheets) => sheets.Count > 1 ? CsvExporter.ZipContentType : CsvExporter.ContentType;
    public string Extension(IReadOnlyList<ExportSheet> sheets) => sheets.Count > 1 ? ".zip" : ".csv";
    public Task WriteAsync(ExportDocument document, IReadOnlyList<ExportSheet> sheets, Stream output, CancellationToken ct) =>
        csv.WriteAsync(sheets, output, ExportFormatter.For(document), ct);
}

/// <summary>A rendered export: a temporary file (deleted when the stream is disposed) with its name and type.</summary>
public sealed record ExportFile(string FileName, string ContentType, Stream Content, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>
/// The export formats, by name (one home for the list), and rendering into a temporary file — the writers write
/// synchronously in parts (PDFsharp, System.IO.Packaging), which an HTTP response body does not allow, and a file
/// also gives the download its length.
/// </summary>
public sealed class ExportService(IEnumerable<IExportWriter> writers, TimeProvider time)
{
    private readonly Dictionary<string, IExportWriter> _writers = writers.ToDictionary(w => w.Format, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Formats => _writers.Keys;

    public IExportWriter Writer(string? format) =>
        format is not null && _writers.TryGetValue(format, out var writer)
            ? writer
            : throw new ValidationException("format", $"Format must be one of {string.Join(", ", _writers.Keys)}.");

    /// <summary>The format if it writes streamed tables (csv, xlsx); a 400 naming <c>format</c> otherwise.</summary>
    public ISheetExportWriter SheetWriter(string? format) =>
        Writer(format) as ISheetExportWriter
        ?? throw new ValidationException("format", $"Underlying rows export as {string.Join(" or ", _writers.Values.OfType<ISheetExportWriter>().Select(w => w.Format))}, not {format}.");

    public Task<ExportFile> RenderAsync(string format, ExportDocument document, CancellationToken ct = default)
    {
        var writer = Writer(format);
        return ToFileAsync(document.Title, writer.Extension(document), writer.ContentType(document), file => writer.WriteAsync(document, file, ct), ct);
    }

    /// <summary>Streamed tables (a dashboard's underlying rows) described by <paramref name="document"/>, named <c>&lt;title&gt;-&lt;suffix&gt;-&lt;date&gt;</c>.</summary>
    public Task<ExportFile> RenderAsync(string format, ExportDocument document, IReadOnlyList<ExportSheet> sheets, string suffix, CancellationToken ct = default)
    {
        var writer = SheetWriter(format);
        return ToFileAsync($"{document.Title} {suffix}", writer.Extension(sheets), writer.ContentType(sheets), file => writer.WriteAsync(document, sheets, file, ct), ct);
    }

    private async Task<ExportFile> ToFileAsync(string title, string extension, string contentType, Func<Stream, Task> write, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"analytics-export-{Guid.NewGuid():N}{extension}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await write(file);
            await file.FlushAsync(ct);
            file.Position = 0;
            var stamp = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            return new ExportFile($"{ExportFileNames.Slug(title)}-{stamp}{extension}", contentType, file, file.Length);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
