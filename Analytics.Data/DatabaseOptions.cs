using System.ComponentModel.DataAnnotations;

namespace Analytics.Data;

/// <summary><c>Analytics:Database</c>: which provider; the connection string is <c>ConnectionStrings:Analytics</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Analytics:Database";
    public const string DefaultSqlite = "Data Source=data/analytics.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Filled from <c>ConnectionStrings:Analytics</c>; SQLite defaults to <see cref="DefaultSqlite"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Seed the demo workspace when the database is empty.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>
    /// Once the demo workspace is seeded, scan its two years of history once for insights (anomalies, trends, the last
    /// week's summaries), in the background after the database is ready, so a fresh install's feed is not empty.
    /// </summary>
    public bool ScanDemoHistory { get; set; } = true;

    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// While the database is briefly unavailable (<see cref="TransientDatabase"/>): the <c>Retry-After</c> the API answers
    /// with its 503, and how long jobs and pages wait before they try again (growing up to four times this).
    /// </summary>
    [Range(1, 300, ErrorMessage = "Analytics:Database:RetryAfterSeconds must be between 1 and 300 seconds.")]
    public int RetryAfterSeconds { get; set; } = 3;

    public string EffectiveConnectionString => Provider switch
    {
        DatabaseProvider.Sqlite => string.IsNullOrWhiteSpace(ConnectionString) ? DefaultSqlite : ConnectionString,
        _ => ConnectionString ?? "",
    };
}
