using System.Diagnostics;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Pdf;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Exports;

/// <summary>Where export tests leave their files (TestResults/exports), and poppler's tools to read PDFs back.</summary>
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

    /// <summary>The PDF's text as poppler's pdftotext extracts it (what a search in a viewer finds).</summary>
    public static string PdfText(string pdfPath, bool layout = false) =>
        Run("pdftotext", (layout ? "-layout " : "") + $"\"{pdfPath}\" -");

    public static string PdfInfo(string pdfPath) => Run("pdfinfo", $"\"{pdfPath}\"");

    public static int PageCount(string pdfPath) =>
        int.Parse(PdfInfo(pdfPath).Split('\n').First(l => l.StartsWith("Pages:", StringComparison.Ordinal))["Pages:".Length..].Trim());

    /// <summary>Renders one page to PNG with pdftoppm; returns the PNG's path.</summary>
    public static string RenderPage(string pdfPath, int page, int dpi = 110)
    {
        var prefix = System.IO.Path.ChangeExtension(pdfPath, null) + $"-page{page}";
        Run("pdftoppm", $"-png -r {dpi} -f {page} -l {page} -singlefile \"{pdfPath}\" \"{prefix}\"");
        return prefix + ".png";
    }

    public static string Run(string tool, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{tool} did not start (install poppler-utils).");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) throw new TimeoutException($"{tool} {arguments} took over a minute.");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }
}
