using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Runs one data collection (job key = the collection's id, group <c>collections</c>). Not concurrent per collection —
/// across a cluster too, since the store is shared. Stopping the app interrupts it; the segments it leaves running are
/// resumed at the next start. Misfire policy: fire now (a late backfill is still wanted). When it has run, the insight
/// scan runs too, over the data that just landed.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DataCollectionJob(CollectionOrchestrator orchestrator, IHostApplicationLifetime lifetime) : IJob
{
    public const string Group = "collections";
    public const string CollectionIdKey = "collectionId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(CollectionIdKey) ?? context.JobDetail.Key.Name;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await orchestrator.RunAsync(id, stopping.Token);
        context.Result = $"collection {id} ran";
        // New data landed: look for anomalies in it now rather than at the next daily scan.
        if (!stopping.IsCancellationRequested) await context.Scheduler.TriggerJob(DailyInsightScanJob.Key, cancellationToken);
    }
}

/// <summary>Starts a collection's job now (or queues another run of it behind the one in progress).</summary>
public sealed class QuartzCollectionDispatcher(ISchedulerFactory schedulers) : ICollectionDispatcher
{
    public async Task DispatchAsync(string collectionId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(collectionId, DataCollectionJob.Group);
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{collectionId}-{Guid.NewGuid():N}", DataCollectionJob.Group)
            .ForJob(key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        if (!await scheduler.Exists(key, ct))
        {
            var job = JobBuilder.Create<DataCollectionJob>().WithIdentity(key).UsingJobData(DataCollectionJob.CollectionIdKey, collectionId)
                .WithDescription("Runs one data collection (backfill).").StoreDurably(false).Build();
            try
            {
                await scheduler.ScheduleJob(job, trigger, default(ScheduleJobOptions), ct);
                return;
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another request created it meanwhile: add our trigger to it below.
            }
        }
        await scheduler.ScheduleJob(trigger, default(ScheduleJobOptions), ct);
    }
}

/// <summary>
/// Every 15 seconds: takes over collections whose process died (active, but no heartbeat for
/// <see cref="CollectionOptions.StaleAfterSeconds"/>), and fires due report schedules. Misfire policy: skip missed runs —
/// each pass looks at the current state, so catching up would only repeat it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SupervisorJob(CollectionSupervisor supervisor, ScheduleService schedules) : IScheduledJob
{
    public static JobKey Key { get; } = new("supervisor", "system");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Every(TimeSpan.FromSeconds(settings.Jobs.SupervisorIntervalSeconds), new TriggerKey("supervisor-every-15s", "system"),
        "Fires due report schedules and takes over data collections whose process died.");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var revived = await supervisor.ReviveStaleAsync(cancellationToken);
        var runs = await schedules.RunDueAsync(cancellationToken);
        context.Result = $"revived {revived} collections, fired {runs.Count} schedules ({runs.Sum(r => r.ExecutionIds.Count)} executions, {runs.Sum(r => r.Skipped.Count)} windows already complete)";
    }
}
