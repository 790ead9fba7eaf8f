namespace Analytics.Web.Components.Shared;

/// <summary>
/// Coalesces bursts of change notifications into at most one refresh per <c>interval</c>: the first poke refreshes
/// after what is left of the interval since the last refresh, pokes meanwhile ride along. A 52-segment backfill
/// publishes hundreds of transitions; the page reloads a few times a second at most. Dispose stops pending refreshes.
/// </summary>
public sealed class ThrottledRefresh(Func<Task> refresh, TimeSpan interval, TimeProvider clock) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private bool _scheduled;
    private bool _again;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public ThrottledRefresh(Func<Task> refresh, TimeSpan interval) : this(refresh, interval, TimeProvider.System) { }

    /// <summary>Something changed: refresh soon (never twice within the interval).</summary>
    public void Poke()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            if (_scheduled)
            {
                _again = true;
                return;
            }
            _scheduled = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            var ct = _stop.Token;
            while (true)
            {
                var wait = _last + interval - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
                lock (_gate) _again = false;
                _last = clock.GetUtcNow();
                await refresh();
                lock (_gate)
                {
                    // A poke during the refresh may have missed what it loaded: go round once more.
                    if (!_again || ct.IsCancellationRequested)
                    {
                        _scheduled = false;
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the page went away.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting.
        }
        catch (Exception)
        {
            // The refresh shows its own errors; a failed one must not stop later pokes.
            lock (_gate) _scheduled = false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
        }
        _stop.Dispose();
    }
}
