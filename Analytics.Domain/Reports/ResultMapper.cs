using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Analytics.Domain.Facts;

namespace Analytics.Domain.Reports;

/// <summary>One row that could not be taken, and why. <see cref="Row"/> counts data rows from 1 (the header is not a row).</summary>
public sealed record RowProblem(int Row, string Column, string Message)
{
    public override string ToString() => Row == 0 ? $"{Column}: {Message}" : $"row {Row}, {Column}: {Message}";
}

/// <summary>
/// A result mapped onto its dataset: the fact rows (one per time bucket and dimension values), every problem found,
/// how many source rows landed in the "(suppressed)" bucket, and a checksum of the content (order-independent), so an
/// unchanged re-run can be recognised and skipped.
/// </summary>
public sealed record MappedResult(IReadOnlyList<FactRow> Rows, IReadOnlyList<RowProblem> Problems, int ProblemCount, int SuppressedRows, string Checksum)
{
    public bool IsValid => ProblemCount == 0;

    /// <summary>The problems as one message: how many, and the first few with row and column.</summary>
    public string Describe(int max = 5) =>
        $"{ProblemCount} problem{(ProblemCount == 1 ? "" : "s")} in the result, nothing was written: "
        + string.Join("; ", Problems.Take(max)) + (ProblemCount > max ? $"; and {ProblemCount - max} more." : ".");
}

/// <summary>
/// Validates a source's answer against a <see cref="ReportConfig"/> and turns it into fact rows. Checks the schema (every
/// declared column present), types (times parse, measures are numbers), nulls (a time or measure may not be empty) and
/// negative counts; every bad row is reported with its reason, none is silently dropped. Dimensions that came back
/// NULL (AMC suppresses small groups) are kept, in a visible <see cref="Suppressed"/> bucket whose measures aggregate.
/// </summary>
public static class ResultMapper
{
    public const string Suppressed = "(suppressed)";
    public const int MaxProblems = 100;

    public static MappedResult Map(TabularResult result, ReportConfig config, DateTimeOffset windowStart)
    {
        var problems = new List<RowProblem>();
        var problemCount = 0;
        void Problem(int row, string column, string message)
        {
            problemCount++;
            if (problems.Count < MaxProblems) problems.Add(new RowProblem(row, column, message));
        }

        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < result.Columns.Count; i++) index.TryAdd(result.Columns[i], i);
        int Column(string name)
        {
            if (index.TryGetValue(name, out var i)) return i;
            Problem(0, name, $"the result has no column '{name}' (it has: {string.Join(", ", result.Columns)}).");
            return -1;
        }
        var timeColumn = config.TimeColumn is null ? -1 : Column(config.TimeColumn);
        var dimColumns = config.Dimensions.Select(Column).ToArray();
        var measureColumns = config.Measures.Select(m => Column(m.Name)).ToArray();
        if (problemCount > 0) return new MappedResult([], problems, problemCount, 0, "");

        var windowTs = windowStart.ToUnixTimeSeconds();
        var rows = new Dictionary<(long Ts, long Hash), (FactRow Row, int Source)>();
        var suppressed = 0;
        for (var r = 0; r < result.Rows.Count; r++)
        {
            var values = result.Rows[r];
            var rowNumber = r + 1;
            if (values.Length != result.Columns.Count)
            {
                Problem(rowNumber, "*", $"has {values.Length} values for {result.Columns.Count} columns.");
                continue;
            }
            var ok = true;
            var ts = windowTs;
            if (timeColumn >= 0)
            {
                if (!TryTime(values[timeColumn], out ts))
                {
                    Problem(rowNumber, config.TimeColumn!, values[timeColumn] is null
                        ? "the time is empty."
                        : $"'{values[timeColumn]}' is not a date or time (use ISO 8601, e.g. 2025-01-06 or 2025-01-06T13:00:00Z).");
                    ok = false;
                }
            }
            var dims = new string?[dimColumns.Length];
            var isSuppressed = false;
            for (var d = 0; d < dimColumns.Length; d++)
            {
                var text = Text(values[dimColumns[d]]);
                if (string.IsNullOrEmpty(text)) { text = Suppressed; isSuppressed = true; }
                else if (text.Length > 1000) { Problem(rowNumber, config.Dimensions[d], "is longer than 1000 characters."); ok = false; }
                dims[d] = text;
            }
            var measures = new double?[measureColumns.Length];
            for (var m = 0; m < measureColumns.Length; m++)
            {
                var definition = config.Measures[m];
                var raw = values[measureColumns[m]];
                if (raw is null || raw is string { Length: 0 })
                {
                    Problem(rowNumber, definition.Name, "is empty; a measure needs a number (0 if there was none).");
                    ok = false;
                    continue;
                }
                if (!TryNumber(raw, out var number))
                {
                    Problem(rowNumber, definition.Name, $"'{raw}' is not a number.");
                    ok = false;
                    continue;
                }
                if (number < 0 && definition.MustBeNonNegative)
                {
                    Problem(rowNumber, definition.Name, $"is {number.ToString(CultureInfo.InvariantCulture)}, but a count cannot be negative.");
                    ok = false;
                    continue;
                }
                measures[m] = number;
            }
            if (!ok) continue;
            if (isSuppressed) suppressed++;
            var row = new FactRow(ts, dims, measures);
            var key = (ts, row.DimHash);
            if (rows.TryGetValue(key, out var existing))
            {
                if (!isSuppressed)
                {
                    Problem(rowNumber, "*", $"repeats the time and dimension values of row {existing.Source}; each combination may appear once.");
                    continue;
                }
                rows[key] = (new FactRow(ts, dims, Combine(existing.Row.Measures, measures, config.Measures)), existing.Source);
                continue;
            }
            rows[key] = (row, rowNumber);
        }
        if (problemCount > 0) return new MappedResult([], problems, problemCount, suppressed, "");
        var ordered = rows.Values.Select(v => v.Row).OrderBy(f => f.Ts).ThenBy(f => f.DimHash).ToList();
        return new MappedResult(ordered, problems, 0, suppressed, Checksum(ordered));
    }

    /// <summary>Suppressed rows of one bucket fold into one, by each measure's own aggregation (sums add, min/max keep the extreme).</summary>
    private static double?[] Combine(double?[] a, double?[] b, IReadOnlyList<ReportMeasure> definitions)
    {
        var result = new double?[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = definitions[i].Aggregation switch
            {
                Aggregation.Min => Math.Min(a[i]!.Value, b[i]!.Value),
                Aggregation.Max => Math.Max(a[i]!.Value, b[i]!.Value),
                _ => a[i] + b[i],
            };
        }
        return result;
    }

    public static string Checksum(IEnumerable<FactRow> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear().Append(row.Ts.ToString(CultureInfo.InvariantCulture));
            foreach (var d in row.Dimensions) line.Append('\u001f').Append(d ?? "\u0000");
            foreach (var m in row.Measures) line.Append('\u001f').Append(m?.ToString("R", CultureInfo.InvariantCulture) ?? "null");
            line.Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool TryNumber(object value, out double number)
    {
        switch (value)
        {
            case double d: number = d; return double.IsFinite(d);
            case float f: number = f; return float.IsFinite(f);
            case decimal m: number = (double)m; return true;
            case long or int or short or byte: number = Convert.ToDouble(value, CultureInfo.InvariantCulture); return true;
            case bool b: number = b ? 1 : 0; return true;
            case string s:
                return double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
            default: number = 0; return false;
        }
    }

    /// <summary>Dates are UTC midnight; times without an offset are UTC; Unix seconds are accepted as integers.</summary>
    public static bool TryTime(object? value, out long ts)
    {
        ts = 0;
        switch (value)
        {
            case DateOnly d: ts = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(); return true;
            case DateTime t: ts = new DateTimeOffset(DateTime.SpecifyKind(t, t.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : t.Kind).ToUniversalTime()).ToUnixTimeSeconds(); return true;
            case DateTimeOffset o: ts = o.ToUnixTimeSeconds(); return true;
            case long l: ts = l; return true;
            case int i: ts = i; return true;
            case string s:
                s = s.Trim();
                if (s.Length == 0) return false;
                if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return TryTime(date, out ts);
                if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    ts = parsed.ToUnixTimeSeconds();
                    return true;
                }
                return false;
            default: return false;
        }
    }
}
