using System.Text;

namespace Analytics.Domain.Text;

/// <summary>One record of a CSV text: its fields and the line it starts on (1-based; a quoted field may span lines).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string?> Fields);

/// <summary>A CSV text read as a header row (<see cref="Columns"/>, trimmed) and the records after it.</summary>
public sealed record CsvTable(IReadOnlyList<string> Columns, IReadOnlyList<CsvRecord> Rows)
{
    public static CsvTable Empty { get; } = new([], []);
}

/// <summary>The text is not well-formed CSV; the message names the line.</summary>
public sealed class CsvFormatException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may hold commas, line breaks
/// and doubled quotes (<c>""</c>). An empty unquoted field is null, an empty quoted one (<c>""</c>) the empty string.
/// A leading byte-order mark is skipped. A blank line is a record holding one null field when the header has one column
/// (a NULL in a one-column result) and is skipped otherwise. Records keep however many fields they have: callers decide
/// what a record with too few or too many means. A quoted field left open, or text after a closing quote, is an error.
/// </summary>
public static class CsvParser
{
    public static CsvTable Parse(string text)
    {
        var records = new List<CsvRecord>();
        var record = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        var afterQuote = false;
        var line = 1;
        var recordLine = 1;
        var quoteLine = 1;
        var any = false;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void EndField()
        {
            record.Add(field.Length == 0 && !wasQuoted ? null : field.ToString());
            field.Clear();
            wasQuoted = false;
            afterQuote = false;
        }
        void EndRecord()
        {
            EndField();
            records.Add(new CsvRecord(recordLine, record));
            record = [];
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else { quoted = false; afterQuote = true; }
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            if (!any) { recordLine = line; any = true; }
            if (c == ',') EndField();
            else if (c == '\n')
            {
                EndRecord();
                any = false;
                line++;
            }
            else if (c == '\r') { }
            else if (afterQuote)
                throw new CsvFormatException(line, $"'{c}' follows a closing quote; a quoted field ends at a comma or the end of the line (write a quote inside one as \"\").");
            else if (c == '"' && field.Length == 0) { quoted = true; wasQuoted = true; quoteLine = line; }
            else field.Append(c);
        }
        if (quoted) throw new CsvFormatException(quoteLine, "the quoted field that starts here is never closed.");
        if (any) EndRecord();
        if (records.Count == 0) return CsvTable.Empty;

        var columns = records[0].Fields.Select(h => h?.Trim() ?? "").ToList();
        var rows = new List<CsvRecord>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            if (columns.Count != 1 && records[r].Fields is [null]) continue;
            rows.Add(records[r]);
        }
        return new CsvTable(columns, rows);
    }
}
