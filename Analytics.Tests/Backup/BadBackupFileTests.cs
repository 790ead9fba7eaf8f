using System.Security.Cryptography;
using Analytics.Data;
using Analytics.Data.Backup;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Backup;

/// <summary>One good backup and one non-empty target database, shared by the bad-file cases.</summary>
public sealed class BadBackupFixture : IAsyncLifetime
{
    public DirectoryInfo Root { get; } = Directory.CreateTempSubdirectory("analytics-bad-backup-");
    public string Good => Path.Combine(Root.FullName, "good.backup");
    public string TargetTemplate => Path.Combine(Root.FullName, "target-template.db");

    public async Task InitializeAsync()
    {
        await using var source = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Analytics:DataDirectory"] = Path.Combine(Root.FullName, "source") });
        await source.InitializeAsync();
        source.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("t").Protect("secret");
        await source.Services.GetRequiredService<BackupService>().CreateAsync(Good, BackupServiceTests.Passphrase, "test", CancellationToken.None);
        // A non-empty target: a database the app has already started on.
        await using var target = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Analytics:DataDirectory"] = Path.Combine(Root.FullName, "target-data") });
        await target.InitializeAsync();
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection(target.ConnectionString + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            await command.ExecuteNonQueryAsync();
        }
        File.Copy(new SqliteConnectionStringBuilder(target.ConnectionString).DataSource, TargetTemplate);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Root.Delete(recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>restore</c> as a process against bad files: a wrong passphrase, a truncated file, a foreign file, a backup from a
/// newer schema, and a good backup into a non-empty database without <c>--force</c> — each exits non-zero with a message
/// that names the problem, and the target database and key directory are byte for byte as they were.
/// </summary>
public sealed class BadBackupFileTests(BadBackupFixture fixture) : IClassFixture<BadBackupFixture>
{
    private sealed record Target(string Directory, string Database, Dictionary<string, string> Settings);

    private Target NewTarget()
    {
        var directory = Path.Combine(fixture.Root.FullName, "target-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "analytics.db");
        File.Copy(fixture.TargetTemplate, database);
        return new Target(directory, database, new Dictionary<string, string>
        {
            ["Analytics:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Analytics"] = $"Data Source={database}",
            ["Analytics:DataDirectory"] = directory,
        });
    }

    /// <summary>Every file under the target directory with its SHA-256.</summary>
    private static Dictionary<string, string> Snapshot(Target target) =>
        Directory.GetFiles(target.Directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(target.Directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private async Task<string> RefusedAsync(string file, params string[] extra)
    {
        var target = NewTarget();
        var before = Snapshot(target);
        var result = await AppProcess.RunCommandAsync(target.Settings, ["restore", "--from", file, .. extra]);
        result.ExitCode.Should().NotBe(0, result.ToString());
        result.Output.Should().BeEmpty("nothing is printed as a result");
        Snapshot(target).Should().BeEquivalentTo(before, "a refused restore leaves the target database and key directory untouched");
        return result.Error;
    }

    private string CopyOfGood(string name)
    {
        var path = Path.Combine(fixture.Root.FullName, name);
        File.Copy(fixture.Good, path, overwrite: true);
        return path;
    }

    [Fact]
    public async Task A_wrong_passphrase_is_refused()
    {
        (await RefusedAsync(fixture.Good, "--passphrase", "not the passphrase at all", "--force")).Should().Contain("Wrong passphrase");
    }

    [Fact]
    public async Task A_truncated_file_is_refused()
    {
        var cut = CopyOfGood("cut.backup");
        await using (var stream = new FileStream(cut, FileMode.Open)) stream.SetLength(stream.Length * 2 / 3);
        (await RefusedAsync(cut, "--passphrase", BackupServiceTests.Passphrase, "--force")).Should().Contain("truncated");
    }

    [Fact]
    public async Task A_foreign_file_is_refused()
    {
        var foreign = Path.Combine(fixture.Root.FullName, "photo.backup");
        await File.WriteAllBytesAsync(foreign, RandomNumberGenerator.GetBytes(4096));
        (await RefusedAsync(foreign, "--passphrase", BackupServiceTests.Passphrase, "--force")).Should().Contain("not an Analytics backup");
    }

    [Fact]
    public async Task A_backup_from_a_newer_schema_is_refused()
    {
        var newer = CopyOfGood("newer.backup");
        await BackupArchiveTests.RewriteManifestAsync(newer, m => m["schema"] = "29991231000000_FromTheFuture");
        (await RefusedAsync(newer, "--passphrase", BackupServiceTests.Passphrase, "--force")).Should().Contain("newer schema").And.Contain("29991231000000_FromTheFuture");
    }

    [Fact]
    public async Task A_non_empty_target_without_force_is_refused_and_with_force_replaced()
    {
        (await RefusedAsync(fixture.Good, "--passphrase", BackupServiceTests.Passphrase)).Should().Contain("is not empty").And.Contain("--force");

        // The control: the same file and target with --force go through, and the check above could have seen a change.
        var target = NewTarget();
        var before = Snapshot(target);
        var result = await AppProcess.RunCommandAsync(target.Settings, "restore", "--from", fixture.Good, "--passphrase", BackupServiceTests.Passphrase, "--force");
        result.ExitCode.Should().Be(0, result.ToString());
        Snapshot(target).Should().NotEqual(before);
        Directory.GetFiles(Path.Combine(target.Directory, "keys"), "*.xml").Should().NotBeEmpty();
    }
}
