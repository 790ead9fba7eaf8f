using Analytics.Web.Components.Shared;

namespace Analytics.Tests.Components;

public sealed class ThrottledRefreshTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_burst_of_changes_refreshes_once_now_and_once_after_the_interval()
    {
        var clock = new ManualClock();
        var refreshes = 0;
        using var throttle = new ThrottledRefresh(() => { Interlocked.Increment(ref refreshes); return Task.CompletedTask; }, Interval, clock);

        throttle.Poke();
        refreshes.Should().Be(1, "the first change refreshes at once");
        clock.Advance(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 50; i++) throttle.Poke();
        await Task.Delay(50);
        refreshes.Should().Be(1, "the pokes after the first wait for the rest of the interval");

        clock.Advance(TimeSpan.FromMilliseconds(800));
        await Eventually(() => refreshes == 2);
        await Task.Delay(50);
        refreshes.Should().Be(2, "the burst was coalesced into one refresh");

        clock.Advance(TimeSpan.FromSeconds(5));
        throttle.Poke();
        refreshes.Should().Be(3, "after a quiet interval a change refreshes at once again");
    }

    [Fact]
    public async Task A_change_during_a_refresh_is_not_lost()
    {
        var clock = new ManualClock();
        var refreshes = 0;
        var gate = new TaskCompletionSource();
        ThrottledRefresh? throttle = null;
        throttle = new ThrottledRefresh(async () =>
        {
            if (Interlocked.Increment(ref refreshes) == 1)
            {
                throttle!.Poke(); // a change lands while the first refresh is loading
                await gate.Task;
            }
        }, Interval, clock);

        throttle.Poke();
        gate.SetResult();
        await Task.Delay(50);
        clock.Advance(Interval);

        await Eventually(() => refreshes == 2);
        throttle.Dispose();
    }

    [Fact]
    public async Task A_failed_refresh_does_not_stop_later_ones_and_nothing_refreshes_after_dispose()
    {
        var clock = new ManualClock();
        var refreshes = 0;
        var throttle = new ThrottledRefresh(() =>
        {
            Interlocked.Increment(ref refreshes);
            throw new InvalidOperationException("the page failed to load");
        }, Interval, clock);

        throttle.Poke();
        clock.Advance(Interval);
        throttle.Poke();
        refreshes.Should().Be(2);

        clock.Advance(TimeSpan.FromMilliseconds(100));
        throttle.Poke(); // waits for the interval
        throttle.Dispose();
        clock.Advance(Interval);
        throttle.Poke();
        await Task.Delay(100);
        refreshes.Should().Be(2);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold soon");
            await Task.Delay(10);
        }
    }

    /// <summary>A clock that moves only when told, firing its timers (what <c>Task.Delay(…, TimeProvider)</c> waits on) as it passes them.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<Timer> _timers = [];
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate) return _now;
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Timer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        public void Advance(TimeSpan by)
        {
            List<Timer> due;
            lock (_gate)
            {
                _now += by;
                due = _timers.Where(t => t.DueAt <= _now).ToList();
                foreach (var t in due) _timers.Remove(t);
            }
            foreach (var t in due) t.Fire();
        }

        private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
        {
            public DateTimeOffset DueAt { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                    if (dueTime == Timeout.InfiniteTimeSpan) return true;
                    DueAt = clock._now + dueTime;
                    clock._timers.Add(this);
                }
                if (dueTime == TimeSpan.Zero) clock.Advance(TimeSpan.Zero);
                return true;
            }

            public void Fire() => callback(state);

            public void Dispose()
            {
                lock (clock._gate) clock._timers.Remove(this);
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
