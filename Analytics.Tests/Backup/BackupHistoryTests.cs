using Analytics.Data;
using Analytics.Data.Backup;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Backup;

/// <summary>The scheduled run, its records and retention, and the admin-only list and download (the rules the page and API share).</summary>
public sealed class BackupHistoryTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("analytics-backup-history-");
    private AnalyticsTestHost _host = null!;

    private string BackupDirectory => Path.Combine(_data.FullName, "backups");

    public async Task InitializeAsync()
    {
        _host = await CreateHostAsync(BackupServiceTests.Passphrase);
        await _host.InitializeAsync();
    }

    private Task<AnalyticsTestHost> CreateHostAsync(string? passphrase) =>
        AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Analytics:DataDirectory"] = _data.FullName,
            ["Analytics:Backup:Passphrase"] = passphrase,
            ["Analytics:Backup:Keep"] = "2",
        });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        try { _data.Delete(recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Scheduled_runs_write_a_named_backup_and_record_and_keep_the_newest_two()
    {
        var history = _host.Services.GetRequiredService<BackupHistory>();
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await history.RunScheduledAsync(CancellationToken.None)).Name);
            _host.Clock.Advance(TimeSpan.FromDays(1));
        }

        names.Should().Equal("analytics-20260315-120000.backup", "analytics-20260316-120000.backup", "analytics-20260317-120000.backup");
        var listed = await history.ListAsync(await _host.AdminAsync(), CancellationToken.None);
        listed.Select(e => e.Name).Should().Equal(names[2], names[1]);
        listed.Should().OnlyContain(e => e.Outcome == "succeeded" && e.Bytes > 0 && e.Rows > 0 && e.Scheduled);
        Directory.GetFiles(BackupDirectory).Select(f => Path.GetFileName(f)).Should().BeEquivalentTo(
            new[] { names[1], names[1] + ".json", names[2], names[2] + ".json" }, "retention deleted the oldest backup and its record");
        using var reader = BackupArchive.Open(Path.Combine(BackupDirectory, names[2]));
        reader.Manifest.Provider.Should().Be(DatabaseProvider.Sqlite);
    }

    [Fact]
    public async Task A_failed_run_is_recorded_thrown_for_the_job_console_and_notified_to_every_admin()
    {
        await using var host = await CreateHostAsync(passphrase: null);
        await host.InitializeAsync();
        var history = host.Services.GetRequiredService<BackupHistory>();

        var failure = await FluentActions.Awaiting(() => history.RunScheduledAsync(CancellationToken.None)).Should().ThrowAsync<BackupException>();

        failure.Which.Message.Should().Contain("Analytics:Backup:Passphrase");
        var entry = (await history.ListAsync(await host.AdminAsync(), CancellationToken.None)).Should().ContainSingle().Subject;
        entry.Outcome.Should().Be("failed");
        entry.CanDownload.Should().BeFalse();
        entry.Error.Should().Contain("Analytics:Backup:Passphrase");
        history.ScheduleProblem.Should().Contain("Analytics:Backup:Passphrase");
        await using var db = await host.DbAsync();
        var admins = await db.Users.Where(u => u.Role == Analytics.Domain.Access.Role.Admin).Select(u => u.Id).ToListAsync();
        (await db.Notifications.Where(n => n.Category == "backup").Select(n => n.UserId).ToListAsync()).Should().BeEquivalentTo(admins);
    }

    [Fact]
    public async Task Only_admins_list_and_download_backups_and_only_files_of_the_backup_directory()
    {
        var history = _host.Services.GetRequiredService<BackupHistory>();
        var name = (await history.RunScheduledAsync(CancellationToken.None)).Name;
        var admin = await _host.AdminAsync();
        var created = await _host.WithScopeAsync<UserService, CreatedUser>(u => u.CreateAsync(admin, new CreateUserCommand("ana@example.com", "Ana", "analyst", [], null), CancellationToken.None));
        var analyst = await _host.ActorAsync(created.User.Id);
        await File.WriteAllTextAsync(Path.Combine(_data.FullName, "secret.backup"), "outside the backup directory");

        await FluentActions.Awaiting(() => history.ListAsync(analyst, CancellationToken.None)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => history.OpenAsync(analyst, name, CancellationToken.None)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => history.OpenAsync(admin, "../secret.backup", CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => history.OpenAsync(admin, name + ".json", CancellationToken.None)).Should().ThrowAsync<NotFoundException>();

        await using var download = await history.OpenAsync(admin, name, CancellationToken.None);
        download.Content.Length.Should().Be(new FileInfo(Path.Combine(BackupDirectory, name)).Length);
        await using var db = await _host.DbAsync();
        (await db.AuditEvents.AnyAsync(e => e.Action == "backup.downloaded" && e.TargetId == name && e.ActorId == admin.UserId)).Should().BeTrue();
    }
}
