namespace Analytics.Domain.Sources;

/// <summary>A data instance: where report templates run and whose data a user may be granted.</summary>
public sealed class DataSource
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required SourceKind Kind { get; init; }
    /// <summary>Kind-specific settings as JSON. Secrets inside are encrypted at rest by the data layer.</summary>
    public string SettingsJson { get; set; } = "{}";
    public string? Description { get; set; }
    public required string OwnerId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum SourceKind
{
    Demo,
    Sqlite,
    Postgres,
    Amc,
    Csv,
}

public static class SourceKinds
{
    public static string ToWire(this SourceKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out SourceKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
