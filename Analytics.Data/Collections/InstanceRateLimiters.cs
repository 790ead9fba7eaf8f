using System.Collections.Concurrent;
using Analytics.Domain.Sources;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// One submission gate per instance (source), shared by every run on it — ad-hoc, scheduled and backfill segments: a
/// token bucket refilling continuously at <see cref="CollectionOptions.SubmissionsPerMinute"/> up to
/// <see cref="CollectionOptions.Burst"/>, taken right before each submission, plus a cool-down: when the source answers
/// 429, nobody on that instance submits until its <c>Retry-After</c> has passed (or a short default without one).
/// The refill is continuous (not timer ticks), so the gate never runs ahead of a source that meters the same way.
/// </summary>
public sealed class InstanceRateLimiters(IOptions<CollectionOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new();

    /// <summary>
    /// A slot among the <see cref="CollectionOptions.MaxSegmentsPerInstance"/> backfill segments that may run at once on an
    /// instance, whichever collections they belong to (per app process). Dispose it when the segment ends.
    /// </summary>
    public async Task<IDisposable> SlotAsync(string sourceId, CancellationToken ct)
    {
        var slots = _slots.GetOrAdd(sourceId, _ => new SemaphoreSlim(options.Value.MaxSegmentsPerInstance));
        await slots.WaitAsync(ct);
        return new Release(slots);
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release();
        }
    }

    public ISubmissionGate For(string sourceId) =>
        _gates.GetOrAdd(sourceId, _ => new Gate(options.Value.SubmissionsPerMinute / 60, options.Value.Burst, clock));

    public async Task AcquireAsync(string sourceId, CancellationToken ct) => await For(sourceId).WaitAsync(ct);

    private sealed class Gate(double perSecond, int burst, TimeProvider clock) : ISubmissionGate
    {
        private static readonly TimeSpan DefaultCoolDown = TimeSpan.FromSeconds(1);
        private readonly Lock _lock = new();
        private double _tokens = burst;
        private DateTimeOffset _refilledAt = clock.GetUtcNow();
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

        public async ValueTask WaitAsync(CancellationToken ct)
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var now = clock.GetUtcNow();
                    _tokens = Math.Min(burst, _tokens + (now - _refilledAt).TotalSeconds * perSecond);
                    _refilledAt = now;
                    if (now < _blockedUntil) wait = _blockedUntil - now;
                    else if (_tokens >= 1)
                    {
                        _tokens -= 1;
                        return;
                    }
                    else wait = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
                }
                // Waiters wake and re-check; whoever finds a token first takes it (order is roughly first come, first served).
                await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, clock, ct);
            }
        }

        public void Throttled(TimeSpan? retryAfter)
        {
            lock (_lock)
            {
                var until = clock.GetUtcNow() + (retryAfter ?? DefaultCoolDown);
                if (until > _blockedUntil) _blockedUntil = until;
                _tokens = 0;
            }
        }
    }
}
