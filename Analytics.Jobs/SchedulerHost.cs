using Analytics.Data.Seeding;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Starts Quartz once the database is ready: the jobs read and write the app's tables, which a new database gets from
/// the migrations. Quartz's own hosted service would start it before the web host, so the database's initialization and
/// the scheduler's start would both stand in front of the server listening; here they run beside it. On stop, running jobs
/// finish first (they are idempotent, but a backfill segment in flight is not thrown away).
/// </summary>
internal sealed class SchedulerHost(
    ISchedulerFactory factory,
    DatabaseInitializer database,
    IHostApplicationLifetime lifetime,
    ILogger<SchedulerHost> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task<IScheduler?>? _started;

    /// <summary>The scheduler once this host has started it; null before (the database is still initializing) or if it failed.</summary>
    public IScheduler? Scheduler => _started is { IsCompletedSuccessfully: true } started ? started.Result : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = Task.Run(StartWhenReadyAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task<IScheduler?> StartWhenReadyAsync()
    {
        try
        {
            await database.WaitUntilReadyAsync(_stopping.Token);
            var scheduler = await factory.GetScheduler(_stopping.Token);
            await scheduler.Start(_stopping.Token);
            return scheduler;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (database.IsReady)
        {
            logger.LogCritical(e, "The job scheduler could not start; the app stops.");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return null;
        }
        catch (Exception)
        {
            return null; // the database's initialization failed: it has logged why and is stopping the app
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_started is null || await _started is not { } scheduler) return;
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }
}

/// <summary>
/// Ready once <see cref="SchedulerHost"/> has started the scheduler and while it runs (or stands by). Unlike Quartz's own
/// check it never creates the scheduler itself: created while a new database is being migrated, it would fail and stay
/// shut down.
/// </summary>
internal sealed class SchedulerHealthCheck(SchedulerHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Scheduler?.Status switch
        {
            null => HealthCheckResult.Unhealthy("The job scheduler starts once the database is ready."),
            SchedulerStatus.Running or SchedulerStatus.Standby => HealthCheckResult.Healthy(),
            var status => HealthCheckResult.Unhealthy($"The job scheduler is {status}."),
        });
}
