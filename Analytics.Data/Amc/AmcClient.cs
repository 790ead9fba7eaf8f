using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Sources;
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

    /// <summary>
    /// Submits <paramref name="sqlQuery"/> over the window: marks the journal "submitting since now" first, and stores the
    /// answered id in it (as this execution's claim) before returning — whatever the caller's token says, so a run cancelled
    /// at that moment still knows what to cancel. A POST whose outcome is unknown (5xx, timeout, network error) is not simply
    /// sent again: the execution it may have created is looked for first (<see cref="FindLostSubmissionAsync"/>).
    /// </summary>
    /// <param name="gate">The instance's submission pace: waited on before each attempt of the POST, told of every 429.</param>
    public async Task<string> CreateExecutionAsync(AmcSettings s, string sqlQuery, DateTimeOffset windowStart, DateTimeOffset windowEnd, IRemoteRunJournal journal,
        CancellationToken ct, ISubmissionGate? gate = null)
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
        await journal.SubmittingAsync(clock.GetUtcNow(), ct);
        var window = new AmcTimeWindow(windowStart, windowEnd);
        async Task<string?> AlreadyCreated(CancellationToken token) =>
            await FindLostSubmissionAsync(s, sqlQuery, window, journal, token) is { } found ? JsonSerializer.Serialize(new { workflowExecutionId = found }) : null;
        var json = await SendJsonAsync(s, HttpMethod.Post, ExecutionsUrl(s), body, ct, AlreadyCreated, gate);
        var id = json?["workflowExecutionId"]?.GetValue<string>() is { Length: > 0 } answered
            ? answered
            : throw new AmcException($"AMC accepted the execution but answered no workflowExecutionId: {json?.ToJsonString()}");
        if (!await journal.ClaimAsync(id, CancellationToken.None))
            throw new AmcException($"AMC answered execution {id} for this submission, but another run of ours already holds it.");
        return id;
    }

    /// <summary>
    /// The execution that a submission begun at the journal's <see cref="IRemoteRunJournal.SubmittingSince"/> created, when its
    /// answer was lost (a crash, or a POST that failed without an answer): AMC's listing of executions created since then,
    /// for the same window, that no execution of ours has claimed. The listing promises only id, status and window, so the SQL
    /// narrows the choice only when AMC happens to list it. One candidate is claimed and answered; none answers null (the POST
    /// never created one: submit); several throw <see cref="RemoteRunAmbiguousException"/> — a person chooses, nothing is
    /// submitted blindly.
    /// </summary>
    public async Task<string?> FindLostSubmissionAsync(AmcSettings s, string sqlQuery, AmcTimeWindow window, IRemoteRunJournal journal, CancellationToken ct)
    {
        if (journal.SubmittingSince is not { } since) return null;
        var (start, end) = (FormatWindow(window.Start), FormatWindow(window.End));
        for (var attempt = 1; ; attempt++)
        {
            var listed = await ListRecentAsync(s, since - options.ListingClockSkew, ct);
            var sameWindow = listed.Where(e => e.TimeWindowStart == start && e.TimeWindowEnd == end && (e.SqlQuery is null || e.SqlQuery == sqlQuery)).ToList();
            var claimed = await journal.ClaimedAsync(sameWindow.Select(e => e.WorkflowExecutionId).ToList(), ct);
            var candidates = sameWindow.Where(e => !claimed.Contains(e.WorkflowExecutionId)).DistinctBy(e => e.WorkflowExecutionId).ToList();
            switch (candidates.Count)
            {
                case 0:
                    return null;
                case 1:
                    if (await journal.ClaimAsync(candidates[0].WorkflowExecutionId, ct)) return candidates[0].WorkflowExecutionId;
                    if (attempt >= 3) return null;
                    continue; // Another run of ours took it meanwhile: look again.
                default:
                    throw new RemoteRunAmbiguousException(since, candidates
                        .Select(e => new RemoteCandidate(e.WorkflowExecutionId, e.Status.ToString().ToUpperInvariant(), e.TimeWindowStart, e.TimeWindowEnd)).ToList());
            }
        }
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
    /// Runs <paramref name="sql"/> over <paramref name="window"/> exactly once at AMC, whatever happens to the process: polls
    /// the execution the journal already holds (a resumed run); after a crash between submitting and storing the answer, takes
    /// the execution that submission created (<see cref="FindLostSubmissionAsync"/>); otherwise takes one of the instance's
    /// run slots and submits. Polls to a terminal status (the slot is given back then) and reads every result file.
    /// Cancelling <paramref name="ct"/> cancels the remote execution too — unless <paramref name="stopping"/> is cancelled
    /// (the process is stopping, or another took the run over): then the execution keeps running at AMC for the resumed run.
    /// </summary>
    public async Task<AmcRunResult> RunAsync(AmcSettings settings, string sql, AmcTimeWindow window, TimeSpan pollInterval, IRemoteRunJournal journal, CancellationToken ct,
        ISubmissionGate? gate = null, CancellationToken stopping = default, IProgress<string>? progress = null)
    {
        ValidateSql(sql);
        var id = journal.RemoteId ?? await FindLostSubmissionAsync(settings, sql, window, journal, ct);
        var reused = id is not null;
        AmcExecution execution;
        try
        {
            if (id is null)
            {
                progress?.Report("Waiting for a free AMC run slot of the instance");
                await journal.AcquireSlotAsync(ct);
                id = await CreateExecutionAsync(settings, sql, window.Start, window.End, journal, ct, gate);
            }
            execution = await GetStatusAsync(settings, id, ct);
            progress?.Report($"AMC execution {id}: {execution.Status.ToString().ToUpperInvariant()}");
            while (!execution.IsTerminal)
            {
                await Task.Delay(pollInterval, clock, ct);
                var previous = execution.Status;
                execution = await GetStatusAsync(settings, id, ct);
                if (execution.Status != previous) progress?.Report($"AMC execution {id}: {execution.Status.ToString().ToUpperInvariant()}");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (id is not null && !stopping.IsCancellationRequested) await CancelRemoteAsync(settings, id);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // It did not get to run at AMC (or its outcome is unknown and the execution ends here): the slot goes to the next.
            await journal.ReleaseSlotAsync(CancellationToken.None);
            throw;
        }
        await journal.ReleaseSlotAsync(CancellationToken.None);

        switch (execution.Status)
        {
            case AmcExecutionStatus.Rejected: throw new AmcRejectedException(id, execution.StatusReason);
            case AmcExecutionStatus.Failed:
                await journal.ForgetRemoteAsync(ct);
                throw new AmcExecutionFailedException(id, execution.StatusReason);
            case AmcExecutionStatus.Cancelled:
                await journal.ForgetRemoteAsync(ct);
                throw new AmcCancelledException(id, execution.StatusReason);
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
        return new AmcRunResult(id, reused, new AmcResult(combined?.Columns ?? [], rows));
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
        Func<CancellationToken, Task<string?>>? recover = null, ISubmissionGate? gate = null)
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
        ISubmissionGate? gate = null)
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
                        if (gate is not null) await gate.ThrottledAsync(retryAfter, ct);
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
