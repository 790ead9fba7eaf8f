using Microsoft.Extensions.Configuration;

namespace Analytics.Data;

/// <summary>
/// Where the app keeps its files (<c>Analytics:DataDirectory</c>, default <c>data</c>): one home for the paths under it,
/// so the app, the backup and the restore agree on where, for example, the Data Protection key ring lives.
/// </summary>
public static class DataDirectory
{
    public const string Setting = "Analytics:DataDirectory";

    public static string Root(IConfiguration configuration) => Path.GetFullPath(configuration[Setting] is { Length: > 0 } value ? value : "data");

    /// <summary>The Data Protection key ring (sign-in cookies, encrypted source credentials).</summary>
    public static string Keys(IConfiguration configuration) => Path.Combine(Root(configuration), "keys");

    /// <summary>Scheduled backups, unless <c>Analytics:Backup:Directory</c> names another folder.</summary>
    public static string Backups(IConfiguration configuration) => Path.Combine(Root(configuration), "backups");
}
