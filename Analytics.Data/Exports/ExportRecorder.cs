using Analytics.Domain;
using Analytics.Domain.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Exports;

/// <summary>How an export was asked for: a one-off download (perhaps re-making an earlier one) or a subscription's run.</summary>
public sealed record ExportOrigin(string Trigger, string? SubscriptionId = null, string? SubscriptionName = null, string? SubscriptionRunId = null,
    string? RedownloadOf = null, IReadOnlyList<string>? Recipients = null)
{
    public static ExportOrigin Download { get; } = new(ExportTriggers.Download);

    public static ExportOrigin Redownload(string recordId) => new(ExportTriggers.Download, RedownloadOf: recordId);

    /// <summary>An "e-mail this now" to <paramref name="recipients"/>, recorded with them.</summary>
    public static ExportOrigin Email(IReadOnlyList<string> recipients) => new(ExportTriggers.Email, Recipients: recipients);

    public static ExportOrigin Subscription(string subscriptionId, string subscriptionName, string runId) =>
        new(ExportTriggers.Subscription, subscriptionId, subscriptionName, runId);
}

/// <summary>
/// Writes export history records. A record that cannot be written is logged and skipped: the history must never cost
/// the user their download (nor hide the export's own error).
/// </summary>
public sealed class ExportRecorder(IDbContextFactory<AnalyticsDbContext> factory, ILogger<ExportRecorder> logger)
{
    public const int MaxErrorLength = 4000;

    /// <summary>Saves <paramref name="record"/>; returns its id, or null when it could not be saved.</summary>
    public async Task<string?> RecordAsync(ExportRecord record)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            db.ExportRecords.Add(record);
            await db.SaveChangesAsync(CancellationToken.None);
            return record.Id;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record export {Record} of dashboard {Dashboard}", record.Id, record.DashboardId);
            return null;
        }
    }

    /// <summary>Marks a recorded export failed after the fact (its file was made, but the e-mail carrying it was not accepted).</summary>
    public async Task MarkFailedAsync(string recordId, string error)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            await db.ExportRecords.Where(r => r.Id == recordId).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Outcome, ExportOutcomes.Failed)
                .SetProperty(r => r.Error, error.Length <= MaxErrorLength ? error : error[..MaxErrorLength]), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not mark export {Record} failed", recordId);
        }
    }

    /// <summary>The error text a failed export is recorded with.</summary>
    public static string Describe(Exception e, CancellationToken ct)
    {
        var text = e switch
        {
            OperationCanceledException when ct.IsCancellationRequested => "Cancelled before the file was ready (the request was aborted or the app is stopping).",
            ValidationException v => string.Join(" ", v.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}"))),
            _ => e.Message,
        };
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
