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
/// source's connector, validates the rows against the template's <c>reportConfig</c> and merges them. At start it
/// picks up what a previous process left pending or running, so a crash or restart resumes without losing a run (the
/// merge is an upsert, so running a window again never duplicates). A shutdown leaves the run pending for the next start.
/// </summary>
public sealed class ExecutionRunner(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionQueue queue,
    SourceConnectors connectors,
    SourceSecrets secrets,
    ReportMerger merger,
    ExecutionNotifier notifier,
    Collections.InstanceRateLimiters gates,
    DatabaseInitializer initializer,
    IOptions<ReportOptions> options,
    TimeProvider clock,
    ILogger<ExecutionRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await initializer.WaitUntilReadyAsync(stoppingToken);
        await ResumeAsync(stoppingToken);
        var workers = Enumerable.Range(0, options.Value.Workers).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task ResumeAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // Segments of data collections are resumed by their collection's orchestrator, not here.
        var left = await db.Executions.Where(e => (e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running) && e.CollectionId == null)
            .OrderBy(e => e.CreatedAt).Select(e => new { e.Id, e.Status }).ToListAsync(ct);
        await db.Executions.Where(e => e.Status == ExecutionStatus.Running && e.CollectionId == null).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.Status, ExecutionStatus.Pending)
            .SetProperty(e => e.Message, "Interrupted by a restart; resuming"), ct);
        foreach (var e in left) queue.Enqueue(e.Id);
        if (left.Count > 0) logger.LogInformation("Resuming {Count} report executions left by the previous run", left.Count);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
            {
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
            // Claim it: only a pending execution starts (a cancelled one is skipped; two workers never take the same one).
            var claimed = await db.Executions.Where(e => e.Id == id && e.Status == ExecutionStatus.Pending).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, ExecutionStatus.Running)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                .SetProperty(e => e.StartedAt, e => e.StartedAt ?? clock.GetUtcNow())
                .SetProperty(e => e.Message, "Running"), stoppingToken);
            if (claimed == 0) return;
            execution = await db.Executions.AsNoTracking().SingleAsync(e => e.Id == id, stoppingToken);
        }
        queue.Started(id, cts);
        notifier.Publish(new ExecutionChange(id, execution.ReportId, ExecutionStatus.Running, "Running"));
        try
        {
            await ProcessAsync(execution, maxAttempts ?? options.Value.MaxAttempts, ct);
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
        catch (Exception e) when (e is SourceQueryException or ValidationException)
        {
            await FinishAsync(id, x =>
            {
                Fail(x, e.Message);
                x.FinalFailure = e is ValidationException or SourceQueryException { Retryable: false };
            }, CancellationToken.None);
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

    private async Task ProcessAsync(Execution execution, int maxAttempts, CancellationToken ct)
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
            Gate: gates.For(source.Id));
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

    private async Task FinishAsync(string id, Action<Execution> apply, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var execution = await db.Executions.SingleAsync(e => e.Id == id, ct);
        apply(execution);
        if (execution.Message is { Length: > 2000 } m) execution.Message = m[..2000];
        if (execution.Status == ExecutionStatus.Succeeded || execution.Status == ExecutionStatus.Failed)
            await db.Reports.Where(r => r.Id == execution.ReportId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastRunAt, execution.FinishedAt), ct);
        await db.SaveChangesAsync(ct);
        notifier.Publish(new ExecutionChange(id, execution.ReportId, execution.Status, execution.Message));
    }

    private async Task SetMessageAsync(Execution execution, string message, CancellationToken ct)
    {
        if (message.Length > 2000) message = message[..2000];
        await using var db = await factory.CreateDbContextAsync(ct);
        // Only while it runs: a progress line that arrives late must not overwrite how the run ended.
        var updated = await db.Executions.Where(e => e.Id == execution.Id && e.Status == ExecutionStatus.Running)
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
