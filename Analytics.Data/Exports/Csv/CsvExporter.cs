using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;

namespace Analytics.Data.Exports.Csv;

/// <summary>
/// RFC 4180 CSV in UTF-8: a header row of column labels, CRLF line ends, fields quoted when they hold a comma, a quote
/// or a line break (quotes doubled). Numbers are written invariantly (<c>1234.5</c>), times as ISO 8601 with the
/// document zone's offset. Text that a spreadsheet would run as a formula — starting with <c>= + - @</c>, a tab or a
/// carriage return — is defused with a leading apostrophe; plain numbers such as <c>-12.5</c> are left as they are.
/// Rows stream: nothing is held beyond one line.
/// </summary>
public sealed partial class CsvExporter
{
    public const string ContentType = "text/csv; charset=utf-8";
    public const string ZipContentType = "application/zip";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Rows of one table to <paramref name="output"/> (left open).</summary>
    public async Task WriteAsync(IReadOnlyList<QueryColumn> columns, IAsyncEnumerable<object?[]> rows, Stream output, ExportFormatter? formatter = null, CancellationToken ct = default)
    {
        formatter ??= new ExportFormatter();
        await using var writer = new StreamWriter(output, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        var line = new StringBuilder(256);
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) line.Append(',');
            AppendText(line, ChartData.Label(columns[i]));
        }
        line.Append("\r\n");
        await writer.WriteAsync(line, ct);
        await foreach (var row in rows.WithCancellation(ct))
        {
            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                if (i < row.Length) AppendValue(line, row[i], formatter);
            }
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
        }
        await writer.FlushAsync(ct);
    }

    public Task WriteAsync(ExportSheet sheet, Stream output, ExportFormatter? formatter = null, CancellationToken ct = default) =>
        WriteAsync(sheet.Columns, sheet.Rows, output, formatter, ct);

    /// <summary>
    /// A document's rows: with one table, that table's CSV; with several, a zip holding one CSV per widget
    /// (<see cref="ContentTypeFor"/> says which). Writes the zip synchronously: for an HTTP response, write to a file first.
    /// </summary>
    public Task WriteAsync(ExportDocument document, Stream output, CancellationToken ct = default) =>
        WriteAsync(ExportSheet.Tabular(document).Select(ExportSheet.FromWidget).ToList(), output, ExportFormatter.For(document), ct);

    /// <summary>Tables (rows streamed): one is a CSV, several are a zip with one CSV each, named after their titles.</summary>
    public async Task WriteAsync(IReadOnlyList<ExportSheet> sheets, Stream output, ExportFormatter formatter, CancellationToken ct = default)
    {
        if (sheets.Count <= 1)
        {
            var sheet = sheets.FirstOrDefault();
            await WriteAsync(sheet?.Columns ?? [], sheet?.Rows ?? ExportSheet.Stream([]), output, formatter, ct);
            return;
        }
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sheet in sheets)
        {
            var name = ExportFileNames.Unique(used, ExportFileNames.Slug(sheet.Title ?? sheet.Name), ".csv");
            await using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            await WriteAsync(sheet.Columns, sheet.Rows, entry, formatter, ct);
        }
    }

    public static bool IsZip(ExportDocument document) => ExportSheet.Tabular(document).Count() > 1;

    public static string ContentTypeFor(ExportDocument document) => IsZip(document) ? ZipContentType : ContentType;

    private static void AppendValue(StringBuilder line, object? value, ExportFormatter formatter)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                AppendText(line, s);
                return;
            case DateTime t:
                AppendTime(line, t.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(t, TimeSpan.Zero) : new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)), formatter);
                return;
            case DateTimeOffset t:
                AppendTime(line, t, formatter);
                return;
            case bool b:
                line.Append(b ? "true" : "false");
                return;
        }
        if (ExportFormatter.ToDouble(value) is { } d)
        {
            if (double.IsFinite(d)) line.Append(d.ToString(CultureInfo.InvariantCulture));
            return;
        }
        AppendText(line, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
    }

    private static void AppendTime(StringBuilder line, DateTimeOffset time, ExportFormatter formatter)
    {
        var local = TimeZoneInfo.ConvertTime(time, formatter.Zone);
        line.Append(local.Offset == TimeSpan.Zero
            ? local.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
    }

    /// <summary>A text field: formula-guarded, then quoted when RFC 4180 needs it.</summary>
    public static void AppendText(StringBuilder line, string text)
    {
        text = Guard(text);
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(text);
            return;
        }
        line.Append('"').Append(text.Replace("\"", "\"\"")).Append('"');
    }

    /// <summary>
    /// Defuses spreadsheet formulas (CSV injection): text starting with <c>= + - @</c>, tab or carriage return gets a
    /// leading apostrophe, unless it is a plain number (<c>-12.5</c>, <c>+3</c>, <c>-1e-5</c>), which stays a number.
    /// </summary>
    public static string Guard(string text)
    {
        if (text.Length == 0 || text[0] is not ('=' or '+' or '-' or '@' or '\t' or '\r')) return text;
        return PlainNumber().IsMatch(text) ? text : "'" + text;
    }

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
