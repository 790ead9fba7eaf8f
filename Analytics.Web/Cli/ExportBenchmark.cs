using System.Diagnostics;
using System.Text.Json;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Csv;
using Analytics.Data.Exports.Pdf;
using Analytics.Data.Exports.Xlsx;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>bench export [--runs N] [--rows N]</c>: (1) renders a demo-like 20-widget dashboard document to PDF N times
/// (default 20, after 3 warm-ups) and reports p50/p95 and the file's size and pages; (2) streams N rows (default
/// 1,000,000) of ad-performance detail into an .xlsx and (3) a .csv, each in a fresh child process of this program, so
/// the peak working set (the kernel's high-water mark, VmHWM, via <see cref="Process.PeakWorkingSet64"/>) is that
/// export's alone, not left over from the PDF runs. Files go to a temporary folder that is deleted afterwards.
/// </summary>
internal sealed class ExportBenchmark : IBenchmark
{
    public string Name => "export";
    public string Description => "20-widget dashboard to PDF p50/p95 and size; 1M-row xlsx and csv time and peak working set (child processes)";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var child = CommandLine.StringOption(args, "--child");
        var rows = CommandLine.LongOption(args, "--rows") ?? 1_000_000;
        if (child is not null) return await ChildAsync(services, child, rows, CommandLine.StringOption(args, "--out")!, ct);

        var runs = (int)(CommandLine.LongOption(args, "--runs") ?? 20);
        var pdf = services.GetRequiredService<PdfExporter>();
        var document = SampleExportDocument.Create(widgetCount: 20);
        byte[] bytes = [];
        for (var i = 0; i < 3; i++) bytes = pdf.Render(document);
        var samples = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            bytes = pdf.Render(document);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        using var reader = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(bytes), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);

        var directory = Directory.CreateTempSubdirectory("analytics-bench-export-");
        try
        {
            var xlsx = await RunChildAsync("xlsx", rows, Path.Combine(directory.FullName, "rows.xlsx"), ct);
            var csv = await RunChildAsync("csv", rows, Path.Combine(directory.FullName, "rows.csv"), ct);
            return new
            {
                pdf = new
                {
                    widgets = document.Widgets.Count,
                    runs,
                    p50Ms = Math.Round(Percentile(samples, 0.50), 1),
                    p95Ms = Math.Round(Percentile(samples, 0.95), 1),
                    sizeBytes = bytes.Length,
                    pages = reader.PageCount,
                    targetMs = 1000,
                    loadAverage = LoadAverage(),
                },
                xlsx,
                csv,
                targets = new { pdfMs = 1000, xlsxSeconds = 15, xlsxPeakWorkingSetMb = 300 },
            };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Runs <c>bench export --child FORMAT</c> in a new process of this program and reads its JSON.</summary>
    private static async Task<JsonElement> RunChildAsync(string format, long rows, string output, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under `dotnet Analytics.Web.dll` the process is the dotnet host: pass the app's assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(ExportBenchmark).Assembly.Location);
        foreach (var a in new[] { "bench", "export", "--child", format, "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", output })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The benchmark child process did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"The {format} child failed ({process.ExitCode}): {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    private static async Task<object> ChildAsync(IServiceProvider services, string format, long rows, string output, CancellationToken ct)
    {
        using var self = Process.GetCurrentProcess();
        var baseline = self.WorkingSet64;
        var cpuBefore = self.TotalProcessorTime;
        var columns = DetailColumns;
        var watch = Stopwatch.StartNew();
        await using (var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            switch (format)
            {
                case "xlsx":
                    var document = new ExportDocument { Title = "Ad performance detail", GeneratedAt = TimeProvider.System.GetUtcNow(), Currency = "USD" };
                    await new XlsxExporter().WriteAsync(document, [new ExportSheet("Detail", columns, DetailRows(rows), "day")], file, ct);
                    break;
                case "csv":
                    await services.GetRequiredService<CsvExporter>().WriteAsync(columns, DetailRows(rows), file, null, ct);
                    break;
                default:
                    throw new ArgumentException($"--child takes xlsx or csv, not '{format}'.");
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        self.Refresh();
        return new
        {
            rows,
            seconds = Math.Round(seconds, 2),
            // CPU time of the whole process: on a shared, loaded machine wall time also counts waiting for a core.
            cpuSeconds = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2),
            loadAverage = LoadAverage(),
            rowsPerSecond = Math.Round(rows / seconds),
            sizeBytes = new FileInfo(output).Length,
            peakWorkingSetMb = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1),
            workingSetBeforeMb = Math.Round(baseline / 1048576.0, 1),
            gcHeapAfterMb = Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
            process = "child",
        };
    }

    /// <summary>The 1-minute load average (Linux), to read timings from a shared machine by.</summary>
    internal static double? LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;

    private static readonly IReadOnlyList<QueryColumn> DetailColumns =
    [
        new("time", "time", "time", "Day"),
        new("campaign", "string", "dimension", "Campaign"),
        new("asin", "string", "dimension", "ASIN"),
        new("campaign_type", "string", "dimension", "Campaign type"),
        new("impressions", "number", "metric", "Impressions", "integer"),
        new("clicks", "number", "metric", "Clicks", "integer"),
        new("spend", "number", "metric", "Spend", "currency"),
        new("sales", "number", "metric", "Sales", "currency"),
        new("purchases", "number", "metric", "Purchases", "integer"),
        new("acos", "number", "metric", "ACOS", "percent"),
    ];

    /// <summary>Demo-like detail rows made on the fly (seeded), one array per row, as a paged query reader yields them.</summary>
    private static async IAsyncEnumerable<object?[]> DetailRows(long count)
    {
        var rng = new Random(20250106);
        var lines = Analytics.Domain.Demo.DemoWorkspace.Instances[0].ProductLines;
        string[] types = ["Sponsored Products", "Sponsored Brands", "Sponsored Display"];
        var campaigns = lines.SelectMany(l => types.Select(t => $"Northwind {l} – {t.Split(' ')[1]}")).ToArray();
        var asins = Enumerable.Range(0, 400).Select(i => $"B0{rng.Next(10_000_000, 99_999_999)}").ToArray();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (long i = 0; i < count; i++)
        {
            if (i % 50_000 == 0) await Task.Yield();
            var c = (int)(i % campaigns.Length);
            var clicks = Math.Round(20 + rng.NextDouble() * 400);
            var spend = Math.Round(clicks * (0.6 + rng.NextDouble()), 2);
            var sales = Math.Round(spend * (1.5 + rng.NextDouble() * 4), 2);
            yield return
            [
                start.AddDays(i / 1_200), campaigns[c], asins[(int)(i % asins.Length)], types[c % types.Length],
                Math.Round(clicks / (0.002 + rng.NextDouble() * 0.006)), clicks, spend, sales, Math.Round(sales / 35), spend / sales,
            ];
        }
    }
}
