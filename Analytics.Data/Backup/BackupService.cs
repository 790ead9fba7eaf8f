using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Analytics.Data.Audit;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Backup;

/// <summary>What a backup wrote (the CLI prints it as JSON).</summary>
public sealed record BackupResult(string File, long Bytes, int Tables, long Rows, double Seconds, DatabaseProvider Provider, string? Schema, DateTimeOffset CreatedAt, int Keys);

/// <summary>What a restore put back.</summary>
public sealed record RestoreResult(string File, DatabaseProvider Provider, string? Schema, int Tables, long Rows, int Keys, double Seconds, string Target, string KeyDirectory);

/// <summary>The key ring as it travels inside a backup: every key file of the Data Protection key directory.</summary>
internal sealed record KeyRingFiles(IReadOnlyList<KeyRingFile> Files);

internal sealed record KeyRingFile(string Name, string Xml);

/// <summary>
/// Backup and restore of the configured database and the Data Protection key ring (without which encrypted source
/// credentials cannot be read on another machine). A backup is written to a temporary file beside the target and renamed
/// into place only when whole. A restore checks everything it can before it changes anything — that the file is ours and
/// whole, the provider, the schema (a migration this build knows), the passphrase, every part's checksum, and that the
/// target is empty unless <c>force</c> — then replaces the database in one transaction and adds the backup's keys to the
/// key directory the configuration reads. Both are audited.
/// </summary>
public sealed class BackupService(
    IDbContextFactory<AnalyticsDbContext> factory,
    IDatabaseSnapshot snapshot,
    IOptions<BackupOptions> options,
    IConfiguration configuration,
    AuditLog audit,
    TimeProvider clock,
    ILogger<BackupService> logger)
{
    public static string AppVersion { get; } =
        typeof(BackupService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public string KeyDirectory => DataDirectory.Keys(configuration);

    /// <summary>Backs up to <paramref name="target"/>; <paramref name="passphrase"/> falls back to <c>Analytics:Backup:Passphrase</c>.</summary>
    public async Task<BackupResult> CreateAsync(string target, string? passphrase, string actorName, CancellationToken ct)
    {
        passphrase = PassphraseFor("back up", passphrase);
        if (passphrase.Length < BackupOptions.MinPassphraseLength)
            throw new BackupException($"The passphrase is too short: use at least {BackupOptions.MinPassphraseLength} characters (it protects the key ring that decrypts source credentials).");
        var stopwatch = Stopwatch.StartNew();
        target = Path.GetFullPath(target);
        var directory = Path.GetDirectoryName(target)!;
        if (Directory.Exists(target)) throw new BackupException($"{target} is a folder: give the backup's file name, e.g. {Path.Combine(target, "analytics.backup")}.");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"Cannot create the folder {directory} for the backup: {e.Message}", e);
        }
        var stem = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}");
        string[] temporary = [stem + ".db", stem + ".keys", stem + ".partial"];
        try
        {
            var createdAt = clock.GetUtcNow();
            var contents = await snapshot.TakeAsync(temporary[0], ct);
            var keys = ReadKeyRing();
            await File.WriteAllBytesAsync(temporary[1], KeyRingCipher.Encrypt(JsonSerializer.SerializeToUtf8Bytes(keys, BackupArchive.Json), passphrase), ct);
            var manifest = new BackupManifest
            {
                AppVersion = AppVersion, Provider = snapshot.Provider, Schema = contents.Schema, CreatedAt = createdAt, Tables = contents.Tables,
            };
            await using (var output = new FileStream(temporary[2], FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                manifest = await BackupArchive.WriteAsync(output, manifest,
                    [new BackupPartSource(snapshot.PartName, temporary[0]), new BackupPartSource(BackupArchive.KeyRingEntry, temporary[1], System.IO.Compression.CompressionLevel.NoCompression)], ct);
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary[2], target, overwrite: true);
            var result = new BackupResult(target, new FileInfo(target).Length, manifest.Tables.Count, manifest.Rows, Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
                snapshot.Provider, manifest.Schema, createdAt, keys.Files.Count);
            await audit.RecordAsync(null, actorName, AuditActions.BackupCreated, "backup", Path.GetFileName(target),
                $"{result.Bytes} bytes, {result.Tables} tables, {result.Rows} rows, {result.Keys} keys, schema {result.Schema ?? "none"}", CancellationToken.None);
            logger.LogInformation("Backup written to {File}: {Bytes} bytes, {Rows} rows in {Seconds} s", target, result.Bytes, result.Rows, result.Seconds);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"The backup could not be written to {target}: {e.Message}", e);
        }
        finally
        {
            foreach (var file in temporary) TryDelete(file);
        }
    }

    /// <summary>Restores <paramref name="source"/> into the configured database and key directory; see the class summary for the checks.</summary>
    public async Task<RestoreResult> RestoreAsync(string source, string? passphrase, bool force, string actorName, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        source = Path.GetFullPath(source);
        using var reader = BackupArchive.Open(source);
        var manifest = reader.Manifest;
        var name = Path.GetFileName(source);
        if (manifest.Provider != snapshot.Provider)
            throw new BackupException($"{name} is a backup of a {manifest.Provider} database; this configuration uses {snapshot.Provider} (Analytics:Database:Provider). Restore it into a {manifest.Provider} configuration.");
        if (!reader.Has(snapshot.PartName) || !reader.Has(BackupArchive.KeyRingEntry))
            throw new BackupException($"{name} is damaged: it lacks {(reader.Has(snapshot.PartName) ? BackupArchive.KeyRingEntry : snapshot.PartName)}. Use another copy.");
        await CheckSchemaAsync(name, manifest, ct);
        passphrase = PassphraseFor("restore", passphrase);
        var keys = JsonSerializer.Deserialize<KeyRingFiles>(KeyRingCipher.Decrypt(await reader.ReadAsync(BackupArchive.KeyRingEntry, ct), passphrase), BackupArchive.Json)
            ?? throw new BackupException($"{name} is damaged: its key ring is empty.");
        foreach (var key in keys.Files.Where(k => Path.GetFileName(k.Name) != k.Name || !k.Name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)))
            throw new BackupException($"{name} is damaged: its key ring holds '{key.Name}', which is not a key file name.");
        var hasData = await snapshot.TargetHasDataAsync(ct);
        if (hasData && !force)
            throw new BackupException($"{snapshot.Describe()} is not empty: restoring would replace everything in it. Add --force to replace it, or point ConnectionStrings:Analytics at an empty database.");

        var extracted = Path.Combine(Path.GetTempPath(), $"analytics-restore-{Guid.NewGuid():N}{Path.GetExtension(snapshot.PartName)}");
        try
        {
            await reader.ExtractAsync(snapshot.PartName, extracted, ct);
            await snapshot.RestoreAsync(extracted, replace: hasData, ct);
        }
        finally
        {
            TryDelete(extracted);
        }
        WriteKeyRing(keys);
        var result = new RestoreResult(source, manifest.Provider, manifest.Schema, manifest.Tables.Count, manifest.Rows, keys.Files.Count,
            Math.Round(stopwatch.Elapsed.TotalSeconds, 3), snapshot.Describe(), KeyDirectory);
        await audit.RecordAsync(null, actorName, AuditActions.BackupRestored, "backup", name,
            $"taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC by {manifest.AppVersion}, schema {manifest.Schema ?? "none"}, {result.Rows} rows, {result.Keys} keys{(hasData ? ", replaced a non-empty database" : "")}",
            CancellationToken.None);
        logger.LogInformation("Restored {File} into {Target} in {Seconds} s", source, result.Target, result.Seconds);
        return result;
    }

    private async Task CheckSchemaAsync(string name, BackupManifest manifest, CancellationToken ct)
    {
        if (manifest.Schema is null) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var known = db.Database.GetMigrations().ToList();
        if (!known.Contains(manifest.Schema, StringComparer.Ordinal))
            throw new BackupException(
                $"{name} comes from a newer schema: its last migration {manifest.Schema} is not among this build's {known.Count} migrations (newest {known.LastOrDefault() ?? "none"}). " +
                $"Restore it with the version that took it ({manifest.AppVersion}) or a newer one.");
    }

    private string PassphraseFor(string what, string? given) =>
        !string.IsNullOrEmpty(given) ? given
        : !string.IsNullOrEmpty(options.Value.Passphrase) ? options.Value.Passphrase
        : throw new BackupException($"A passphrase is needed to {what}: the Data Protection key ring in a backup is encrypted with it. Give --passphrase or set Analytics:Backup:Passphrase.");

    private KeyRingFiles ReadKeyRing()
    {
        if (!Directory.Exists(KeyDirectory)) return new KeyRingFiles([]);
        return new KeyRingFiles(Directory.GetFiles(KeyDirectory, "*.xml").Order(StringComparer.Ordinal)
            .Select(f => new KeyRingFile(Path.GetFileName(f), File.ReadAllText(f))).ToList());
    }

    /// <summary>Adds the backup's keys to the key directory (keys already there stay: a key ring holds many keys).</summary>
    private void WriteKeyRing(KeyRingFiles keys)
    {
        Directory.CreateDirectory(KeyDirectory);
        foreach (var key in keys.Files)
        {
            var target = Path.Combine(KeyDirectory, Path.GetFileName(key.Name));
            var temporary = target + ".restoring";
            File.WriteAllText(temporary, key.Xml);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, target, overwrite: true);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file)) File.Delete(file);
        }
        catch (IOException)
        {
        }
    }
}
