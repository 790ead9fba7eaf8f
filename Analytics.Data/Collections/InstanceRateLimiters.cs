using System.Collections.Concurrent;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Collections;

/// <summary>
/// One submission gate per instance (source), shared by every run on it — ad-hoc, scheduled and backfill segments — and by
/// every app process on the database: a token bucket refilling continuously at
/// <see cref="CollectionOptions.SubmissionsPerMinute"/> up to <see cref="CollectionOptions.Burst"/>, taken right before
/// each submission, plus a cool-down: when the source answers 429, nobody on that instance submits until its
/// <c>Retry-After</c> has passed (or a short default without one). The bucket lives in the database
/// (<see cref="InstanceGate"/>) and is changed only by compare-and-set on its version, so two processes never spend the
/// same token. The refill is continuous (not timer ticks), so the gate never runs ahead of a source that meters the same way.
/// </summary>
public sealed class InstanceRateLimiters(IDbContextFactory<AnalyticsDbContext> factory, IOptions<CollectionOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan DefaultCoolDown = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new();

    /// <summary>
    /// A slot among the <see cref="CollectionOptions.MaxSegmentsPerInstance"/> backfill segments that may run at once on an
    /// instance in this process, whichever collections they belong to. Dispose it when the segment ends. (What runs at the
    /// source at once, across processes, is <see cref="InstanceRunSlots"/>' business.)
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

    public ISubmissionGate For(string sourceId) => _gates.GetOrAdd(sourceId, id => new Gate(this, id));

    public async Task AcquireAsync(string sourceId, CancellationToken ct) => await For(sourceId).WaitAsync(ct);

    private double PerSecond => options.Value.SubmissionsPerMinute / 60;

    private int Burst => options.Value.Burst;

    private TimeProvider Clock => clock;

    /// <summary>Takes a token if the bucket has one and no cool-down runs; otherwise answers how long to wait before asking again.</summary>
    private async Task<TimeSpan?> TryTakeAsync(string sourceId, CancellationToken ct)
    {
        var burst = options.Value.Burst;
        await using var db = await factory.CreateDbContextAsync(ct);
        while (true)
        {
            var now = clock.GetUtcNow();
            var gate = await db.InstanceGates.AsNoTracking().FirstOrDefaultAsync(g => g.SourceId == sourceId, ct);
            if (gate is null)
            {
                if (await TryCreateAsync(db, new InstanceGate { SourceId = sourceId, Tokens = burst - 1, RefilledAt = now, Version = 1 }, ct)) return null;
                continue;
            }
            if (gate.BlockedUntil is { } blocked && now < blocked) return blocked - now;
            var (tokens, at) = Refill(gate, now, burst);
            if (tokens < 1) return TimeSpan.FromSeconds((1 - tokens) / PerSecond);
            var taken = await db.InstanceGates.Where(g => g.SourceId == sourceId && g.Version == gate.Version).ExecuteUpdateAsync(u => u
                .SetProperty(g => g.Tokens, tokens - 1).SetProperty(g => g.RefilledAt, at).SetProperty(g => g.Version, gate.Version + 1), ct);
            if (taken == 1) return null;
            // Another process (or waiter) changed the bucket since it was read: read it again.
        }
    }

    private async Task ThrottleAsync(string sourceId, TimeSpan? retryAfter, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        while (true)
        {
            var now = clock.GetUtcNow();
            var until = now + (retryAfter ?? DefaultCoolDown);
            var gate = await db.InstanceGates.AsNoTracking().FirstOrDefaultAsync(g => g.SourceId == sourceId, ct);
            if (gate is null)
            {
                if (await TryCreateAsync(db, new InstanceGate { SourceId = sourceId, Tokens = 0, RefilledAt = now, BlockedUntil = until, Version = 1 }, ct)) return;
                continue;
            }
            if (gate.BlockedUntil is { } blocked && blocked > until) until = blocked;
            var set = await db.InstanceGates.Where(g => g.SourceId == sourceId && g.Version == gate.Version).ExecuteUpdateAsync(u => u
                .SetProperty(g => g.Tokens, 0).SetProperty(g => g.RefilledAt, now > gate.RefilledAt ? now : gate.RefilledAt)
                .SetProperty(g => g.BlockedUntil, until).SetProperty(g => g.Version, gate.Version + 1), ct);
            if (set == 1) return;
        }
    }

    /// <summary>The bucket's tokens now: refilled since it was last written (never backwards, should clocks differ), capped at the burst.</summary>
    private (double Tokens, DateTimeOffset At) Refill(InstanceGate gate, DateTimeOffset now, int burst)
    {
        var elapsed = now > gate.RefilledAt ? (now - gate.RefilledAt).TotalSeconds : 0;
        return (Math.Min(burst, gate.Tokens + elapsed * PerSecond), now > gate.RefilledAt ? now : gate.RefilledAt);
    }

    private static async Task<bool> TryCreateAsync(AnalyticsDbContext db, InstanceGate gate, CancellationToken ct)
    {
        db.InstanceGates.Add(gate);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another process created it first: use theirs.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// The instance's gate in this process: one waiter at a time asks the database (first come, first served here), the
    /// others queue behind it; the bucket itself is shared with every other process. After the database's grant, a local
    /// bucket at the same pace spaces this process's submissions once more, right before they leave: a grant whose database
    /// round trip was slow must not go out bunched with the next, quicker one (AMC meters arrivals).
    /// </summary>
    private sealed class Gate(InstanceRateLimiters owner, string sourceId) : ISubmissionGate
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly LocalPace _pace = new(owner.PerSecond, owner.Burst, owner.Clock);

        public async ValueTask WaitAsync(CancellationToken ct)
        {
            await _turn.WaitAsync(ct);
            try
            {
                while (await owner.TryTakeAsync(sourceId, ct) is { } wait)
                    await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, owner.Clock, ct);
                await _pace.WaitAsync(ct);
            }
            finally
            {
                _turn.Release();
            }
        }

        public async ValueTask ThrottledAsync(TimeSpan? retryAfter, CancellationToken ct)
        {
            _pace.Throttled(retryAfter);
            await owner.ThrottleAsync(sourceId, retryAfter, ct);
        }
    }

    /// <summary>An in-memory token bucket, refilled continuously, with a cool-down after a 429.</summary>
    private sealed class LocalPace(double perSecond, int burst, TimeProvider clock)
    {
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
                    _tokens = Math.Min(burst, _tokens + Math.Max(0, (now - _refilledAt).TotalSeconds) * perSecond);
                    _refilledAt = now;
                    if (now < _blockedUntil) wait = _blockedUntil - now;
                    else if (_tokens >= 1)
                    {
                        _tokens -= 1;
                        return;
                    }
                    else wait = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
                }
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
