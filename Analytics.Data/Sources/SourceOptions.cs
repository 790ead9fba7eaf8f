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

    public TimeSpan StatementTimeout => TimeSpan.FromSeconds(StatementTimeoutSeconds);
}
