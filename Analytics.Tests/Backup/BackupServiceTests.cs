using Analytics.Data;
using Analytics.Data.Backup;
using Analytics.Data.Identity;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Backup;

/// <summary>
/// Backup and restore through the service, in process, on both providers (SQLite's backup API; pg_dump/pg_restore on
/// PostgreSQL): the data and the key ring travel, a non-empty target needs force, a failed backup leaves nothing behind.
/// The end-to-end run with real processes is <see cref="BackupProcessTests"/>.
/// </summary>
public abstract class BackupServiceTests : ProviderTests, IDisposable
{
    internal const string Passphrase = "correct horse battery staple";
    private readonly List<DirectoryInfo> _directories = [];

    private DirectoryInfo NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-backup-");
        _directories.Add(directory);
        return directory;
    }

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private Task<AnalyticsTestHost> HostAsync(DirectoryInfo data, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Analytics:DataDirectory"] = data.FullName };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return CreateHostAsync(settings: settings);
    }

    private static async Task<Dictionary<string, long>> CountsAsync(AnalyticsTestHost host)
    {
        await using var db = await host.DbAsync();
        return new Dictionary<string, long>
        {
            ["users"] = await db.Users.LongCountAsync(),
            ["metrics"] = await db.MetricDefinitions.LongCountAsync(),
            ["templates"] = await db.Templates.LongCountAsync(),
        };
    }

    [ProviderFact]
    public async Task A_restore_into_an_empty_database_brings_back_the_rows_and_the_keys_that_decrypt_secrets()
    {
        var sourceData = NewDirectory();
        await using var source = await HostAsync(sourceData);
        await source.InitializeAsync();
        var admin = await source.AdminAsync();
        await source.WithScopeAsync<UserService>(u => u.CreateAsync(admin, new CreateUserCommand("kept@example.com", "Kept", "analyst", [], null), CancellationToken.None));
        var secret = source.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("backup-test").Protect("amc-token-123");
        var file = Path.Combine(NewDirectory().FullName, "nested", "a.backup");

        var backup = await source.Services.GetRequiredService<BackupService>().CreateAsync(file, Passphrase, "test", CancellationToken.None);

        backup.File.Should().Be(file);
        backup.Bytes.Should().Be(new FileInfo(file).Length);
        backup.Keys.Should().BeGreaterThan(0, "protecting a secret created a key");
        backup.Schema.Should().NotBeNullOrEmpty();
        Directory.GetFiles(Path.GetDirectoryName(file)!).Should().ContainSingle("no temporary file is left beside the backup").Which.Should().Be(file);

        var targetData = NewDirectory();
        await using var target = await HostAsync(targetData);
        var restored = await target.Services.GetRequiredService<BackupService>().RestoreAsync(file, Passphrase, force: false, "test", CancellationToken.None);

        restored.Rows.Should().Be(backup.Rows);
        restored.KeyDirectory.Should().Be(Path.Combine(targetData.FullName, "keys"));
        (await CountsAsync(target)).Should().Equal(await CountsAsync(source));
        await using (var db = await target.DbAsync())
        {
            (await db.Users.AnyAsync(u => u.Email == "kept@example.com")).Should().BeTrue();
            (await db.AuditEvents.AnyAsync(e => e.Action == "backup.restored")).Should().BeTrue("the restore is audited in the restored database");
        }
        target.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("backup-test").Unprotect(secret)
            .Should().Be("amc-token-123", "the restored key ring decrypts what the source encrypted, in another data directory");
        await target.InitializeAsync(); // the app starts on it: migrations are current, seeding is idempotent
    }

    [ProviderFact]
    public async Task A_non_empty_target_is_refused_without_force_and_replaced_with_it()
    {
        await using var source = await HostAsync(NewDirectory());
        await source.InitializeAsync();
        var admin = await source.AdminAsync();
        await source.WithScopeAsync<UserService>(u => u.CreateAsync(admin, new CreateUserCommand("from-backup@example.com", "B", "viewer", [], null), CancellationToken.None));
        var file = Path.Combine(NewDirectory().FullName, "a.backup");
        await source.Services.GetRequiredService<BackupService>().CreateAsync(file, Passphrase, "test", CancellationToken.None);

        await using var target = await HostAsync(NewDirectory());
        await target.InitializeAsync();
        var targetAdmin = await target.AdminAsync();
        await target.WithScopeAsync<UserService>(u => u.CreateAsync(targetAdmin, new CreateUserCommand("only-in-target@example.com", "T", "viewer", [], null), CancellationToken.None));
        var service = target.Services.GetRequiredService<BackupService>();

        (await FluentActions.Awaiting(() => service.RestoreAsync(file, Passphrase, force: false, "test", CancellationToken.None)).Should().ThrowAsync<BackupException>())
            .Which.Message.Should().Contain("is not empty").And.Contain("--force");
        await using (var db = await target.DbAsync())
        {
            (await db.Users.AnyAsync(u => u.Email == "only-in-target@example.com")).Should().BeTrue("a refused restore changes nothing");
        }

        await service.RestoreAsync(file, Passphrase, force: true, "test", CancellationToken.None);

        await using (var db = await target.DbAsync())
        {
            (await db.Users.Select(u => u.Email).ToListAsync()).Should().Contain("from-backup@example.com").And.NotContain("only-in-target@example.com");
        }
        await target.InitializeAsync();
    }

    [ProviderFact]
    public async Task A_failed_backup_leaves_nothing_under_the_target_name()
    {
        var tools = NewDirectory();
        // PostgreSQL: a pg_dump that writes half a file and fails; SQLite: no database file at all.
        var fakeDump = Path.Combine(tools.FullName, "pg_dump");
        await File.WriteAllTextAsync(fakeDump, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --file=*) echo half > \"${a#--file=}\";; esac; done\necho 'pg_dump: error: simulated failure' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fakeDump, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var host = await HostAsync(NewDirectory(), new Dictionary<string, string?> { ["Analytics:Backup:PgBinDirectory"] = tools.FullName });
        if (Provider == DatabaseProvider.Postgres) await host.InitializeAsync();
        var directory = NewDirectory().FullName;
        var file = Path.Combine(directory, "a.backup");
        var service = host.Services.GetRequiredService<BackupService>();

        var failure = await FluentActions.Awaiting(() => service.CreateAsync(file, Passphrase, "test", CancellationToken.None)).Should().ThrowAsync<BackupException>();

        failure.Which.Message.Should().Contain(Provider == DatabaseProvider.Postgres ? "simulated failure" : "There is no database");
        Directory.GetFileSystemEntries(directory).Should().BeEmpty("neither the target nor a temporary file is left behind");
        (await FluentActions.Awaiting(() => service.CreateAsync(file, null, "test", CancellationToken.None)).Should().ThrowAsync<BackupException>())
            .Which.Message.Should().Contain("--passphrase").And.Contain("Analytics:Backup:Passphrase");
        (await FluentActions.Awaiting(() => service.CreateAsync(file, "short", "test", CancellationToken.None)).Should().ThrowAsync<BackupException>())
            .Which.Message.Should().Contain("too short");
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteBackupServiceTests : BackupServiceTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresBackupServiceTests : BackupServiceTests;
