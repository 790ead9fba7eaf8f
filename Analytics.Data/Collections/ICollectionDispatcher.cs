namespace Analytics.Data.Collections;

/// <summary>Starts (or wakes) the background run of a collection; the jobs layer implements it with a Quartz job.</summary>
public interface ICollectionDispatcher
{
    Task DispatchAsync(string collectionId, CancellationToken ct);
}

/// <summary>Used where no scheduler runs (benchmarks, the CLI): collections are run by calling the orchestrator directly.</summary>
public sealed class NoCollectionDispatcher : ICollectionDispatcher
{
    public Task DispatchAsync(string collectionId, CancellationToken ct) => Task.CompletedTask;
}
