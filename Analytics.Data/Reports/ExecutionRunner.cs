using System.Diagnostics;
using System.Text.Json;
using Analytics.Data.Seeding;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Reports;

/// <summary>
/// Runs queued executions on <see cref="ReportOptions.Workers"/> workers: binds the parameters for the window, asks the
/// source's connector, validates the rows against the template's <c>reportConfig</c> and merges them. An execution is
/// claimed by compare-and-set (pending → running, with this process as its runner), its heartbeat is beaten while it runs,
/// and every later write of it is conditional on this process still being its runner: an execution whose process died is
/// taken over by another (<see cref="ExecutionRecovery"/>), and the one that lost it stops without writing. The merge is an
/// upsert, so running a window again never duplicates; a remote source's run is recorded in the execution's journal, so a
/// resumed run picks it up instead of submitting it again. A shutdown leaves the run pending for the next start.
/// A scheduled run that fails for a retryable reason goes back to pending with a backoff (<see cref="ScheduleOptions"/>).
/// </summary>
public sealed class ExecutionRunner(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionQueue queue,
    SourceConnectors connectors,
    SourceSecrets secrets,
    ReportMerger merger,
    ExecutionNotifier notifier,
    Collections.InstanceRateLimiters gates,
    ExecutionJournals journals,
    ExecutionRecovery recovery,
    NodeIdentity node,
    DatabaseInitializer initializer,
    IOptions<ReportOptions> options,
    IOptions<ScheduleOptions> schedules,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    ILogger<ExecutionRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await initializer.WaitUntilReadyAsync(stoppingToken);
        await recovery.RecoverAsync(stoppingToken);
        var workers = Enumerable.Range(0, options.Value.Workers).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers.Append(recovery.BeatAsync(stoppingToken)));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
            {
                queue.Taken(id);
                try
                {
                    await RunAsync(id, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Execution {Execution} could not be processed", id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Runs one pending execution to an end state (or back to pending on shutdown). <paramref name="maxAttempts"/> caps
    /// the retries of a retryable source failure (the options' value by default; a collection retries segments itself).
    /// </summary>
    public async Task RunAsync(string id, CancellationToken stoppingToken, int? maxAttempts = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(options.Value.ExecutionTimeoutMinutes), clock);
        using var link = timeout.Token.Register(cts.Cancel);
        var ct = cts.Token;
        Execution execution;
        await using (var db = await factory.CreateDbContextAsync(stoppingToken))
        {
            // Claim it: only a pending execution that is due and not waiting for a person starts (a cancelled one is
            // skipped; two workers, or two processes, never take the same one).
            var now = clock.GetUtcNow();
            var claimed = await db.Executions
                .Where(e => e.Id == id && e.Status == ExecutionStatus.Pending && e.RemoteCandidatesJson == null && (e.NextAttemptAt == null || e.NextAttemptAt <= now))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(e => e.Status, ExecutionStatus.Running)
                    .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                    .SetProperty(e => e.StartedAt, e => e.StartedAt ?? now)
                    .SetProperty(e => e.Message, "Running")
                    .SetProperty(e => e.RunnerId, node.Id)
                    .SetProperty(e => e.HeartbeatAt, now)
                    .SetProperty(e => e.NextAttemptAt, (DateTimeOffset?)null), stoppingToken);
            if (claimed == 0) return;
            execution = await db.Executions.AsNoTracking().SingleAsync(e => e.Id == id, stoppingToken);
        }
        queue.Started(id, cts);
        notifier.Publish(new ExecutionChange(id, execution.ReportId, ExecutionStatus.Running, "Running"));
        // A scheduled run is retried by going back to pending with a backoff, not by waiting here.
        var scheduled = execution.Trigger == "schedule" && execution.CollectionId is null;
        try
        {
            await ProcessAsync(execution, scheduled ? 1 : maxAttempts ?? options.Value.MaxAttempts, ct, stoppingToken);
        }
        catch (RunSupersededException)
        {
            logger.LogWarning("Execution {Execution} was taken over by another process; this one stopped", id);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FinishAsync(id, e => { e.Status = ExecutionStatus.Pending; e.Message = "Interrupted by shutdown; resumes at the next start"; }, CancellationToken.None);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await FinishAsync(id, x => Fail(x, $"Timed out: still running after {options.Value.ExecutionTimeoutMinutes:0.#} minutes (Analytics:Reports:ExecutionTimeoutMinutes); stopped so it does not block its schedule."), CancellationToken.None);
        }
        catch (OperationCanceledException e)
        {
            await FinishAsync(id, x => { x.Status = ExecutionStatus.Cancelled; x.Message = e.Message.StartsWith("AMC", StringComparison.Ordinal) ? e.Message : "Cancelled"; x.FinishedAt = clock.GetUtcNow(); }, CancellationToken.None);
        }
        catch (RemoteRunAmbiguousException e)
        {
            // Never submit blindly: wait, pending, for a person to say which remote run is this one's.
            await FinishAsync(id, x =>
            {
                x.Status = ExecutionStatus.Pending;
                x.RemoteCandidatesJson = JsonSerializer.Serialize(e.Candidates, TemplateRules.Json);
                x.Message = e.Message;
                x.Error = null;
            }, CancellationToken.None);
        }
        catch (SourceQueryException e) when (e.Retryable && scheduled && execution.Attempts < schedules.Value.RetryMaxAttempts)
        {
            var next = clock.GetUtcNow() + schedules.Value.RetryDelay(execution.Attempts, Random.Shared.NextDouble());
            await FinishAsync(id, x =>
            {
                x.Status = ExecutionStatus.Pending;
                x.NextAttemptAt = next;
                x.Error = $"Attempt {x.Attempts} failed: {e.Message}";
                x.Message = $"Attempt {x.Attempts} of {schedules.Value.RetryMaxAttempts} failed; next attempt at {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC";
            }, CancellationToken.None);
        }
        catch (Exception e) when (e is SourceQueryException or ValidationException)
        {
            await FinishAsync(id, x =>
            {
                Fail(x, scheduled && x.Attempts > 1 && e is SourceQueryException { Retryable: true } ? $"Failed after {x.Attempts} attempts: {e.Message}" : e.Message);
                x.FinalFailure = e is ValidationException or SourceQueryException { Retryable: false };
            }, CancellationToken.None);
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            // Not the run's failure: the database went away under it. Back to pending once the database is back (never
            // failed for it); a collection's segment runs again through its collection, an ad-hoc or scheduled run is
            // queued again by the supervisor's next pass. Its remote run, if any, is in its journal and is picked up.
            logger.LogWarning("Execution {Execution} was interrupted: the database is unavailable ({Error}); it runs again once the database is back", id, e.Message);
            await TransientDatabase.RetryAsync(c => FinishAsync(id, x =>
            {
                x.Status = ExecutionStatus.Pending;
                x.Message = "Interrupted: the database was briefly unavailable; runs again";
            }, c), TimeSpan.FromSeconds(database.Value.RetryAfterSeconds), clock, logger, $"putting execution {id} back to pending", stoppingToken);
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Execution {Execution} failed unexpectedly", id);
            await FinishAsync(id, x => Fail(x, $"Unexpected error: {e.Message}"), CancellationToken.None);
        }
        finally
        {
            queue.Finished(id);
        }
    }

    private async Task ProcessAsync(Execution execution, int maxAttempts, CancellationToken ct, CancellationToken stopping)
    {
        Report report;
        ReportTemplateVersion template;
        DataSource source;
        Analytics.Domain.Facts.Dataset dataset;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            report = await db.Reports.AsNoTracking().SingleAsync(r => r.Id == execution.ReportId, ct);
            // The version the report pinned, not the template's newest: a later edit runs only once the report's owner accepts it.
            template = await db.TemplateVersions.AsNoTracking().SingleOrDefaultAsync(v => v.TemplateId == report.TemplateId && v.Version == report.TemplateVersion, ct)
                ?? throw new SourceQueryException($"Report '{report.Name}' runs version {report.TemplateVersion} of its template, which no longer exists.");
            await db.Executions.Where(e => e.Id == execution.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.TemplateVersion, template.Version), ct);
            source = await db.Sources.AsNoTracking().SingleAsync(s => s.Id == report.SourceId, ct);
            dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == report.DatasetId, ct)
                ?? throw new SourceQueryException($"Report '{report.Name}' has lost its dataset; duplicate the report to get a new one.");
        }
        var config = ReportConfig.FromJson(template.ReportConfigJson);
        var parameters = ParameterBinder.Bind(TemplateRules.ParseParameters(template.ParametersJson), TemplateRules.ParseValues(report.ParametersJson),
            TemplateRules.WindowDates(execution.TimeWindowStart, execution.TimeWindowEnd));
        var query = new SourceQuery(source, secrets.Unprotect(source), SqlTemplate.Parse(template.Sql), parameters,
            execution.TimeWindowStart, execution.TimeWindowEnd, new Progress(this, execution), Resumed: execution.Attempts > 1,
            Gate: gates.For(source.Id), Journal: journals.For(execution, source.Id), Stopping: stopping);
        var connector = connectors.Get(source.Kind);

        var watch = Stopwatch.StartNew();
        TabularResult result;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                result = await connector.RunAsync(query, ct);
                break;
            }
            catch (SourceQueryException e) when (e.Retryable && attempt < maxAttempts)
            {
                var delay = TimeSpan.FromSeconds(options.Value.RetryDelaySeconds * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble() / 2));
                await SetMessageAsync(execution, $"Attempt {attempt} failed ({e.Message}); retrying in {delay.TotalSeconds:0} s", ct);
                await Task.Delay(delay, clock, ct);
                await using var db = await factory.CreateDbContextAsync(ct);
                await db.Executions.Where(x => x.Id == execution.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Attempts, x => x.Attempts + 1), ct);
                query = query with { Resumed = true };
            }
        }
        var sourceMs = watch.ElapsedMilliseconds;
        var mapped = ResultMapper.Map(result, config, execution.TimeWindowStart);
        var preview = JsonSerializer.Serialize(new
        {
            columns = result.Columns,
            rows = result.Rows.Take(options.Value.PreviewRows).Select(r => r.Select(PreviewValue)),
            totalRows = result.Rows.Count,
        }, TemplateRules.Json);
        if (!mapped.IsValid)
        {
            await FinishAsync(execution.Id, x =>
            {
                Fail(x, mapped.Describe());
                x.FinalFailure = true;
                x.ProblemsJson = JsonSerializer.Serialize(mapped.Problems, TemplateRules.Json);
                x.PreviewJson = preview;
                x.SourceMs = sourceMs;
            }, CancellationToken.None);
            return;
        }

        await SetMessageAsync(execution, $"Merging {mapped.Rows.Count:N0} rows", ct);
        watch.Restart();
        execution.Checksum = mapped.Checksum;
        var outcome = await merger.MergeAsync(dataset, execution, mapped, ct);
        var mergeMs = watch.ElapsedMilliseconds;
        await FinishAsync(execution.Id, x =>
        {
            x.Status = ExecutionStatus.Succeeded;
            x.FinishedAt = clock.GetUtcNow();
            x.RowCount = mapped.Rows.Count;
            x.Checksum = mapped.Checksum;
            x.Unchanged = outcome.Unchanged;
            x.ConflictCount = outcome.ConflictCount;
            x.ConflictsJson = outcome.ConflictCount > 0 ? ReportMerger.SerializeConflicts(outcome.Conflicts) : null;
            x.SuppressedRows = mapped.SuppressedRows;
            x.PreviewJson = preview;
            x.SourceMs = sourceMs;
            x.MergeMs = mergeMs;
            x.Error = null;
            x.FinalFailure = false;
            x.Message = outcome.Unchanged
                ? $"Unchanged since execution {outcome.UnchangedSince}: nothing written"
                : $"Merged {outcome.RowsWritten:N0} rows"
                  + (outcome.ConflictCount > 0 ? $"; {outcome.ConflictCount:N0} replaced different values" : "")
                  + (mapped.SuppressedRows > 0 ? $"; {mapped.SuppressedRows:N0} source rows in (suppressed)" : "");
        }, CancellationToken.None);
    }

    private ILogger Logger => logger;

    private static object? PreviewValue(object? value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd"),
        DateTime t => t.ToString("o"),
        byte[] b => $"<{b.Length} bytes>",
        _ => value,
    };

    private void Fail(Execution x, string error)
    {
        x.Status = ExecutionStatus.Failed;
        x.Error = error.Length > 4000 ? error[..4000] : error;
        x.Message = "Failed";
        x.FinishedAt = clock.GetUtcNow();
    }

    /// <summary>
    /// Writes how the run ended — only while this process is still its runner (<see cref="Execution.RunnerId"/> is the
    /// row's concurrency token, so a takeover between the read and the write is noticed too). An execution that ended gives
    /// back its instance run slot.
    /// </summary>
    private async Task FinishAsync(string id, Action<Execution> apply, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var execution = await db.Executions.SingleAsync(e => e.Id == id, ct);
        if (execution.RunnerId != node.Id || execution.Status != ExecutionStatus.Running)
        {
            logger.LogWarning("Execution {Execution} is no longer run by this process ({Status}, runner {Runner}); its outcome here is dropped", id, execution.Status, execution.RunnerId);
            return;
        }
        apply(execution);
        if (execution.Message is { Length: > 2000 } m) execution.Message = m[..2000];
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Execution {Execution} was taken over by another process while it ended here; its outcome here is dropped", id);
            return;
        }
        if (execution.Status == ExecutionStatus.Succeeded || execution.Status == ExecutionStatus.Failed)
            await db.Reports.Where(r => r.Id == execution.ReportId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastRunAt, execution.FinishedAt), ct);
        if (!execution.Status.IsActive())
            await db.InstanceSlots.Where(s => s.ExecutionId == id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExecutionId, (string?)null).SetProperty(s => s.AcquiredAt, (DateTimeOffset?)null), ct);
        notifier.Publish(new ExecutionChange(id, execution.ReportId, execution.Status, execution.Message));
    }

    private async Task SetMessageAsync(Execution execution, string message, CancellationToken ct)
    {
        if (message.Length > 2000) message = message[..2000];
        await using var db = await factory.CreateDbContextAsync(ct);
        // Only while it runs: a progress line that arrives late must not overwrite how the run ended.
        var updated = await db.Executions.Where(e => e.Id == execution.Id && e.Status == ExecutionStatus.Running && e.RunnerId == node.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Message, message), ct);
        if (updated > 0) notifier.Publish(new ExecutionChange(execution.Id, execution.ReportId, ExecutionStatus.Running, message));
    }

    /// <summary>Connector status lines become the execution's message (fire and forget; the last one wins).</summary>
    private sealed class Progress(ExecutionRunner runner, Execution execution) : IProgress<string>
    {
        public void Report(string value) => _ = ReportAsync(value);

        private async Task ReportAsync(string value)
        {
            try { await runner.SetMessageAsync(execution, value, CancellationToken.None); }
            catch (Exception e) { runner.Logger.LogDebug(e, "Progress of {Execution} not recorded", execution.Id); }
        }
    }
}
