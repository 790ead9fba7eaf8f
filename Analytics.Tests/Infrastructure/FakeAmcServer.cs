using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Amc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Tests.Infrastructure;

/// <summary>One request as the fake AMC saw it, and when it arrived.</summary>
public sealed record AmcRecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At = default)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>An answer the fake gives instead of the real one. Faults are used in order: the first one waiting answers the next
/// request it matches (requests it does not match pass through). It answers after <see cref="Stall"/>
/// (to provoke client timeouts), and with <see cref="AfterHandling"/> once the request has had its effect (a lost answer).</summary>
public sealed record AmcScriptedFault(int StatusCode, string? RetryAfter = null, string Body = "{\"message\":\"scripted fault\"}", string? Method = null, string? PathContains = null,
    TimeSpan? Stall = null, bool AfterHandling = false);

/// <summary>
/// Requests parked by the fake AMC after it has handled them (an execution created, a result read) and before it answers —
/// an answer "in flight" — until <see cref="Release"/>, or until the client goes away (a killed app).
/// </summary>
public sealed class AmcHold(string method, string pathContains)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    public string Method { get; } = method;
    public string PathContains { get; } = pathContains;
    public bool Released => _released.Task.IsCompleted;
    /// <summary>Requests parked so far.</summary>
    public int Held => Volatile.Read(ref _held);

    public void Release() => _released.TrySetResult();

    internal bool Matches(string requestMethod, string path) => !Released && requestMethod == Method && path.Contains(PathContains, StringComparison.Ordinal);

    internal async Task<bool> ParkAsync(CancellationToken aborted)
    {
        Interlocked.Increment(ref _held);
        try
        {
            await _released.Task.WaitAsync(aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// AMC's reporting API in memory, on real HTTP at 127.0.0.1 (CONTRACT.md's AMC section), promising no more than the
/// documentation: a listing carries each execution's <c>workflowExecutionId</c>, <c>status</c>, <c>timeWindowStart</c> and
/// <c>timeWindowEnd</c> only (<see cref="ListsSql"/> makes it list the SQL too, which real AMC does not promise), filtered
/// strictly by <c>minCreationTime</c>; a status read answers id, status and reason. Executions take
/// <see cref="PollsToFinish"/> status reads (its current value, read at each poll) to end with <see cref="FinalStatus"/> (or
/// the next of <see cref="ScriptedOutcomes"/>); faults are scripted per request; answers can be held (<see cref="Hold"/>);
/// results are served as CSV from pre-signed-style URLs (no auth). It counts what a test must check: executions created per
/// window and the most ever running at once (<see cref="PeakRunning"/>); every request is recorded.
/// </summary>
public sealed class FakeAmcServer : LoopbackServer
{
    public const string Token = "fake-token";
    public const string ClientId = "fake-client";
    public const string AdvertiserId = "ENTITY1";
    public const string MarketplaceId = "ATVPDKIKX0DER";
    public const string InstanceId = "amcinstance1";

    private readonly ConcurrentDictionary<string, Execution> _executions = new();
    private readonly ConcurrentQueue<AmcScriptedFault> _faults = new();
    private readonly List<AmcHold> _holds = [];
    private readonly Lock _lock = new();
    private int _nextId;
    private int _running;
    private int _peakRunning;

    public ConcurrentQueue<AmcRecordedRequest> Requests { get; } = new();
    public Uri BaseUrl => Address;
    /// <summary>Status reads an execution takes to end; read at every poll, so changing it affects executions already running.</summary>
    public int PollsToFinish { get; set; } = 2;
    public string FinalStatus { get; set; } = "SUCCEEDED";
    public string? FinalReason { get; set; }
    /// <summary>How the next executions created end, one each, before <see cref="FinalStatus"/> applies again.</summary>
    public ConcurrentQueue<(string Status, string? Reason)> ScriptedOutcomes { get; } = new();
    /// <summary>Whether a listing also carries each execution's <c>workflow.sqlQuery</c> (the documentation does not promise it).</summary>
    public bool ListsSql { get; set; }
    /// <summary>Result files of executions created from now on; each has its own header row.</summary>
    public IReadOnlyList<string> ResultCsvParts { get; set; } = ["campaign,impressions,clicks\nSpring Sale,1000,25\n,120,3\n"];
    /// <summary>When set, the result files of an execution by its <c>timeWindowStart</c> (else <see cref="ResultCsvParts"/>).</summary>
    public Func<string, IReadOnlyList<string>>? ResultCsvFor { get; set; }
    /// <summary>The most executions ever running (created, not yet ended) at once.</summary>
    public int PeakRunning { get { lock (_lock) return _peakRunning; } }
    public int Running { get { lock (_lock) return _running; } }

    /// <summary>Executions created for each <c>timeWindowStart</c>.</summary>
    public IReadOnlyDictionary<string, int> CreatedPerWindow =>
        _executions.Values.GroupBy(e => e.Start).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Answers to matching requests (after their effect) wait until the hold is released or the client goes away.</summary>
    public AmcHold Hold(string method, string pathContains)
    {
        var hold = new AmcHold(method, pathContains);
        lock (_lock) _holds.Add(hold);
        return hold;
    }

    public AmcSettings Settings => new(BaseUrl.ToString(), InstanceId, AdvertiserId, MarketplaceId, ClientId, Token);

    private FakeAmcServer()
    {
    }

    public void Fail(AmcScriptedFault fault, int times = 1)
    {
        for (var i = 0; i < times; i++) _faults.Enqueue(fault);
    }

    /// <summary>Drops the scripted faults not used yet.</summary>
    public void ClearFaults() => _faults.Clear();

    public IReadOnlyList<AmcRecordedRequest> RequestsTo(string method, string? pathEndsWith = null) =>
        Requests.Where(r => r.Method == method && (pathEndsWith is null || r.Path.EndsWith(pathEndsWith, StringComparison.Ordinal))).ToList();

    public static async Task<FakeAmcServer> StartAsync()
    {
        var server = new FakeAmcServer();
        await server.ListenAsync();
        return server;
    }

    protected override void Map(WebApplication app) => app.Run(HandleAsync);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var path = request.Path.Value ?? "";
        Requests.Enqueue(new AmcRecordedRequest(request.Method, path, request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, DateTimeOffset.UtcNow));

        AmcHold? hold;
        lock (_lock) hold = _holds.FirstOrDefault(h => h.Matches(request.Method, path));
        if (hold is not null)
        {
            var real = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            await HandleRealAsync(context, request, path, body);
            context.Response.Body = real;
            if (!await hold.ParkAsync(context.RequestAborted)) return;
            buffer.Position = 0;
            await buffer.CopyToAsync(real);
            return;
        }

        var fault = NextFault(request.Method, path);
        if (fault?.Stall is { } stall)
        {
            try { await Task.Delay(stall, context.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        if (fault is { AfterHandling: true })
        {
            var real = context.Response.Body;
            context.Response.Body = Stream.Null;
            await HandleRealAsync(context, request, path, body);
            context.Response.Body = real;
            context.Response.Headers.Clear();
            if (fault.RetryAfter is not null) context.Response.Headers.RetryAfter = fault.RetryAfter;
            await Answer(context, fault.StatusCode, fault.Body);
            return;
        }
        if (fault is not null)
        {
            if (fault.RetryAfter is not null) context.Response.Headers.RetryAfter = fault.RetryAfter;
            await Answer(context, fault.StatusCode, fault.Body);
            return;
        }

        await HandleRealAsync(context, request, path, body);
    }

    private async Task HandleRealAsync(HttpContext context, HttpRequest request, string path, string body)
    {
        if (path.StartsWith("/results/", StringComparison.Ordinal))
        {
            var parts = path["/results/".Length..].Split('/');
            if (parts.Length == 2 && _executions.TryGetValue(parts[0], out var done) && int.TryParse(parts[1].Replace(".csv", "", StringComparison.Ordinal), out var n) && n < done.ResultParts.Count)
            {
                context.Response.ContentType = "text/csv";
                await context.Response.WriteAsync(done.ResultParts[n]);
            }
            else await Answer(context, 404, "{\"message\":\"no such result\"}");
            return;
        }

        var prefix = $"/amc/reporting/{InstanceId}/workflowExecutions";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            await Answer(context, 404, "{\"message\":\"not found\"}");
            return;
        }
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}"
            || request.Headers["Amazon-Advertising-API-ClientId"].ToString() != ClientId
            || request.Headers["Amazon-Advertising-API-AdvertiserId"].ToString() != AdvertiserId
            || request.Headers["Amazon-Advertising-API-MarketplaceId"].ToString() != MarketplaceId)
        {
            await Answer(context, 401, "{\"message\":\"missing or wrong authorization headers\"}");
            return;
        }

        var rest = path[prefix.Length..].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (request.Method, rest.Length)
        {
            case ("POST", 0): await Create(context, body); break;
            case ("GET", 0): await List(context); break;
            case ("GET", 1): await WithExecution(context, rest[0], e => Answer(context, 200, Status(e, poll: true).ToJsonString())); break;
            case ("DELETE", 1):
                await WithExecution(context, rest[0], e =>
                {
                    lock (_lock) if (!e.IsTerminal) End(e, "CANCELLED", "Cancelled by request");
                    return Answer(context, 200, Status(e, poll: false).ToJsonString());
                });
                break;
            case ("GET", 2) when rest[1] == "downloadUrls":
                await WithExecution(context, rest[0], e => e.Status == "SUCCEEDED"
                    ? Answer(context, 200, new JsonObject { ["downloadUrls"] = new JsonArray(e.ResultParts.Select((_, i) => (JsonNode)$"{BaseUrl}results/{e.Id}/{i}.csv").ToArray()) }.ToJsonString())
                    : Answer(context, 400, $"{{\"message\":\"Workflow execution {e.Id} is unavailable for download (status {e.Status})\"}}"));
                break;
            default: await Answer(context, 405, "{\"message\":\"method not allowed\"}"); break;
        }
    }

    private AmcScriptedFault? NextFault(string method, string path)
    {
        lock (_lock)
        {
            if (!_faults.TryPeek(out var fault)) return null;
            if ((fault.Method is not null && fault.Method != method) || (fault.PathContains is not null && !path.Contains(fault.PathContains, StringComparison.Ordinal))) return null;
            _faults.TryDequeue(out _);
            return fault;
        }
    }

    private async Task Create(HttpContext context, string body)
    {
        JsonNode? json;
        try { json = JsonNode.Parse(body); }
        catch (JsonException) { await Answer(context, 400, "{\"message\":\"body is not JSON\"}"); return; }
        var sql = json?["workflow"]?["sqlQuery"]?.GetValue<string>();
        var start = json?["timeWindowStart"]?.GetValue<string>();
        var end = json?["timeWindowEnd"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(sql) || sql.IndexOfAny(['\n', '\r', '\t']) >= 0 || sql.TrimEnd().EndsWith(';')
            || json?["timeWindowType"]?.GetValue<string>() != "EXPLICIT" || json?["timeWindowTimeZone"]?.GetValue<string>() != "UTC"
            || !IsWindowTime(start) || !IsWindowTime(end))
        {
            await Answer(context, 400, "{\"message\":\"Invalid workflow execution request\"}");
            return;
        }
        var id = $"exec-{Interlocked.Increment(ref _nextId)}";
        var (status, reason) = ScriptedOutcomes.TryDequeue(out var scripted) ? scripted : (FinalStatus, FinalReason);
        var execution = new Execution(id, sql, start!, end!, DateTimeOffset.UtcNow, status, reason, ResultCsvFor?.Invoke(start!) ?? ResultCsvParts);
        lock (_lock)
        {
            _executions[id] = execution;
            _running++;
            _peakRunning = Math.Max(_peakRunning, _running);
        }
        await Answer(context, 200, Status(execution, poll: false).ToJsonString());
    }

    private async Task List(HttpContext context)
    {
        var min = DateTimeOffset.MinValue;
        if (context.Request.Query["minCreationTime"].ToString() is { Length: > 0 } text
            && !DateTimeOffset.TryParseExact(text, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out min))
        {
            await Answer(context, 400, "{\"message\":\"bad minCreationTime\"}");
            return;
        }
        var executions = _executions.Values.Where(e => e.CreatedAt >= min).OrderBy(e => e.CreatedAt).Select(e => (JsonNode)Listed(e)).ToArray();
        await Answer(context, 200, new JsonObject { ["executions"] = new JsonArray(executions) }.ToJsonString());
    }

    private async Task WithExecution(HttpContext context, string id, Func<Execution, Task> then)
    {
        if (_executions.TryGetValue(id, out var e)) await then(e);
        else await Answer(context, 404, $"{{\"message\":\"No workflow execution {id}\"}}");
    }

    /// <summary>A status read (or the answer to a submission or cancel): id, status and reason, as documented.</summary>
    private JsonObject Status(Execution e, bool poll)
    {
        lock (_lock)
        {
            if (poll && !e.IsTerminal)
            {
                e.Polls++;
                if (e.Polls >= PollsToFinish) End(e, e.FinalStatus, e.FinalReason);
                else e.Status = "RUNNING";
            }
            var json = new JsonObject { ["workflowExecutionId"] = e.Id, ["status"] = e.Status };
            if (e.Reason is not null) json["statusReason"] = e.Reason;
            return json;
        }
    }

    /// <summary>An execution as a listing shows it: only the documented fields (and the SQL when <see cref="ListsSql"/>).</summary>
    private JsonObject Listed(Execution e)
    {
        lock (_lock)
        {
            var json = new JsonObject
            {
                ["workflowExecutionId"] = e.Id,
                ["status"] = e.Status,
                ["timeWindowStart"] = e.Start,
                ["timeWindowEnd"] = e.End,
            };
            if (ListsSql) json["workflow"] = new JsonObject { ["sqlQuery"] = e.Sql };
            return json;
        }
    }

    private void End(Execution e, string status, string? reason)
    {
        e.Status = status;
        e.Reason = reason;
        _running--;
    }

    private static bool IsWindowTime(string? s) =>
        DateTime.TryParseExact(s, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static async Task Answer(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }


    private sealed class Execution(string id, string sql, string start, string end, DateTimeOffset createdAt, string finalStatus, string? finalReason, IReadOnlyList<string> resultParts)
    {
        public string Id { get; } = id;
        public string Sql { get; } = sql;
        public string Start { get; } = start;
        public string End { get; } = end;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public string FinalStatus { get; } = finalStatus;
        public string? FinalReason { get; } = finalReason;
        public IReadOnlyList<string> ResultParts { get; } = resultParts;
        public int Polls { get; set; }
        public string Status { get; set; } = "PENDING";
        public string? Reason { get; set; }
        public bool IsTerminal => Status is "SUCCEEDED" or "FAILED" or "CANCELLED" or "REJECTED";
    }
}
