using Analytics.Data.Operational;
using Analytics.Domain.Operational;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Data;

public sealed class MetricsBufferTests
{
    private static MetricsBuffer Buffer(int capacity, FixedTimeProvider clock) =>
        new(Options.Create(new MetricsOptions { SelfInstrumentation = new SelfInstrumentationOptions { BufferCapacity = capacity } }), clock);

    [Fact]
    public void A_full_buffer_drops_the_oldest_observations_and_counts_them()
    {
        var buffer = Buffer(100, new FixedTimeProvider());
        for (var i = 0; i < 150; i++) buffer.Record("m", "", i);

        buffer.Pending.Should().Be(100);
        buffer.Dropped.Should().Be(50);
        buffer.Drain().Select(p => p.Value).Should().Equal(Enumerable.Range(50, 100).Select(i => (double)i));
        buffer.Pending.Should().Be(0);
    }

    [Fact]
    public void Nothing_is_recorded_while_suppressed_for_the_flushers_own_writes()
    {
        var buffer = Buffer(100, new FixedTimeProvider());
        using (buffer.Suppress()) buffer.Record("db.command.duration_ms", "", 1);
        buffer.Record("db.command.duration_ms", "", 2);

        buffer.Drain().Select(p => p.Value).Should().Equal(2);
    }

    [Fact]
    public void Active_users_are_counted_once_per_finished_minute()
    {
        var clock = new FixedTimeProvider();
        var buffer = Buffer(100, clock);
        buffer.SeenUser("u1");
        buffer.SeenUser("u2");
        buffer.SeenUser("u1");
        buffer.Drain().Should().BeEmpty("the minute is not over yet");

        clock.Advance(TimeSpan.FromMinutes(1));
        var minute = MetricResolutions.BucketOf(FixedTimeProvider.DefaultNow.ToUnixTimeMilliseconds(), 60_000);
        buffer.Drain().Should().Equal(new SeriesPoint("users.active", "", minute, 2));
    }
}
