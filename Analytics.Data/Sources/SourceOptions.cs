using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Sources;

/// <summary>Limits on what sources run and take (<c>Analytics:Sources</c>).</summary>
public sealed class SourceOptions
{
    public const string Section = "Analytics:Sources";

    /// <summary>How long one template statement may run on a SQL source (SQLite, PostgreSQL, the fact-table sources) before it is stopped.</summary>
    [Range(1, 86_400)] public int StatementTimeoutSeconds { get; set; } = 60;

    /// <summary>The largest CSV upload (<c>POST /sources/{id}/rows</c>) in bytes; bigger bodies answer 413.</summary>
    [Range(1024, 2_000_000_000)] public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// The directory <c>sqlite</c> sources' files must lie in (after every symbolic link is resolved). Empty: the
    /// <c>sources</c> directory under <c>Analytics:DataDirectory</c>. Created at start.
    /// </summary>
    public string? SqliteRoot { get; set; }

    /// <summary>The largest string or blob a template may build on a SQLite connection (<c>SQLITE_LIMIT_LENGTH</c>), in MB.</summary>
    [Range(1, 1000)] public int SqliteMaxValueMegabytes { get; set; } = 100;

    /// <summary>
    /// SQLite's hard heap limit for the whole process (<c>sqlite3_hard_heap_limit64</c>), in MB: an allocation past it fails
    /// the statement with "out of memory" instead of growing the process. The app's own SQLite database shares it. 0 = none.
    /// </summary>
    [Range(0, 1_048_576)] public int SqliteHeapLimitMegabytes { get; set; } = 2048;

    /// <summary>
    /// The largest result a template may answer on a SQL source, in MB (strings and blobs by size, other values 8 bytes):
    /// a few rows of huge values would otherwise fill the process's memory before any row limit is reached.
    /// </summary>
    [Range(1, 65_536)] public int MaxResultMegabytes { get; set; } = 512;

    public TimeSpan StatementTimeout => TimeSpan.FromSeconds(StatementTimeoutSeconds);

    public long MaxResultBytes => MaxResultMegabytes * 1024L * 1024;

    public SqliteLimits SqliteLimits => new(SqliteMaxValueMegabytes * 1024L * 1024, SqliteHeapLimitMegabytes * 1024L * 1024);
}

/// <summary>Memory limits put on every SQLite connection a template runs on.</summary>
/// <param name="MaxValueBytes">SQLITE_LIMIT_LENGTH: the largest string or blob.</param>
/// <param name="HeapLimitBytes">sqlite3_hard_heap_limit64 (process-wide); 0 = none.</param>
public sealed record SqliteLimits(long MaxValueBytes, long HeapLimitBytes);
