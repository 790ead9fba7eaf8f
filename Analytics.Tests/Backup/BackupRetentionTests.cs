using Analytics.Data.Backup;

namespace Analytics.Tests.Backup;

public sealed class BackupRetentionTests
{

    private static BackupEntry Entry(int day, string outcome = BackupEntry.Succeeded, bool scheduled = true) =>
        new($"analytics-202612{day:00}-020000.backup", new DateTimeOffset(2026, 12, day, 2, 0, 0, TimeSpan.Zero), outcome, outcome == BackupEntry.Succeeded ? 100 : null, null, null,
            outcome == BackupEntry.Failed ? "disk full" : null, scheduled);

    [Fact]
    public void Retention_keeps_the_newest_successes_and_deletes_older_ones()
    {
        var entries = Enumerable.Range(1, 6).Select(d => Entry(d)).Reverse().ToList();

        BackupRetention.Expired(entries, keep: 3).Select(e => e.At.Day).Should().Equal(1, 2, 3);
        BackupRetention.Expired(entries, keep: 6).Should().BeEmpty();
        BackupRetention.Expired(entries, keep: 10).Should().BeEmpty();
    }

    [Fact]
    public void Failures_never_push_out_a_success_and_their_records_are_kept_as_many_times()
    {
        // Three failures in a row after two successes: both successes stay (a failure is not a backup).
        var entries = new[] { Entry(1), Entry(2), Entry(3, BackupEntry.Failed), Entry(4, BackupEntry.Failed), Entry(5, BackupEntry.Failed) };

        var expired = BackupRetention.Expired(entries, keep: 2);

        expired.Should().ContainSingle().Which.At.Day.Should().Be(3, "only the oldest failure record goes");
    }

    [Fact]
    public void Backups_not_made_by_the_schedule_are_never_deleted()
    {
        var entries = new[] { Entry(1, scheduled: false), Entry(2), Entry(3), Entry(4) };

        BackupRetention.Expired(entries, keep: 1).Select(e => e.At.Day).Should().Equal(2, 3);
    }

    [Fact]
    public void Keep_must_be_at_least_one()
    {
        FluentActions.Invoking(() => BackupRetention.Expired([Entry(1)], keep: 0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
