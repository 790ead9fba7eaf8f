namespace Analytics.Data.Facts;

/// <summary>New or replaced facts of a dataset: <see cref="Start"/> and <see cref="End"/> are the first and last fact times written (UTC).</summary>
public sealed record DataChange(int DatasetId, string SourceId, DateTimeOffset Start, DateTimeOffset End, long DataVersion);

/// <summary>
/// In-process notifications of fact writes, for live updates (dashboards re-query when their data changes). A subscriber
/// that throws does not stop the others.
/// </summary>
public sealed class DataChangeNotifier(Microsoft.Extensions.Logging.ILogger<DataChangeNotifier> logger)
{
    private readonly Lock _gate = new();
    private Action<DataChange>[] _subscribers = [];

    public IDisposable Subscribe(Action<DataChange> handler)
    {
        lock (_gate) _subscribers = [.. _subscribers, handler];
        return new Subscription(this, handler);
    }

    public void Publish(DataChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(change);
            }
            catch (Exception e)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, e, "A data-change subscriber failed for dataset {Dataset}", change.DatasetId);
            }
        }
    }

    private void Unsubscribe(Action<DataChange> handler)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, handler);
            if (index >= 0) _subscribers = [.. _subscribers[..index], .. _subscribers[(index + 1)..]];
        }
    }

    private sealed class Subscription(DataChangeNotifier owner, Action<DataChange> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(handler);
        }
    }
}
