using Analytics.Data.Facts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Data;

public sealed class DataChangeNotifierTests
{
    private static readonly DataChange Change = new(1, "src", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2);

    [Fact]
    public void Subscribers_get_changes_until_they_dispose_and_a_failing_one_does_not_stop_the_others()
    {
        var notifier = new DataChangeNotifier(NullLogger<DataChangeNotifier>.Instance);
        var seen = new List<DataChange>();
        using var failing = notifier.Subscribe(_ => throw new InvalidOperationException("boom"));
        var subscription = notifier.Subscribe(seen.Add);

        notifier.Publish(Change);
        subscription.Dispose();
        subscription.Dispose();
        notifier.Publish(Change with { DataVersion = 3 });

        seen.Should().ContainSingle().Which.Should().Be(Change);
    }

    [Fact]
    public void The_same_handler_subscribed_twice_is_removed_once_per_dispose()
    {
        var notifier = new DataChangeNotifier(NullLogger<DataChangeNotifier>.Instance);
        var count = 0;
        void Handler(DataChange _) => count++;
        using var first = notifier.Subscribe(Handler);
        var second = notifier.Subscribe(Handler);

        second.Dispose();
        notifier.Publish(Change);

        count.Should().Be(1);
    }
}
