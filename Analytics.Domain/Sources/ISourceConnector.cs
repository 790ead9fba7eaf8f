using System.Text.Json.Nodes;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;

namespace Analytics.Domain.Sources;

/// <summary>
/// One kind of data source (CONTRACT.md: demo, sqlite, postgres, csv, amc). The kind's one home: which settings it
/// takes and which of them are secrets, how they are validated, and how a template runs against it. Connectors only
/// read: SQL sources run read-only, and nothing a connector does writes to the source.
/// </summary>
public interface ISourceConnector
{
    SourceKind Kind { get; }

    /// <summary>Settings that are secrets: encrypted at rest, never returned by the API or shown in the UI.</summary>
    IReadOnlySet<string> SecretSettings { get; }

    /// <summary>Checks <paramref name="settings"/> (secrets in clear); throws <see cref="ValidationException"/> keyed <c>settings.&lt;name&gt;</c>.</summary>
    void ValidateSettings(JsonObject settings);

    /// <summary>Runs the template with its bound parameters over the window and answers the rows.</summary>
    Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct);
}

/// <summary>
/// A template ready to run: the source with its settings (secrets decrypted), the parsed SQL, the bound parameters
/// (including <c>timeWindowStart</c>/<c>timeWindowEnd</c>) and the window itself. <see cref="Progress"/> receives
/// human-readable status lines (e.g. "AMC: RUNNING"). <see cref="Resumed"/> is true when this run continues one that was
/// interrupted (a restart, a retry): a source may then pick up work it already did for the same window instead of redoing it.
/// </summary>
public sealed record SourceQuery(
    DataSource Source,
    JsonObject Settings,
    SqlTemplate Template,
    IReadOnlyDictionary<string, ParameterValue> Parameters,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    IProgress<string>? Progress = null,
    bool Resumed = false);

/// <summary>The source answered a final error for this query (bad SQL, rejected for privacy, …): not worth retrying.</summary>
public sealed class SourceQueryException(string message, bool retryable = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
