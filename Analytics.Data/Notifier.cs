using Microsoft.Extensions.Logging;

namespace Analytics.Data;

/// <summary>
/// In-process publish/subscribe for live updates: <see cref="Subscribe"/> returns the subscription to dispose. A
/// subscriber that throws does not stop the others.
/// </summary>
public abstract class Notifier<T>(ILogger logger)
{
    private readonly Lock _gate = new();
    private Action<T>[] _subscribers = [];

    public IDisposable Subscribe(Action<T> handler)
    {
        lock (_gate) _subscribers = [.. _subscribers, handler];
        return new Subscription(this, handler);
    }

    public void Publish(T change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(change);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A subscriber failed for {Change}", change);
            }
        }
    }

    private void Unsubscribe(Action<T> handler)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, handler);
            if (index >= 0) _subscribers = [.. _subscribers[..index], .. _subscribers[(index + 1)..]];
        }
    }

    private sealed class Subscription(Notifier<T> owner, Action<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(handler);
        }
    }
}
