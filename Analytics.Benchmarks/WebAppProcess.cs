using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Analytics.Benchmarks;

/// <summary>
/// The web app as a child process, for the benchmarks that measure it from outside (<c>bench startup</c>,
/// <c>bench dashboard</c>): <see cref="StartAsync"/> runs <c>Analytics.Web.dll</c> from the web project's own build output
/// (the same configuration as this project) on a free port of 127.0.0.1 and returns once <c>/healthz/ready</c> answers
/// <c>200</c>; disposing stops it with SIGTERM, as a service manager or <c>docker stop</c> would, and kills it only if it
/// hangs.
/// </summary>
internal sealed class WebAppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WebAppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Seconds from starting the process to the first <c>200</c> from <c>/healthz/ready</c>.</summary>
    public double SecondsToReady { get; private set; }

    /// <param name="environment">The app's settings as environment variables (<c>ConnectionStrings__Analytics</c>, …).</param>
    /// <param name="onOutput">Each line the app writes on standard output (its console log), if wanted.</param>
    /// <param name="poll">How often <c>/healthz/ready</c> is asked while the app starts.</param>
    public static async Task<WebAppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan poll, TimeSpan timeout,
        CancellationToken ct, Action<string>? onOutput = null)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = StartInfo();
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) onOutput?.Invoke(line); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new WebAppProcess(process, baseUrl);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was ready.");
                try
                {
                    if ((await http.GetAsync("/healthz/ready", ct)).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException)
                {
                }
                if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"The app was not ready within {timeout.TotalMinutes:0.#} minutes.");
                await Task.Delay(poll, ct);
            }
            app.SecondsToReady = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try { await _process.WaitForExitAsync(timeout.Token); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>A port free on 127.0.0.1 just now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The web app's own executable beside its assembly where the build made one, else <c>dotnet Analytics.Web.dll</c>.</summary>
    private static ProcessStartInfo StartInfo()
    {
        var assembly = typeof(WebAppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AnalyticsWebAssembly").Value!;
        if (!File.Exists(assembly))
            throw new InvalidOperationException($"The web app is not built at {assembly}: build the solution (or Analytics.Web) in this configuration first.");
        var executable = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        return File.Exists(executable) ? new ProcessStartInfo(executable) : new ProcessStartInfo("dotnet") { ArgumentList = { assembly } };
    }
}
