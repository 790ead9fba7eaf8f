using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Backup;

/// <summary><c>Analytics:Backup</c>: the passphrase that protects the key ring in a backup, and the scheduled backups.</summary>
public sealed class BackupOptions
{
    public const string Section = "Analytics:Backup";
    public const int MinPassphraseLength = 12;

    /// <summary>Encrypts the Data Protection key ring inside every backup; the scheduled job needs it, the CLI takes <c>--passphrase</c> instead.</summary>
    public string? Passphrase { get; set; }

    /// <summary>Run the scheduled backup job; it is scheduled only once <see cref="Passphrase"/> is set (the backups page says so until then).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron (seconds first, UTC) of the scheduled backup: daily at 02:00 by default.</summary>
    [Required]
    public string Schedule { get; set; } = "0 0 2 * * ?";

    /// <summary>Where scheduled backups go; empty means <c>backups</c> under <c>Analytics:DataDirectory</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>How many successful scheduled backups are kept; older ones (and older failure records) are deleted.</summary>
    [Range(1, 1000)]
    public int Keep { get; set; } = 7;

    /// <summary>PostgreSQL only: the folder holding <c>pg_dump</c> and <c>pg_restore</c>; empty means PATH, then <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public string? PgBinDirectory { get; set; }
}
