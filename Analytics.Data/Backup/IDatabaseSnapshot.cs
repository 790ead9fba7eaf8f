namespace Analytics.Data.Backup;

/// <summary>What a snapshot held: the last applied migration and each table's row count, read from the snapshot itself.</summary>
public sealed record SnapshotContents(string? Schema, IReadOnlyDictionary<string, long> Tables);

/// <summary>
/// The configured database's provider-specific half of backup and restore (one implementation per provider, chosen in
/// <see cref="BackupRegistration"/>): a consistent snapshot while the app writes, and a restore of one into the configured database.
/// </summary>
public interface IDatabaseSnapshot
{
    DatabaseProvider Provider { get; }

    /// <summary>The archive entry the snapshot is stored under.</summary>
    string PartName { get; }

    /// <summary>Where the configured database is, in words for messages (never with a password).</summary>
    string Describe();

    /// <summary>Writes a consistent snapshot of the configured database to <paramref name="file"/>.</summary>
    Task<SnapshotContents> TakeAsync(string file, CancellationToken ct);

    /// <summary>True when the configured database exists and holds any table.</summary>
    Task<bool> TargetHasDataAsync(CancellationToken ct);

    /// <summary>Replaces the configured database's contents with the snapshot in <paramref name="file"/>, all or nothing.</summary>
    Task RestoreAsync(string file, bool replace, CancellationToken ct);
}
