using Analytics.Data.Chat;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Jobs;

/// <summary>
/// Archives (soft-deletes) chat conversations idle longer than <c>Analytics:Chat:RetentionDays</c> (default 30). Daily
/// at 03:40 UTC. Also deletes external-model audit entries older than <c>Analytics:Chat:Egress:AuditRetentionDays</c> (default 90);; idempotent, so after downtime one catch-up run is enough (<c>FireAndProceed</c>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class ChatRetentionJob(ChatService chat, ChatEgressService egress, ILogger<ChatRetentionJob> logger) : IScheduledJob
{
    public static JobKey Key { get; } = new("chat-retention", "system");

    public static JobSchedule Schedule(JobScheduleSettings settings) => JobSchedule.Cron("0 40 3 * * ?", new TriggerKey("chat-retention-trigger", "system"),
        "Archives chat conversations idle longer than Analytics:Chat:RetentionDays (default 30); deletes external-model audit past Analytics:Chat:Egress:AuditRetentionDays (default 90).");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var archived = await chat.ArchiveExpiredAsync(cancellationToken);
        var purged = await egress.PurgeExpiredAsync(cancellationToken);
        context.Result = archived;
        if (archived > 0) logger.LogInformation("Chat retention archived {Count} conversations", archived);
        if (purged > 0) logger.LogInformation("Chat retention deleted {Count} external-model audit entries", purged);
    }
}
