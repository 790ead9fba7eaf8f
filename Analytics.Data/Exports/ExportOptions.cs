using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Exports;

/// <summary><c>Analytics:Exports</c>: where the PDF fonts are, how much of a huge table a PDF prints, how long the export history is kept.</summary>
public sealed class ExportOptions
{
    public const string Section = "Analytics:Exports";

    /// <summary>Folder holding DejaVu Sans (<c>DejaVuSans.ttf</c>, <c>DejaVuSans-Bold.ttf</c>); Debian's <c>fonts-dejavu-core</c>.</summary>
    [Required]
    public string FontDirectory { get; set; } = "/usr/share/fonts/truetype/dejavu";

    /// <summary>Rows of one table printed in a PDF; past it the PDF says how many more there are (the XLSX and CSV have them all).</summary>
    [Range(1, 1_000_000)]
    public int MaxPdfTableRows { get; set; } = 5_000;

    /// <summary>Days the export history keeps a record; older ones are deleted by the daily retention job.</summary>
    [Range(1, 3650)]
    public int HistoryDays { get; set; } = 90;
}
