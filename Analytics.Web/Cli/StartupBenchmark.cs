using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Analytics.Data.Startup;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>bench startup [--restarts 5]</c>: starts this app as a child process on a new SQLite database once (migrations and the
/// demo workspace), then restarts it <c>--restarts</c> times on that existing database, each time measuring the seconds from
/// starting the process to the first <c>200</c> from <c>/healthz</c> (polled every 20 ms), and reading the app's own log of
/// where the time went (<see cref="StartupTimeline"/>). Each run stops the app with SIGTERM, as a restart would.
/// Prints the median (and each run) and the per-phase medians.
/// </summary>
internal sealed class StartupBenchmark : IBenchmark
{
    public string Name => "startup";
    public string Description => "restart to a healthy /healthz on an existing database: median of N restarts and where the time goes";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var restarts = (int)(CommandLine.LongOption(args, "--restarts") ?? 5);
        var directory = Directory.CreateTempSubdirectory("analytics-bench-startup-");
        try
        {
            var first = await StartOnceAsync(directory.FullName, ct);
            var runs = new List<Run>();
            for (var i = 0; i < restarts; i++) runs.Add(await StartOnceAsync(directory.FullName, ct));
            var phaseNames = runs.SelectMany(r => r.Phases.Keys).Distinct().ToList();
            return new
            {
                benchmark = Name,
                restarts,
                secondsToHealthy = new
                {
                    median = Median(runs.Select(r => r.SecondsToHealthy)),
                    runs = runs.Select(r => r.SecondsToHealthy),
                },
                // From the process's start to listening (the app's own timeline) and from listening to the first healthy answer.
                listeningMsMedian = Median(runs.Select(r => r.ListeningMs)),
                healthyAfterListeningMsMedian = Median(runs.Select(r => r.SecondsToHealthy * 1000 - r.ListeningMs)),
                phasesMsMedian = phaseNames.ToDictionary(p => p, p => Median(runs.Select(r => r.Phases.GetValueOrDefault(p)))),
                firstStart = new { secondsToHealthy = first.SecondsToHealthy, note = "new database: migrations and the demo workspace" },
                targetSeconds = 3,
                machine = new { cores = Environment.ProcessorCount, loadAverage = ExportBenchmark.LoadAverage() },
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Run(double SecondsToHealthy, double ListeningMs, Dictionary<string, double> Phases);

    private static async Task<Run> StartOnceAsync(string directory, CancellationToken ct)
    {
        var baseUrl = $"http://127.0.0.1:{DashboardBenchmark.FreePort()}";
        var self = Environment.ProcessPath!;
        var start = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new ProcessStartInfo(self) { ArgumentList = { typeof(StartupBenchmark).Assembly.Location } }
            : new ProcessStartInfo(self);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["ConnectionStrings__Analytics"] = $"Data Source={Path.Combine(directory, "analytics.db")}";
        start.Environment["Analytics__DataDirectory"] = directory;
        var timeline = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line || !line.StartsWith('{') || !line.Contains(StartupTimeline.LogCategory, StringComparison.Ordinal)) return;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.GetProperty("Category").GetString() == StartupTimeline.LogCategory)
                    timeline.TrySetResult(json.RootElement.GetProperty("State").Clone());
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                timeline.TrySetException(new InvalidOperationException($"The app's start-up log line could not be read: {line}", error));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was healthy.");
                try
                {
                    if ((await http.GetAsync("/healthz", ct)).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException)
                {
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The app was not healthy within 5 minutes.");
                await Task.Delay(20, ct);
            }
            var seconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2);
            var state = await timeline.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            var phases = JsonSerializer.Deserialize<Dictionary<string, double>>(state.GetProperty("Phases").GetString()!)!;
            var total = state.GetProperty("TotalMs");
            var listening = total.ValueKind == JsonValueKind.Number ? total.GetDouble() : double.Parse(total.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            return new Run(seconds, listening, phases);
        }
        finally
        {
            // SIGTERM, as a service manager or `docker stop` would: the app stops gracefully; killed only if it hangs.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return 0;
        var middle = sorted.Count / 2;
        return Math.Round(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 2);
    }
}
