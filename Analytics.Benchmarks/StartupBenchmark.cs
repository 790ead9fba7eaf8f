using System.Globalization;
using System.Text.Json;
using Analytics.Data.Startup;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench startup [--restarts 5]</c>: starts the web app as a child process on a new SQLite database once (migrations and the
/// demo workspace), then restarts it <c>--restarts</c> times on that existing database, each time measuring the seconds from
/// starting the process to the first <c>200</c> from <c>/healthz/ready</c> (polled every 20 ms; see <see cref="WebAppProcess"/>),
/// and reading the app's own log of where the time went (<see cref="StartupTimeline"/>). Each run stops the app with SIGTERM,
/// as a restart would.
/// Prints the median (and each run) and the per-phase medians.
/// </summary>
internal sealed class StartupBenchmark : IBenchmark
{
    public string Name => "startup";
    public string Description => "restart to a ready /healthz/ready on an existing database: median of N restarts and where the time goes";

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
                // From the process's start to listening and to the database being ready (the app's own timeline: the two
                // run side by side), and from the later of them to the first healthy answer.
                listeningMsMedian = Median(runs.Select(r => r.ListeningMs)),
                databaseReadyMsMedian = Median(runs.Select(r => r.ReadyMs)),
                healthyAfterBothMsMedian = Median(runs.Select(r => r.SecondsToHealthy * 1000 - Math.Max(r.ListeningMs, r.ReadyMs))),
                phasesMsMedian = phaseNames.ToDictionary(p => p, p => Median(runs.Select(r => r.Phases.GetValueOrDefault(p)))),
                firstStart = new { secondsToHealthy = first.SecondsToHealthy, note = "new database: migrations and the demo workspace" },
                targetSeconds = 3,
                machine = new { cores = Environment.ProcessorCount, loadAverage = BenchHost.LoadAverage() },
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static double Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private sealed record Run(double SecondsToHealthy, double ListeningMs, double ReadyMs, Dictionary<string, double> Phases);

    private static async Task<Run> StartOnceAsync(string directory, CancellationToken ct)
    {
        var timeline = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Analytics"] = $"Data Source={Path.Combine(directory, "analytics.db")}",
            ["Analytics__DataDirectory"] = directory,
        }, TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(5), ct, line =>
        {
            if (!line.StartsWith('{') || !line.Contains(StartupTimeline.LogCategory, StringComparison.Ordinal)) return;
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
        });
        var state = await timeline.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var phases = JsonSerializer.Deserialize<Dictionary<string, double>>(state.GetProperty("Phases").GetString()!)!;
        return new Run(app.SecondsToReady, Number(state.GetProperty("TotalMs")), Number(state.GetProperty("ReadyMs")), phases);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return 0;
        var middle = sorted.Count / 2;
        return Math.Round(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 2);
    }
}
