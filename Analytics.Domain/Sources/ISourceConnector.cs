using System.Text.Json.Nodes;
using Analytics.Domain.Facts;
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

    /// <summary>Built-in kinds (the seeded demo workspace) are not created through the API.</summary>
    bool BuiltIn => false;

    /// <summary>What a settings form asks for, in order: the UI renders it, so a new kind brings its own form.</summary>
    IReadOnlyList<SettingField> SettingFields => [];

    /// <summary>
    /// The settings as stored, from valid settings with secrets in clear: a connector may add plain, non-secret
    /// descriptions of its secrets that GET shows back (e.g. a connection string without its password). Called on
    /// every create and update, so such descriptions follow the secret.
    /// </summary>
    JsonObject WithPublicSettings(JsonObject settings) => settings;

    /// <summary>
    /// The datasets a source of this kind keeps in the fact store, shaped by its (valid) settings: a CSV source holds its
    /// uploaded rows in one. None by default; their ids are assigned when stored.
    /// </summary>
    IReadOnlyList<Dataset> OwnedDatasets(string sourceId, string sourceName, JsonObject settings, DateTimeOffset now) => [];

    /// <summary>
    /// Settings a secret is sent to or bound with, each with that secret (AMC: <c>baseUrl</c> → <c>accessToken</c>): an
    /// update that changes such a setting must give the secret again, or a stored secret could be sent somewhere new by
    /// someone who never knew it. None by default.
    /// </summary>
    IReadOnlyDictionary<string, string> SecretBoundSettings => new Dictionary<string, string>();

    /// <summary>
    /// What only the source itself can tell, checked when a source is saved (after <see cref="ValidateSettings"/>; secrets
    /// in clear): e.g. that a PostgreSQL role has no more rights than reading needs. Throws <see cref="ValidationException"/>
    /// keyed <c>settings.&lt;name&gt;</c>. Nothing by default.
    /// </summary>
    Task ValidateAccessAsync(JsonObject settings, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// What names this instance the same way in every workspace, for portable documents (a dashboard exported as JSON
    /// and imported elsewhere): AMC, its instance id; the seeded demo instances, their fixed ids. Null when only its name
    /// can (the default). Never a secret: <paramref name="settings"/> are as stored, secrets encrypted.
    /// </summary>
    string? ExternalId(string sourceId, JsonObject settings) => null;
}

/// <summary>One setting of a source kind as a form shows it. <see cref="SettingFieldType.Secret"/> fields are never shown back.</summary>
public sealed record SettingField(string Name, string Label, SettingFieldType Type, bool Required = true, string? Help = null, string? Placeholder = null);

public enum SettingFieldType
{
    Text,
    Url,
    Secret,
    /// <summary>A list of names, entered comma-separated, stored as a JSON array.</summary>
    List,
    /// <summary>Measures, entered as <c>name:aggregation</c> comma-separated, stored as <c>[{ name, aggregation }]</c>.</summary>
    Measures,
}

/// <summary>
/// A template ready to run: the source with its settings (secrets decrypted), the parsed SQL, the bound parameters
/// (including <c>timeWindowStart</c>/<c>timeWindowEnd</c>) and the window itself. <see cref="Progress"/> receives
/// human-readable status lines (e.g. "AMC: RUNNING"). <see cref="Resumed"/> is true when this run continues one that was
/// interrupted (a restart, a retry). <see cref="Journal"/> is where a source that runs work remotely (AMC) records that
/// work, so a resumed run picks it up instead of starting it again. <see cref="Stopping"/> is cancelled when the run stops
/// because the process does (or another took it over), not because anyone cancelled it: remote work is then left running.
/// </summary>
public sealed record SourceQuery(
    DataSource Source,
    JsonObject Settings,
    SqlTemplate Template,
    IReadOnlyDictionary<string, ParameterValue> Parameters,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    IProgress<string>? Progress = null,
    bool Resumed = false,
    ISubmissionGate? Gate = null,
    IRemoteRunJournal? Journal = null,
    CancellationToken Stopping = default);

/// <summary>
/// The instance's pace for submitting work to a rate-limited source (AMC): a connector waits on it right before each
/// submission, and reports a throttling answer so every run on that instance backs off together, honouring the source's
/// <c>Retry-After</c>, instead of each retrying on its own. The app's gate is shared by every process on the database.
/// </summary>
public interface ISubmissionGate
{
    ValueTask WaitAsync(CancellationToken ct);

    ValueTask ThrottledAsync(TimeSpan? retryAfter, CancellationToken ct);
}

/// <summary>The source answered a final error for this query (bad SQL, rejected for privacy, …): not worth retrying.</summary>
public class SourceQueryException(string message, bool retryable = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
