using System.Diagnostics;
using System.Text.Json;
using Analytics.Data.Exports.Pdf;
using Analytics.Domain.Exports;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench export [--runs N] [--rows N]</c>: (1) renders a demo-like 20-widget dashboard document to PDF N times
/// (default 20, after 3 warm-ups) and reports p50/p95 and the file's size and pages; (2) seeds N facts (default
/// 1,000,000) into a SQLite file and exports the underlying rows of a dashboard over them — the product's path: the
/// facts read a page at a time from the database, streamed into an .xlsx and (3) a .csv — each in a fresh child process
/// of this program, so the peak working set (the kernel's high-water mark, VmHWM, via
/// <see cref="Process.PeakWorkingSet64"/>) is that export's alone, host start-up included, not left over from the PDF
/// runs or the seeding. Files go to a temporary folder that is deleted afterwards.
/// </summary>
internal sealed class ExportBenchmark : IBenchmark
{
    public string Name => "export";
    public string Description => "20-widget dashboard to PDF p50/p95 and size; 1M-row xlsx and csv time and peak working set (child processes)";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var child = CommandLine.StringOption(args, "--child");
        var rows = CommandLine.LongOption(args, "--rows") ?? 1_000_000;
        if (child is not null)
            return await ChildAsync(child, CommandLine.StringOption(args, "--db")!, CommandLine.StringOption(args, "--dashboard")!, CommandLine.StringOption(args, "--out")!, ct);

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
            var database = Path.Combine(directory.FullName, "facts.db");
            var (dashboardId, seeded) = await SeedAsync(database, rows, ct);
            var xlsx = await RunChildAsync("xlsx", database, dashboardId, Path.Combine(directory.FullName, "rows.xlsx"), ct);
            var csv = await RunChildAsync("csv", database, dashboardId, Path.Combine(directory.FullName, "rows.csv"), ct);
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
                    loadAverage = BenchHost.LoadAverage(),
                },
                underlyingRows = new { facts = seeded, path = "GET /api/v1/dashboards/{id}/export?rows=underlying: facts read 5,000 at a time from SQLite" },
                xlsx,
                csv,
                targets = new { pdfMs = 1000, xlsxSeconds = 15, xlsxPeakWorkingSetMb = 300 },
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Seeds the facts and a dashboard over them (one bar widget; its time filter covers every day seeded).</summary>
    private static async Task<(string DashboardId, long Facts)> SeedAsync(string database, long rows, CancellationToken ct)
    {
        using var host = await BenchHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, $"Data Source={database}", ct);
        var seeded = await host.Services.GetRequiredService<Analytics.Data.Seeding.BulkSeeder>().SeedAsync(rows, ct);
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var definition = JsonSerializer.Deserialize<Analytics.Domain.Dashboards.DashboardDefinition>($$"""
            {
              "name": "Bulk ad performance",
              "filters": [{ "dimension": "time", "start": "{{today.AddDays(-seeded.Days - 7):O}}", "end": "{{today.AddDays(1):O}}" }],
              "widgets": [{ "id": "b1", "type": "bar", "position": { "x": 0, "y": 0, "w": 6, "h": 4 },
                            "config": { "title": "Spend by campaign", "query": { "metrics": ["spend"], "groupBy": ["campaign"], "sourceIds": ["{{Analytics.Data.Seeding.BulkSeeder.SourceId}}"] } } }]
            }
            """, Analytics.Domain.Dashboards.DashboardDefinition.Json)!;
        var dashboard = await host.Services.GetRequiredService<Analytics.Data.Dashboards.DashboardService>().CreateAsync(Analytics.Domain.Access.Actor.System, definition, ct);
        return (dashboard.Id, seeded.Rows);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Runs <c>bench export --child FORMAT --db FILE --dashboard ID --out FILE</c> in a new process of this program and reads its JSON.</summary>
    private static async Task<JsonElement> RunChildAsync(string format, string database, string dashboardId, string output, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under `dotnet Analytics.Benchmarks.dll` the process is the dotnet host: pass the app's assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(ExportBenchmark).Assembly.Location);
        foreach (var a in new[] { "bench", "export", "--child", format, "--db", database, "--dashboard", dashboardId, "--out", output })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The benchmark child process did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"The {format} child failed ({process.ExitCode}): {await stderr}");
        var json = (await stdout).Split('\n').Where(l => !l.StartsWith("{\"Timestamp", StringComparison.Ordinal));
        return JsonDocument.Parse(string.Join('\n', json)).RootElement.Clone();
    }

    /// <summary>One export of the dashboard's underlying rows, as the API makes it, copied to <paramref name="output"/>.</summary>
    private static async Task<object> ChildAsync(string format, string database, string dashboardId, string output, CancellationToken ct)
    {
        using var self = Process.GetCurrentProcess();
        var baseline = self.WorkingSet64;
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long rows;
        using (var host = await BenchHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, $"Data Source={database}", ct))
        {
            var exports = host.Services.GetRequiredService<Analytics.Data.Dashboards.DashboardExportService>();
            await using var file = await exports.ExportAsync(Analytics.Domain.Access.Actor.System, dashboardId,
                new Analytics.Data.Dashboards.DashboardExportRequest(format, new Analytics.Data.Dashboards.DashboardDataRequest(), Underlying: true), ct);
            await using (var copy = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                await file.Content.CopyToAsync(copy, ct);
            await using var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Analytics.Data.AnalyticsDbContext>>().CreateDbContextAsync(ct);
            rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.LongCountAsync(db.Facts, ct);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        self.Refresh();
        return new
        {
            rows,
            seconds = Math.Round(seconds, 2),
            // CPU time of the whole process: on a shared, loaded machine wall time also counts waiting for a core.
            cpuSeconds = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2),
            loadAverage = BenchHost.LoadAverage(),
            rowsPerSecond = Math.Round(rows / seconds),
            sizeBytes = new FileInfo(output).Length,
            peakWorkingSetMb = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1),
            workingSetBeforeMb = Math.Round(baseline / 1048576.0, 1),
            gcHeapAfterMb = Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
            process = "child",
        };
    }
}
