using System.ComponentModel.DataAnnotations;

namespace Analytics.Jobs;

/// <summary><c>Analytics:Jobs</c>: where Quartz keeps its schedule.</summary>
public sealed class JobsOptions
{
    public const string Section = "Analytics:Jobs";

    /// <summary><c>persistent</c> (the app's own database: schedules and in-flight work survive restarts) or <c>memory</c>.</summary>
    [RegularExpression("(?i)persistent|memory", ErrorMessage = "Analytics:Jobs:Store must be persistent (the app's database) or memory.")]
    public string Store { get; set; } = "persistent";
    /// <summary>On PostgreSQL, take part in a cluster with every app process on the same database (each trigger fires once).</summary>
    public bool Clustered { get; set; } = true;

    public bool InMemory => Store.Equals("memory", StringComparison.OrdinalIgnoreCase);
    /// <summary>How often the supervisor (due report schedules, dead collections) and the subscription delivery run.</summary>
    [Range(0.1, 3600)]
    public double SupervisorIntervalSeconds { get; set; } = 15;
    /// <summary>How often a cluster node checks in; a node silent for twice this long is taken for dead and its triggers recovered.</summary>
    [Range(1, 600)]
    public double ClusterCheckinSeconds { get; set; } = 10;
}
