using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Backup;

namespace Analytics.Tests.Backup;

/// <summary>The backup file format without processes: what it holds, and that every kind of bad file is refused by name.</summary>
public sealed class BackupArchiveTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("analytics-archive-");

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);

    public void Dispose()
    {
        try { _directory.Delete(recursive: true); } catch (IOException) { }
    }

    private async Task<(string File, byte[] Database, byte[] KeyRing)> WriteSampleAsync()
    {
        var database = new byte[200_000];
        new Random(7).NextBytes(database.AsSpan(0, 100_000)); // half noise, half zeros: compressible and not
        var keyRing = KeyRingCipher.Encrypt(Encoding.UTF8.GetBytes("{\"files\":[]}"), "correct horse battery");
        await File.WriteAllBytesAsync(PathOf("db.part"), database);
        await File.WriteAllBytesAsync(PathOf("keys.part"), keyRing);
        var file = PathOf("sample.backup");
        await using (var output = File.Create(file))
        {
            await BackupArchive.WriteAsync(output, new BackupManifest
            {
                AppVersion = "1.2.3", Provider = DatabaseProvider.Sqlite, Schema = "20261201000000_Initial", CreatedAt = new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero),
                Tables = new Dictionary<string, long> { ["facts"] = 120, ["dashboards"] = 3 },
            }, [new BackupPartSource("database.sqlite", PathOf("db.part")), new BackupPartSource(BackupArchive.KeyRingEntry, PathOf("keys.part"), CompressionLevel.NoCompression)], CancellationToken.None);
        }
        return (file, database, keyRing);
    }

    private static string Refusal(string file) =>
        FluentActions.Invoking(() => BackupArchive.Open(file).Dispose()).Should().Throw<BackupException>().Which.Message;

    [Fact]
    public async Task A_backup_reads_back_its_manifest_and_parts_with_checksums()
    {
        var (file, database, keyRing) = await WriteSampleAsync();

        using var reader = BackupArchive.Open(file);
        reader.Manifest.Format.Should().Be("analytics-backup");
        reader.Manifest.FormatVersion.Should().Be(1);
        reader.Manifest.Provider.Should().Be(DatabaseProvider.Sqlite);
        reader.Manifest.Schema.Should().Be("20261201000000_Initial");
        reader.Manifest.Rows.Should().Be(123);
        reader.Manifest.Parts.Select(p => p.Name).Should().Equal("database.sqlite", BackupArchive.KeyRingEntry);
        reader.Manifest.Parts[0].Bytes.Should().Be(database.Length);
        reader.Manifest.Parts[0].Sha256.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(database)));
        await reader.ExtractAsync("database.sqlite", PathOf("out.db"), CancellationToken.None);
        (await File.ReadAllBytesAsync(PathOf("out.db"))).Should().Equal(database);
        (await reader.ReadAsync(BackupArchive.KeyRingEntry, CancellationToken.None)).Should().Equal(keyRing);

        using var zip = ZipFile.OpenRead(file);
        zip.Entries[0].FullName.Should().Be("manifest.json", "the manifest comes first, so the file says what it is");
    }

    [Fact]
    public void The_key_ring_decrypts_with_its_passphrase_only()
    {
        var secret = Encoding.UTF8.GetBytes("<key id=\"1\">secret master key</key>");
        var sealedRing = KeyRingCipher.Encrypt(secret, "correct horse battery");

        KeyRingCipher.Decrypt(sealedRing, "correct horse battery").Should().Equal(secret);
        Encoding.UTF8.GetString(sealedRing).Should().NotContain("secret master key");
        FluentActions.Invoking(() => KeyRingCipher.Decrypt(sealedRing, "correct horse battery!")).Should().Throw<BackupException>().WithMessage("Wrong passphrase*");
        KeyRingCipher.Encrypt(secret, "correct horse battery").Should().NotEqual(sealedRing, "salt and nonce are random");
    }

    [Fact]
    public void A_key_ring_with_a_changed_header_or_too_few_iterations_is_refused()
    {
        var sealedRing = KeyRingCipher.Encrypt("{}"u8, "correct horse battery");
        var fewer = (byte[])sealedRing.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(fewer.AsSpan(4), 1000);
        FluentActions.Invoking(() => KeyRingCipher.Decrypt(fewer, "correct horse battery")).Should().Throw<BackupException>().WithMessage("*iterations*");
        var salted = (byte[])sealedRing.Clone();
        salted[10] ^= 1;
        FluentActions.Invoking(() => KeyRingCipher.Decrypt(salted, "correct horse battery")).Should().Throw<BackupException>("the header is authenticated");
        FluentActions.Invoking(() => KeyRingCipher.Decrypt("not a key ring"u8, "x")).Should().Throw<BackupException>().WithMessage("*damaged*");
    }

    [Fact]
    public async Task A_truncated_backup_is_refused_as_truncated_at_any_length()
    {
        var (file, _, _) = await WriteSampleAsync();
        var bytes = await File.ReadAllBytesAsync(file);
        foreach (var length in new[] { bytes.Length - 1, bytes.Length - 22, bytes.Length / 2, 100, 20 })
        {
            await File.WriteAllBytesAsync(PathOf("cut.backup"), bytes[..length]);
            Refusal(PathOf("cut.backup")).Should().Contain("truncated", $"cut to {length} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public async Task Foreign_files_are_refused_as_not_an_Analytics_backup()
    {
        await File.WriteAllTextAsync(PathOf("notes.txt"), "hello, I am a text file and long enough to have a header");
        Refusal(PathOf("notes.txt")).Should().Contain("not an Analytics backup");

        await File.WriteAllBytesAsync(PathOf("empty.backup"), []);
        Refusal(PathOf("empty.backup")).Should().Contain("empty");

        using (var zip = ZipFile.Open(PathOf("other.zip"), ZipArchiveMode.Create))
        {
            await using var writer = new StreamWriter(zip.CreateEntry("readme.md").Open());
            await writer.WriteAsync("someone else's archive");
        }
        Refusal(PathOf("other.zip")).Should().Contain("not an Analytics backup");

        using (var zip = ZipFile.Open(PathOf("lookalike.zip"), ZipArchiveMode.Create))
        {
            await using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            await writer.WriteAsync("{\"format\":\"something-else\",\"formatVersion\":1}");
        }
        Refusal(PathOf("lookalike.zip")).Should().Contain("not an Analytics backup");

        Refusal(PathOf("missing.backup")).Should().Contain("There is no file");
    }

    [Fact]
    public async Task A_damaged_part_is_refused_by_its_checksum()
    {
        var (file, _, keyRing) = await WriteSampleAsync();
        var bytes = await File.ReadAllBytesAsync(file);
        // The key ring is stored uncompressed: find it in the file and flip one byte of its ciphertext.
        var at = bytes.AsSpan().IndexOf(keyRing.AsSpan(0, 40));
        at.Should().BePositive();
        bytes[at + keyRing.Length - 1] ^= 0xFF;
        await File.WriteAllBytesAsync(PathOf("flipped.backup"), bytes);

        using var reader = BackupArchive.Open(PathOf("flipped.backup"));
        (await FluentActions.Awaiting(() => reader.ReadAsync(BackupArchive.KeyRingEntry, CancellationToken.None)).Should().ThrowAsync<BackupException>())
            .Which.Message.Should().Contain("damaged").And.Contain("SHA-256");
    }

    [Fact]
    public async Task A_backup_in_a_newer_format_is_refused_by_name()
    {
        var (file, _, _) = await WriteSampleAsync();
        await RewriteManifestAsync(file, m => m["formatVersion"] = 2);
        Refusal(file).Should().Contain("newer version of Analytics").And.Contain("format 2");
    }

    /// <summary>Rewrites a backup's manifest in place (the parts stay as they are).</summary>
    internal static async Task RewriteManifestAsync(string file, Action<JsonObject> change)
    {
        using var zip = ZipFile.Open(file, ZipArchiveMode.Update);
        var entry = zip.GetEntry("manifest.json")!;
        JsonObject manifest;
        using (var reader = new StreamReader(entry.Open())) manifest = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        change(manifest);
        entry.Delete();
        await using var writer = new StreamWriter(zip.CreateEntry("manifest.json", CompressionLevel.NoCompression).Open());
        await writer.WriteAsync(manifest.ToJsonString());
    }
}
