using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Text;

namespace Analytics.Data.Amc;

/// <summary>
/// AMC's reporting API as CONTRACT.md describes it: create a workflow execution for a window, poll it, fetch its
/// download URLs and read the CSV. Every call goes through <see cref="SendAsync"/>, which retries 429 (honouring
/// <c>Retry-After</c>), 5xx, timeouts and network errors, and never other 4xx. Waits use <see cref="TimeProvider"/>.
/// </summary>
public sealed class AmcClient(HttpClient http, AmcRetryOptions options, TimeProvider clock, Random? random = null)
{
    private const string WindowFormat = "yyyy-MM-ddTHH:mm:ss";
    private readonly Random _random = random ?? new Random();
    private readonly Lock _randomLock = new();

    /// <param name="gate">The instance's submission pace: waited on before each attempt of the POST, told of every 429.</param>
    public async Task<string> CreateExecutionAsync(AmcSettings s, string sqlQuery, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken ct,
        Analytics.Domain.Sources.ISubmissionGate? gate = null)
    {
        ValidateSql(sqlQuery);
        if (windowEnd <= windowStart) throw new ArgumentException($"The time window must end after it starts ({windowStart:o} .. {windowEnd:o}).", nameof(windowEnd));
        var body = JsonSerializer.Serialize(new
        {
            workflow = new { sqlQuery },
            timeWindowType = "EXPLICIT",
            timeWindowStart = FormatWindow(windowStart),
            timeWindowEnd = FormatWindow(windowEnd),
            timeWindowTimeZone = "UTC",
        });
        var (start, end) = (FormatWindow(windowStart), FormatWindow(windowEnd));
        var since = clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        // A POST answered with a 5xx or not at all may still have created the execution: before submitting again,
        // look for it, so a retry never runs the same window twice.
        async Task<string?> AlreadyCreated(CancellationToken token) =>
            (await ListRecentAsync(s, since, token)).FirstOrDefault(e => e.TimeWindowStart == start && e.TimeWindowEnd == end
                && e.SqlQuery == sqlQuery && e.Status is not (AmcExecutionStatus.Failed or AmcExecutionStatus.Cancelled)) is { } found
                ? JsonSerializer.Serialize(new { workflowExecutionId = found.WorkflowExecutionId })
                : null;
        var json = await SendJsonAsync(s, HttpMethod.Post, ExecutionsUrl(s), body, ct, AlreadyCreated, gate);
        return json?["workflowExecutionId"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new AmcException($"AMC accepted the execution but answered no workflowExecutionId: {json?.ToJsonString()}");
    }

    public async Task<AmcExecution> GetStatusAsync(AmcSettings s, string workflowExecutionId, CancellationToken ct)
    {
        var json = await SendJsonAsync(s, HttpMethod.Get, ExecutionUrl(s, workflowExecutionId), null, ct);
        return ParseExecution(json ?? throw new AmcException($"AMC answered no body for execution {workflowExecutionId}."));
    }

    public async Task CancelAsync(AmcSettings s, string workflowExecutionId, CancellationToken ct) =>
        await SendJsonAsync(s, HttpMethod.Delete, ExecutionUrl(s, workflowExecutionId), null, ct);

    /// <summary>Executions created at or after <paramref name="minCreationTime"/>, following <c>nextToken</c> pages.</summary>
    public async Task<IReadOnlyList<AmcExecution>> ListRecentAsync(AmcSettings s, DateTimeOffset minCreationTime, CancellationToken ct)
    {
        var list = new List<AmcExecution>();
        string? nextToken = null;
        do
        {
            var url = $"{ExecutionsUrl(s)}?minCreationTime={Uri.EscapeDataString(FormatWindow(minCreationTime))}";
            if (nextToken is not null) url += $"&nextToken={Uri.EscapeDataString(nextToken)}";
            var json = await SendJsonAsync(s, HttpMethod.Get, url, null, ct);
            if (json?["executions"] is JsonArray executions)
                list.AddRange(executions.OfType<JsonObject>().Select(ParseExecution));
            nextToken = json?["nextToken"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(nextToken));
        return list;
    }

    public async Task<IReadOnlyList<string>> GetDownloadUrlsAsync(AmcSettings s, string workflowExecutionId, CancellationToken ct)
    {
        var json = await SendJsonAsync(s, HttpMethod.Get, $"{ExecutionUrl(s, workflowExecutionId)}/downloadUrls", null, ct);
        return json?["downloadUrls"] is JsonArray urls
            ? urls.Select(u => u!.GetValue<string>()).ToList()
            : throw new AmcException($"AMC answered no downloadUrls for execution {workflowExecutionId}: {json?.ToJsonString()}");
    }

    /// <summary>Reads one result file. Download URLs are pre-signed, so no AMC credentials are sent with it.</summary>
    public async Task<AmcResult> ReadResultAsync(string url, CancellationToken ct)
    {
        var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), ct);
        return AmcCsv.Parse(text);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> over <paramref name="window"/>: reuses an execution already submitted for the same window
    /// and SQL (after a crash) or creates one, polls it to a terminal status and reads every result file.
    /// Cancelling <paramref name="ct"/> cancels the remote execution too. With <paramref name="reuseSucceeded"/> false (a
    /// fresh run: the user wants current data, and AMC's data arrives up to 48 hours late) only an execution still in
    /// progress is joined; a resumed run also takes one that already succeeded.
    /// </summary>
    public async Task<AmcRunResult> RunAsync(AmcSettings settings, string sql, AmcTimeWindow window, TimeSpan pollInterval, CancellationToken ct, bool reuseSucceeded = true,
        Analytics.Domain.Sources.ISubmissionGate? gate = null)
    {
        ValidateSql(sql);
        var (start, end) = (FormatWindow(window.Start), FormatWindow(window.End));
        var recent = await ListRecentAsync(settings, clock.GetUtcNow() - options.ReuseLookback, ct);
        // Same window AND same SQL: several reports often run the same window on one instance, so an execution whose
        // listing lacks its SQL is never taken for ours (a rare duplicate submission beats another report's rows).
        var same = recent.Where(e => e.TimeWindowStart == start && e.TimeWindowEnd == end && e.SqlQuery == sql).ToList();
        var reusable = same.FirstOrDefault(e => reuseSucceeded && e.Status == AmcExecutionStatus.Succeeded)
            ?? same.FirstOrDefault(e => !e.IsTerminal);
        if (reusable is null && same.FirstOrDefault(e => e.Status == AmcExecutionStatus.Rejected) is { } rejected)
            throw new AmcRejectedException(rejected.WorkflowExecutionId, rejected.StatusReason);

        var id = reusable?.WorkflowExecutionId ?? await CreateExecutionAsync(settings, sql, window.Start, window.End, ct, gate);
        AmcExecution execution;
        try
        {
            execution = reusable is { IsTerminal: true } ? reusable : await GetStatusAsync(settings, id, ct);
            while (!execution.IsTerminal)
            {
                await Task.Delay(pollInterval, clock, ct);
                execution = await GetStatusAsync(settings, id, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelRemoteAsync(settings, id);
            throw;
        }

        switch (execution.Status)
        {
            case AmcExecutionStatus.Rejected: throw new AmcRejectedException(id, execution.StatusReason);
            case AmcExecutionStatus.Failed: throw new AmcExecutionFailedException(id, execution.StatusReason);
            case AmcExecutionStatus.Cancelled: throw new AmcCancelledException(id, execution.StatusReason);
        }

        var urls = await GetDownloadUrlsAsync(settings, id, ct);
        AmcResult? combined = null;
        var rows = new List<IReadOnlyList<string?>>();
        foreach (var url in urls)
        {
            var part = await ReadResultAsync(url, ct);
            if (combined is not null && !part.Columns.SequenceEqual(combined.Columns, StringComparer.Ordinal))
                throw new AmcException($"AMC execution {id}'s result files disagree on columns: [{string.Join(",", combined.Columns)}] vs [{string.Join(",", part.Columns)}].");
            combined ??= part;
            rows.AddRange(part.Rows);
        }
        return new AmcRunResult(id, reusable is not null, new AmcResult(combined?.Columns ?? [], rows));
    }

    private async Task CancelRemoteAsync(AmcSettings settings, string id)
    {
        // The caller's token is already cancelled; the DELETE gets its own bounded time.
        using var cts = new CancellationTokenSource(options.RequestTimeout, clock);
        try { await CancelAsync(settings, id, cts.Token); }
        catch (Exception e) when (e is AmcException or OperationCanceledException or HttpRequestException)
        {
            // Best effort: the execution ends on its own; the caller's cancellation is what matters.
        }
    }

    public static void ValidateSql(string sqlQuery)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlQuery);
        if (sqlQuery.IndexOfAny(['\n', '\r', '\t']) >= 0)
            throw new ArgumentException("AMC's sqlQuery must be one line: no newlines or tabs (render it with SqlTemplate.RenderAmc).", nameof(sqlQuery));
        if (sqlQuery.TrimEnd().EndsWith(';'))
            throw new ArgumentException("AMC's sqlQuery must not end with a semicolon.", nameof(sqlQuery));
    }

    internal static string FormatWindow(DateTimeOffset t) => t.UtcDateTime.ToString(WindowFormat, CultureInfo.InvariantCulture);

    private static string ExecutionsUrl(AmcSettings s) =>
        $"{s.BaseUrl.TrimEnd('/')}/amc/reporting/{Uri.EscapeDataString(s.InstanceId)}/workflowExecutions";

    private static string ExecutionUrl(AmcSettings s, string id) => $"{ExecutionsUrl(s)}/{Uri.EscapeDataString(id)}";

    private static AmcExecution ParseExecution(JsonNode json)
    {
        var id = json["workflowExecutionId"]?.GetValue<string>() ?? throw new AmcException($"An AMC execution without workflowExecutionId: {json.ToJsonString()}");
        var statusText = json["status"]?.GetValue<string>();
        var status = statusText?.ToUpperInvariant() switch
        {
            "PENDING" => AmcExecutionStatus.Pending,
            "RUNNING" => AmcExecutionStatus.Running,
            "SUCCEEDED" => AmcExecutionStatus.Succeeded,
            "FAILED" => AmcExecutionStatus.Failed,
            "CANCELLED" => AmcExecutionStatus.Cancelled,
            "REJECTED" => AmcExecutionStatus.Rejected,
            _ => throw new AmcException($"AMC execution {id} has an unknown status '{statusText}'."),
        };
        return new AmcExecution(id, status, json["statusReason"]?.GetValue<string>(),
            json["timeWindowStart"]?.GetValue<string>(), json["timeWindowEnd"]?.GetValue<string>(),
            json["workflow"]?["sqlQuery"]?.GetValue<string>());
    }

    private async Task<JsonNode?> SendJsonAsync(AmcSettings s, HttpMethod method, string url, string? body, CancellationToken ct,
        Func<CancellationToken, Task<string?>>? recover = null, Analytics.Domain.Sources.ISubmissionGate? gate = null)
    {
        var text = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.AccessToken);
            request.Headers.Add("Amazon-Advertising-API-ClientId", s.ClientId);
            request.Headers.Add("Amazon-Advertising-API-AdvertiserId", s.AdvertiserId);
            request.Headers.Add("Amazon-Advertising-API-MarketplaceId", s.MarketplaceId);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            return request;
        }, ct, recover, gate);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    /// <summary>Sends a fresh request per attempt; answers the body of the first success.</summary>
    /// <remarks><paramref name="recover"/>, when given, runs before retrying an attempt whose outcome is unknown (5xx, timeout,
    /// network error) and may answer the result instead, for calls that are not idempotent.</remarks>
    private async Task<string> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken ct, Func<CancellationToken, Task<string?>>? recover = null,
        Analytics.Domain.Sources.ISubmissionGate? gate = null)
    {
        var attempts = Math.Max(1, options.MaxAttempts);
        string lastFailure = "";
        Exception? lastException = null;
        string method = "", path = "";
        for (var attempt = 1; ; attempt++)
        {
            if (gate is not null) await gate.WaitAsync(ct);
            using var request = createRequest();
            method = request.Method.Method;
            path = request.RequestUri?.AbsolutePath ?? "";
            TimeSpan? retryAfter = null;
            using (var deadline = new CancellationTokenSource(options.RequestTimeout, clock))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token))
            {
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    var text = await response.Content.ReadAsStringAsync(timeout.Token);
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode) return text;
                    if (status != (int)HttpStatusCode.TooManyRequests && status < 500)
                        throw new AmcHttpException(status, method, path, text);
                    lastFailure = $"{status} {Truncate(text)}";
                    lastException = null;
                    if (status == (int)HttpStatusCode.TooManyRequests)
                    {
                        retryAfter = RetryAfter(response.Headers.RetryAfter, clock.GetUtcNow(), options.MaxRetryAfter);
                        gate?.Throttled(retryAfter);
                    }
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    lastFailure = $"no answer within {options.RequestTimeout}";
                    lastException = e;
                }
                catch (HttpRequestException e)
                {
                    lastFailure = $"network error: {e.Message}";
                    lastException = e;
                }
            }
            if (attempt >= attempts) throw new AmcRetriesExhaustedException(method, path, attempt, lastFailure, lastException);
            var throttled = retryAfter is not null || lastFailure.StartsWith("429", StringComparison.Ordinal);
            // Behind a gate, a 429's wait is the gate's cool-down (shared by the whole instance), taken at the next attempt.
            if (!(gate is not null && retryAfter is not null)) await Task.Delay(retryAfter ?? Backoff(attempt), clock, ct);
            if (!throttled && recover is not null && await TryRecoverAsync(recover, ct) is { } recovered) return recovered;
        }
    }

    private static async Task<string?> TryRecoverAsync(Func<CancellationToken, Task<string?>> recover, CancellationToken ct)
    {
        try { return await recover(ct); }
        catch (AmcException)
        {
            return null; // Could not look: retry the call itself, as without recovery.
        }
    }

    /// <summary>Full jitter: uniformly random in [0, min(MaxDelay, BaseDelay·2^(attempt−1))].</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        double r;
        lock (_randomLock) r = _random.NextDouble();
        return TimeSpan.FromMilliseconds(ceiling * r);
    }

    /// <summary><c>Retry-After</c> as seconds or an HTTP date, never negative, capped; null when absent.</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now, TimeSpan cap)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
        if (wait is null) return null;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > cap ? cap : wait;
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500] + "…";
}

/// <summary>RFC 4180 CSV as AMC writes it: a header row, quoted fields may hold commas, quotes and newlines.
/// An empty unquoted cell is null (AMC's NULL); a quoted empty cell is the empty string. A final newline ends the last row.</summary>
public static class AmcCsv
{
    /// <summary>AMC's result CSV through the shared <see cref="CsvParser"/>: every row must have a cell per column.</summary>
    public static AmcResult Parse(string text)
    {
        CsvTable table;
        try
        {
            table = CsvParser.Parse(text);
        }
        catch (CsvFormatException e)
        {
            throw new AmcException($"AMC's result CSV is malformed: {e.Message}", e);
        }
        var rows = new List<IReadOnlyList<string?>>(table.Rows.Count);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var fields = table.Rows[r].Fields;
            if (fields.Count != table.Columns.Count)
                throw new AmcException($"AMC's result CSV row {r + 1} has {fields.Count} cells for {table.Columns.Count} columns (line {table.Rows[r].Line}).");
            rows.Add(fields);
        }
        return new AmcResult(table.Columns, rows);
    }
}
