namespace Analytics.Domain.Reports;

/// <summary>One line of a line diff: <c>same</c>, <c>added</c> or <c>removed</c>.</summary>
public sealed record DiffLine(string Kind, string Text);

/// <summary>
/// What accepting a newer template version would change for a report: the SQL as a line diff, and whether the
/// parameters, reportConfig or source kinds differ. What the Reports page shows before its owner accepts.
/// </summary>
public sealed record TemplateChange(int FromVersion, int ToVersion, IReadOnlyList<DiffLine> Sql, bool ParametersChanged,
    bool ReportConfigChanged, bool SourceKindsChanged)
{
    public int LinesAdded => Sql.Count(l => l.Kind == "added");
    public int LinesRemoved => Sql.Count(l => l.Kind == "removed");

    /// <summary>"SQL: 2 lines added, 1 removed; parameters changed."</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            if (LinesAdded + LinesRemoved > 0) parts.Add($"SQL: {LinesAdded} line{(LinesAdded == 1 ? "" : "s")} added, {LinesRemoved} removed");
            if (ParametersChanged) parts.Add("parameters changed");
            if (SourceKindsChanged) parts.Add("source kinds changed");
            if (ReportConfigChanged) parts.Add("result shape changed");
            return parts.Count == 0 ? "No change to what runs." : string.Join("; ", parts) + ".";
        }
    }

    public static TemplateChange Between(ReportTemplateVersion from, ReportTemplateVersion to) => new(from.Version, to.Version,
        TextDiff.Lines(from.Sql, to.Sql), from.ParametersJson != to.ParametersJson, from.ReportConfigJson != to.ReportConfigJson,
        from.SourceKindsJson != to.SourceKindsJson);
}

/// <summary>A line diff by longest common subsequence; texts too long to compare line by line show as all removed, all added.</summary>
public static class TextDiff
{
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffLine> Lines(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        if ((long)a.Length * b.Length > MaxCells)
            return [.. a.Select(l => new DiffLine("removed", l)), .. b.Select(l => new DiffLine("added", l))];
        // lcs[i, j]: the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }
        var lines = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { lines.Add(new DiffLine("same", a[x])); x++; y++; }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) lines.Add(new DiffLine("removed", a[x++]));
            else lines.Add(new DiffLine("added", b[y++]));
        }
        while (x < a.Length) lines.Add(new DiffLine("removed", a[x++]));
        while (y < b.Length) lines.Add(new DiffLine("added", b[y++]));
        return lines;
    }

    private static string[] Split(string text) => text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
}
