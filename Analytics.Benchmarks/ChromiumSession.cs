using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Benchmarks;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket), for benchmarks that time what a browser sees.
/// Playwright is a test dependency; the app's own benchmark needs only a handful of protocol calls: open a page, set a
/// header, navigate, evaluate (awaiting promises).
/// </summary>
internal sealed class ChromiumSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private int _nextId;
    private string? _session;
    private Task? _reader;

    private ChromiumSession(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<ChromiumSession> LaunchAsync(string executable, int width, int height, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("analytics-bench-chromium-");
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", $"--window-size={width},{height}", "about:blank",
            },
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var session = new ChromiumSession(process, profile);
        var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (DateTime.UtcNow > deadline || process.HasExited) throw new InvalidOperationException("Chromium did not open its DevTools port within 30 s.");
            await Task.Delay(100, ct);
        }
        var lines = await File.ReadAllLinesAsync(portFile, ct);
        await session._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0]}{lines[1]}"), ct);
        session._reader = session.ReadAsync();
        var target = await session.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, ct, browserLevel: true);
        var attached = await session.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, ct, browserLevel: true);
        session._session = attached["sessionId"]!.GetValue<string>();
        await session.SendAsync("Page.enable", [], ct);
        await session.SendAsync("Network.enable", [], ct);
        await session.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false }, ct);
        return session;
    }

    public Task SetHeaderAsync(string name, string value, CancellationToken ct) =>
        SendAsync("Network.setExtraHTTPHeaders", new JsonObject { ["headers"] = new JsonObject { [name] = value } }, ct);

    /// <summary>Runs <paramref name="source"/> in every document this page loads from now on, before the page's own scripts.</summary>
    public Task AddScriptOnNewDocumentAsync(string source, CancellationToken ct) =>
        SendAsync("Page.addScriptToEvaluateOnNewDocument", new JsonObject { ["source"] = source }, ct);

    public Task NavigateAsync(string url, CancellationToken ct) => SendAsync("Page.navigate", new JsonObject { ["url"] = url }, ct);

    /// <summary>Evaluates <paramref name="expression"/> in the page, awaiting a promise; returns its value as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true }, ct);
        if (result["exceptionDetails"] is JsonObject error) throw new InvalidOperationException("Page script failed: " + error.ToJsonString());
        return result["result"]?["value"]?.DeepClone();
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, CancellationToken ct, bool browserLevel = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (!browserLevel && _session is not null) message["sessionId"] = _session;
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);
        using var registration = ct.Register(() => done.TrySetCanceled(ct));
        var reply = await done.Task;
        if (reply["error"] is JsonObject problem) throw new InvalidOperationException($"{method}: {problem.ToJsonString()}");
        return reply["result"] as JsonObject ?? [];
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, read.Count);
                if (!read.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray()) as JsonObject;
                message.SetLength(0);
                if (json?["id"] is JsonValue idValue && _pending.TryRemove(idValue.GetValue<int>(), out var waiter)) waiter.TrySetResult(json);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var waiter in _pending.Values) waiter.TrySetException(new InvalidOperationException("Chromium closed the DevTools connection."));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { _socket.Abort(); } catch (Exception) { }
        if (_reader is not null) await _reader;
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        try { _profile.Delete(recursive: true); } catch (IOException) { }
    }
}
