namespace Analytics.Domain;

/// <summary>Identifiers are opaque strings (CONTRACT.md): time-ordered GUIDs without dashes.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
