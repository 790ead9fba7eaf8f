using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Analytics.Data.Backup;

/// <summary>One part of a backup as the manifest lists it: its entry name, length and SHA-256 (lower-case hex).</summary>
public sealed record BackupPart(string Name, long Bytes, string Sha256);

/// <summary>
/// The first entry of every backup: what it is (<see cref="Format"/>, <see cref="FormatVersion"/>), what made it (app
/// version, provider, schema = the last applied migration), when, how many rows each table held, and each part's checksum.
/// </summary>
public sealed record BackupManifest
{
    public const string FormatName = "analytics-backup";
    public const int CurrentFormatVersion = 1;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string AppVersion { get; init; }
    public required DatabaseProvider Provider { get; init; }
    /// <summary>The id of the last migration applied to the database backed up (null: none).</summary>
    public required string? Schema { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required IReadOnlyDictionary<string, long> Tables { get; init; }
    public IReadOnlyList<BackupPart> Parts { get; init; } = [];

    public long Rows => Tables.Values.Sum();
}

/// <summary>A file to put into a backup under <paramref name="Name"/>.</summary>
public sealed record BackupPartSource(string Name, string Path, CompressionLevel Compression = CompressionLevel.Fastest);

/// <summary>
/// The backup file: a zip archive whose first entry is <c>manifest.json</c> (stored uncompressed, so a glance at the file
/// shows what it is), then the database snapshot and the encrypted key ring. Reading checks, in order: that it is a zip
/// (else "not an Analytics backup"), that it is whole (a truncated zip has lost its central directory), that its manifest
/// is ours and of a format this build reads; each part is checked against its length and SHA-256 as it is read.
/// </summary>
public static class BackupArchive
{
    public const string ManifestEntry = "manifest.json";
    public const string KeyRingEntry = "keyring.bin";
    public const string Extension = ".backup";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Writes the archive to <paramref name="output"/>: the manifest (with the parts' checksums filled in), then the parts.</summary>
    public static async Task<BackupManifest> WriteAsync(Stream output, BackupManifest manifest, IReadOnlyList<BackupPartSource> parts, CancellationToken ct)
    {
        var listed = new List<BackupPart>();
        foreach (var part in parts)
        {
            await using var file = File.OpenRead(part.Path);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
            listed.Add(new BackupPart(part.Name, file.Length, hash));
        }
        manifest = manifest with { Parts = listed };
        await using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8))
        {
            var entry = zip.CreateEntry(ManifestEntry, CompressionLevel.NoCompression);
            await using (var stream = entry.Open())
            {
                await JsonSerializer.SerializeAsync(stream, manifest, Json, ct);
            }
            foreach (var part in parts)
            {
                var partEntry = zip.CreateEntry(part.Name, part.Compression);
                await using var target = partEntry.Open();
                await using var source = File.OpenRead(part.Path);
                await source.CopyToAsync(target, ct);
            }
        }
        return manifest;
    }

    /// <summary>Opens and checks a backup file; a <see cref="BackupException"/> says what is wrong with it.</summary>
    public static BackupReader Open(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new BackupException($"There is no file {path}: give the path of a backup taken with 'backup --to FILE'.");
        var stream = File.OpenRead(path);
        try
        {
            if (stream.Length == 0) throw new BackupException($"{name} is empty: it is not an Analytics backup (or the copy failed); use another copy.");
            Span<byte> head = stackalloc byte[30 + ManifestEntry.Length];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (read < 4 || !head[..4].SequenceEqual("PK\u0003\u0004"u8))
                throw new BackupException($"{name} is not an Analytics backup (it is not a zip archive starting with manifest.json): give a file made by 'backup --to FILE'.");
            // Our archives start with manifest.json's local header; a file cut inside that header is ours, truncated.
            var firstEntryIsOurs = read < head.Length || head[30..].SequenceEqual(Encoding.ASCII.GetBytes(ManifestEntry));
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false, Encoding.UTF8);
            }
            catch (InvalidDataException e)
            {
                throw firstEntryIsOurs
                    ? new BackupException($"{name} is truncated or damaged (its end, the zip's central directory, is missing): the copy or the backup was cut short; use another copy.", e)
                    : new BackupException($"{name} is not an Analytics backup (a damaged zip archive without our manifest): give a file made by 'backup --to FILE'.", e);
            }
            try
            {
                return new BackupReader(name, zip, ReadManifest(name, zip));
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static BackupManifest ReadManifest(string name, ZipArchive zip)
    {
        var entry = zip.GetEntry(ManifestEntry)
            ?? throw new BackupException($"{name} is not an Analytics backup (a zip archive without {ManifestEntry}): give a file made by 'backup --to FILE'.");
        BackupManifest? manifest;
        try
        {
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize<BackupManifest>(stream, Json);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new BackupException($"{name} is not an Analytics backup (its {ManifestEntry} is not our manifest): give a file made by 'backup --to FILE'.", e);
        }
        if (manifest is null || manifest.Format != BackupManifest.FormatName)
            throw new BackupException($"{name} is not an Analytics backup (its {ManifestEntry} does not say format \"{BackupManifest.FormatName}\"): give a file made by 'backup --to FILE'.");
        if (manifest.FormatVersion > BackupManifest.CurrentFormatVersion)
            throw new BackupException($"{name} was written by a newer version of Analytics (backup format {manifest.FormatVersion}; this build reads up to {BackupManifest.CurrentFormatVersion}): restore it with that version or newer.");
        foreach (var part in manifest.Parts)
        {
            var partEntry = zip.GetEntry(part.Name)
                ?? throw new BackupException($"{name} is damaged: its manifest lists {part.Name}, which the archive does not hold. Use another copy.");
            if (partEntry.Length != part.Bytes)
                throw new BackupException($"{name} is damaged: {part.Name} holds {partEntry.Length} bytes, its manifest says {part.Bytes}. Use another copy.");
        }
        return manifest;
    }
}

/// <summary>An opened backup: its manifest, and its parts read back with their length and SHA-256 checked.</summary>
public sealed class BackupReader(string name, ZipArchive zip, BackupManifest manifest) : IDisposable
{
    public BackupManifest Manifest { get; } = manifest;

    public bool Has(string part) => Manifest.Parts.Any(p => p.Name == part);

    /// <summary>Copies <paramref name="part"/> to <paramref name="destination"/>, then checks it; a damaged part throws (the caller deletes the file).</summary>
    public async Task ExtractAsync(string part, string destination, CancellationToken ct)
    {
        var (entry, listed) = Find(part);
        await using (var target = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await CopyAsync(entry, target, ct);
        }
        await using var written = File.OpenRead(destination);
        Check(listed, written.Length, await SHA256.HashDataAsync(written, ct));
    }

    public async Task<byte[]> ReadAsync(string part, CancellationToken ct)
    {
        var (entry, listed) = Find(part);
        using var memory = new MemoryStream();
        await CopyAsync(entry, memory, ct);
        var bytes = memory.ToArray();
        Check(listed, bytes.Length, SHA256.HashData(bytes));
        return bytes;
    }

    private (ZipArchiveEntry Entry, BackupPart Listed) Find(string part)
    {
        var listed = Manifest.Parts.FirstOrDefault(p => p.Name == part)
            ?? throw new BackupException($"{name} holds no {part}: it is damaged or was not taken by this kind of installation.");
        return (zip.GetEntry(part)!, listed);
    }

    private async Task CopyAsync(ZipArchiveEntry entry, Stream target, CancellationToken ct)
    {
        try
        {
            await using var source = entry.Open();
            await source.CopyToAsync(target, ct);
        }
        catch (InvalidDataException e)
        {
            throw new BackupException($"{name} is damaged: {entry.Name} cannot be read ({e.Message}). Use another copy.", e);
        }
    }

    private void Check(BackupPart listed, long bytes, byte[] hash)
    {
        if (bytes != listed.Bytes || Convert.ToHexStringLower(hash) != listed.Sha256)
            throw new BackupException($"{name} is damaged: {listed.Name} does not match its SHA-256 in the manifest. Use another copy.");
    }

    public void Dispose() => zip.Dispose();
}
