namespace Analytics.Data;

/// <summary>
/// This app process among those sharing the database: written as the runner of the executions and collections it runs, so
/// every later write of theirs can be conditional on it (compare-and-set), and a takeover by another process is noticed.
/// New for every start: a restarted process does not pretend to be the one that died.
/// </summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Make();

    private static string Make()
    {
        var machine = Environment.MachineName;
        if (machine.Length > 40) machine = machine[..40];
        return $"{machine}/{Environment.ProcessId}/{Guid.NewGuid():N}"; // at most 84 characters
    }

    public override string ToString() => Id;
}
