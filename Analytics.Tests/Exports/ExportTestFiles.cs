using System.ComponentModel;
using System.Diagnostics;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Pdf;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;

namespace Analytics.Tests.Exports;

/// <summary>Where export tests leave their files (TestResults/exports), and how they read PDFs back (PdfPig; poppler only to render PNGs).</summary>
public static class ExportTestFiles
{
    public static string Directory
    {
        get
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "exports");
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public static string PathFor(string name) => System.IO.Path.Combine(Directory, name);

    public static PdfExporter Pdf(int maxTableRows = 5_000) => new(Options.Create(new ExportOptions { MaxPdfTableRows = maxTableRows }));

    /// <summary>
    /// The PDF's text as a viewer's search finds it, read with PdfPig (no outside program): per page, the words in
    /// reading order — lines top to bottom, words left to right, separated by spaces — and pages separated by a form feed,
    /// as poppler's <c>pdftotext</c> does.
    /// </summary>
    public static string PdfText(string pdfPath)
    {
        using var document = PdfDocument.Open(pdfPath);
        return string.Join('\f', document.GetPages().Select(PageText));
    }

    public static int PageCount(string pdfPath)
    {
        using var document = PdfDocument.Open(pdfPath);
        return document.NumberOfPages;
    }

    /// <summary>The size of a page in points (1/72 inch), e.g. 612 × 792 for US Letter portrait.</summary>
    public static (double Width, double Height) PageSize(string pdfPath, int page = 1)
    {
        using var document = PdfDocument.Open(pdfPath);
        var p = document.GetPage(page);
        return (Math.Round(p.Width, 1), Math.Round(p.Height, 1));
    }

    private static string PageText(Page page)
    {
        var words = page.GetWords(NearestNeighbourWordExtractor.Instance).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        // Words whose baselines are within a few points share a line; lines read top to bottom (PDF y grows upwards).
        var lines = new List<List<Word>>();
        foreach (var word in words.OrderByDescending(w => w.BoundingBox.Bottom).ThenBy(w => w.BoundingBox.Left))
        {
            var line = lines.FirstOrDefault(l => Math.Abs(l[0].BoundingBox.Bottom - word.BoundingBox.Bottom) < 2.5);
            if (line is null) lines.Add(line = []);
            line.Add(word);
        }
        return string.Join('\n', lines.Select(l => string.Join(' ', l.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)))) + '\n';
    }

    /// <summary>Renders one page to PNG with pdftoppm; returns the PNG's path.</summary>
    public static string RenderPage(string pdfPath, int page, int dpi = 110)
    {
        var prefix = System.IO.Path.ChangeExtension(pdfPath, null) + $"-page{page}";
        Run("pdftoppm", $"-png -r {dpi} -f {page} -l {page} -singlefile \"{pdfPath}\" \"{prefix}\"");
        return prefix + ".png";
    }

    public static string Run(string tool, string arguments)
    {
        Process? started;
        try
        {
            started = Process.Start(new ProcessStartInfo(tool, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not on PATH ({e.Message}): install Debian's poppler-utils (.ci/run does).", e);
        }
        using var process = started ?? throw new InvalidOperationException($"{tool} did not start (install poppler-utils).");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) throw new TimeoutException($"{tool} {arguments} took over a minute.");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }
}
