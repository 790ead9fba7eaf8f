using System.Globalization;
using System.Text.Json;
using Analytics.Data.Audit;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Backup;

/// <summary>One backup of the backup directory as the admin page shows it.</summary>
public sealed record BackupEntry(string Name, DateTimeOffset At, string Outcome, long? Bytes, long? Rows, double? Seconds, string? Error, bool Scheduled)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public bool CanDownload => Outcome == Succeeded;
}

/// <summary>The record a scheduled run leaves beside its backup (<c>NAME.backup.json</c>), also when it failed and no backup exists.</summary>
internal sealed record BackupRunRecord(string Name, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, long? Bytes, int? Tables, long? Rows, double? Seconds, string? Error);

/// <summary>A backup file opened for download; dispose it when sent.</summary>
public sealed record BackupDownload(string FileName, Stream Content) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>Which scheduled backups retention deletes: past the newest <c>keep</c> successes, and past the newest <c>keep</c> failure records.</summary>
public static class BackupRetention
{
    public static IReadOnlyList<BackupEntry> Expired(IEnumerable<BackupEntry> entries, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        return entries.Where(e => e.Scheduled).GroupBy(e => e.Outcome == BackupEntry.Succeeded)
            .SelectMany(g => g.OrderByDescending(e => e.At).ThenByDescending(e => e.Name, StringComparer.Ordinal).Skip(keep))
            .OrderBy(e => e.At).ToList();
    }
}

/// <summary>
/// The backup directory (<c>Analytics:Backup:Directory</c>): the scheduled run (a backup named by its time, a JSON record
/// beside it with the outcome, retention, and on failure a bell notification to every admin), the list the admin page
/// shows and downloads. The directory itself is the history, so it survives restoring the database. Admins only —
/// checked here, so the page and the API share the rule.
/// </summary>
public sealed class BackupHistory(
    BackupService backups,
    IOptions<BackupOptions> options,
    IDbContextFactory<AnalyticsDbContext> factory,
    NotificationService notifications,
    AuditLog audit,
    TimeProvider clock,
    ILogger<BackupHistory> logger)
{
    private const string RecordSuffix = ".json";

    public string Directory => options.Value.Directory!;

    /// <summary>Why scheduled backups cannot run as configured, in words for the page; null when they can.</summary>
    public string? ScheduleProblem =>
        !options.Value.Enabled ? "Scheduled backups are off (Analytics:Backup:Enabled is false)."
        : string.IsNullOrEmpty(options.Value.Passphrase) ? "Scheduled backups are off until Analytics:Backup:Passphrase is set (at least 12 characters): it encrypts the key ring inside each backup."
        : null;

    public string Schedule => options.Value.Schedule;

    public int Keep => options.Value.Keep;

    public Task<IReadOnlyList<BackupEntry>> ListAsync(Actor actor, CancellationToken ct)
    {
        actor.EnsureAdmin("see backups");
        return Task.FromResult(Read());
    }

    /// <summary>Opens a backup of the directory for download (audited). Unknown names, and anything that is not a backup file there, are 404.</summary>
    public async Task<BackupDownload> OpenAsync(Actor actor, string name, CancellationToken ct)
    {
        actor.EnsureAdmin("download backups");
        if (Path.GetFileName(name) != name || !name.EndsWith(BackupArchive.Extension, StringComparison.Ordinal) || name.StartsWith('.'))
            throw new NotFoundException("Backup", name);
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path)) throw new NotFoundException("Backup", name);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        await audit.RecordAsync(actor, AuditActions.BackupDownloaded, "backup", name, $"{stream.Length} bytes", CancellationToken.None);
        return new BackupDownload(name, stream);
    }

    /// <summary>
    /// The scheduled backup: writes <c>analytics-yyyyMMdd-HHmmss.backup</c> and its record, applies retention, and on failure
    /// records it, notifies the admins and throws (so the job console shows the failure).
    /// </summary>
    public async Task<BackupEntry> RunScheduledAsync(CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var name = $"analytics-{started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}{BackupArchive.Extension}";
        BackupRunRecord record;
        Exception? failure = null;
        try
        {
            if (!options.Value.Enabled || string.IsNullOrEmpty(options.Value.Passphrase)) throw new BackupException(ScheduleProblem!);
            var result = await backups.CreateAsync(Path.Combine(Directory, name), options.Value.Passphrase, "scheduled backup", ct);
            record = new BackupRunRecord(name, started, clock.GetUtcNow(), BackupEntry.Succeeded, result.Bytes, result.Tables, result.Rows, result.Seconds, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e;
            record = new BackupRunRecord(name, started, clock.GetUtcNow(), BackupEntry.Failed, null, null, null, null, e is BackupException ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }
        WriteRecord(record);
        foreach (var expired in BackupRetention.Expired(Read(), options.Value.Keep)) Delete(expired);
        if (failure is not null)
        {
            logger.LogError(failure, "Scheduled backup {Name} failed", name);
            await NotifyAdminsAsync(record.Error!, ct);
            throw new BackupException($"Scheduled backup failed: {record.Error}", failure);
        }
        return ToEntry(record);
    }

    private IReadOnlyList<BackupEntry> Read()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var records = new Dictionary<string, BackupRunRecord>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*" + BackupArchive.Extension + RecordSuffix))
        {
            try
            {
                if (JsonSerializer.Deserialize<BackupRunRecord>(File.ReadAllText(file), BackupArchive.Json) is { } r && r.Name == Path.GetFileName(file)[..^RecordSuffix.Length])
                    records[r.Name] = r;
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                logger.LogWarning(e, "Unreadable backup record {File}", file);
            }
        }
        var entries = records.Values.Select(ToEntry).ToList();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*" + BackupArchive.Extension))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || records.ContainsKey(name)) continue;
            var info = new FileInfo(file);
            entries.Add(new BackupEntry(name, info.LastWriteTimeUtc, BackupEntry.Succeeded, info.Length, null, null, null, Scheduled: false));
        }
        return entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Name, StringComparer.Ordinal).ToList();
    }

    private BackupEntry ToEntry(BackupRunRecord r)
    {
        var exists = File.Exists(Path.Combine(Directory, r.Name));
        return r.Outcome == BackupEntry.Succeeded && !exists
            ? new BackupEntry(r.Name, r.StartedAt, BackupEntry.Failed, null, r.Rows, r.Seconds, "The backup file is gone from the backup directory.", Scheduled: true)
            : new BackupEntry(r.Name, r.StartedAt, r.Outcome, r.Bytes, r.Rows, r.Seconds, r.Error, Scheduled: true);
    }

    private void WriteRecord(BackupRunRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, record.Name + RecordSuffix);
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(record, BackupArchive.Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private void Delete(BackupEntry entry)
    {
        foreach (var file in new[] { entry.Name, entry.Name + RecordSuffix }.Select(n => Path.Combine(Directory, n)))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Retention could not delete {File}", file);
            }
        }
    }

    private async Task NotifyAdminsAsync(string error, CancellationToken ct)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var admins = await db.Users.AsNoTracking().Where(u => u.Role == Role.Admin && !u.Disabled).Select(u => u.Id).ToListAsync(ct);
            foreach (var admin in admins)
                await notifications.NotifyAsync(admin, "backup", "Scheduled backup failed", error, "/admin/backups", ct);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(e, "Admins could not be notified of the failed backup");
        }
    }
}
