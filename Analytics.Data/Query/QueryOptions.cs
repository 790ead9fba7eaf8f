using System.ComponentModel.DataAnnotations;

namespace Analytics.Data.Query;

public sealed class QueryOptions
{
    public const string Section = "Analytics:Query";

    /// <summary>Total size of cached results, counted in result rows (each entry counts its rows + 1).</summary>
    [Range(0, 100_000_000)]
    public long CacheSizeRows { get; set; } = 500_000;

    /// <summary>How long a result may stay cached; new data makes it unreachable sooner (its key has the data version).</summary>
    [Range(1, 86_400)]
    public int CacheSeconds { get; set; } = 600;
}
