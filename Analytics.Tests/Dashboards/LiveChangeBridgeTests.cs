using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Facts;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Dashboards;

/// <summary>Live-update notices cross app processes through PostgreSQL LISTEN/NOTIFY (two bridges = two processes' views).</summary>
public sealed class LiveChangeBridgeTests
{
    private sealed record Side(PostgresChangeBridge Bridge, DashboardChangeNotifier Dashboards, DataChangeNotifier Data, MetricsChangeNotifier Metrics);

    private static Side Create(string connectionString)
    {
        var dashboards = new DashboardChangeNotifier(NullLogger<DashboardChangeNotifier>.Instance);
        var data = new DataChangeNotifier(NullLogger<DataChangeNotifier>.Instance);
        var metrics = new MetricsChangeNotifier(NullLogger<MetricsChangeNotifier>.Instance);
        var options = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString };
        return new Side(new PostgresChangeBridge(options, dashboards, data, metrics, NullLogger<PostgresChangeBridge>.Instance), dashboards, data, metrics);
    }

    [PostgresFact]
    public async Task A_save_or_data_change_in_one_process_reaches_the_other_once_and_does_not_echo_back()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var a = Create(database.ConnectionString);
        var b = Create(database.ConnectionString);
        await a.Bridge.StartAsync(default);
        await b.Bridge.StartAsync(default);
        try
        {
            var seenByB = new List<DashboardChange>();
            var dataSeenByB = new TaskCompletionSource<DataChange>(TaskCreationOptions.RunContinuationsAsynchronously);
            var metricsSeenByB = new TaskCompletionSource<MetricsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
            var echoedToA = 0;
            var gotB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            b.Dashboards.Subscribe(c => { lock (seenByB) seenByB.Add(c); gotB.TrySetResult(); });
            b.Data.Subscribe(c => dataSeenByB.TrySetResult(c));
            b.Metrics.Subscribe(c => metricsSeenByB.TrySetResult(c));
            a.Dashboards.Subscribe(_ => Interlocked.Increment(ref echoedToA));

            // Both listeners are connected once a probe round-trips.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!gotB.Task.IsCompleted && DateTime.UtcNow < deadline)
            {
                a.Dashboards.Publish(new DashboardChange("probe", 1, "u1", "Ann"));
                await Task.WhenAny(gotB.Task, Task.Delay(300));
            }
            gotB.Task.IsCompleted.Should().BeTrue("the other process hears a save within seconds");
            var probes = echoedToA;

            a.Dashboards.Publish(new DashboardChange("d1", 7, "u1", "Ann"));
            a.Data.Publish(new DataChange(3, "demo-contoso", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), 9));
            a.Metrics.Publish(new MetricsChange(["http.server.errors"]));
            (await dataSeenByB.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(new DataChange(3, "demo-contoso", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), 9));
            (await metricsSeenByB.Task.WaitAsync(TimeSpan.FromSeconds(10))).Names.Should().Equal("http.server.errors");
            deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && !seenByB.Any(c => c.DashboardId == "d1")) await Task.Delay(50);
            lock (seenByB) seenByB.Where(c => c.DashboardId == "d1").Should().ContainSingle().Which.Version.Should().Be(7);
            await Task.Delay(500);
            echoedToA.Should().Be(probes + 1, "A saw its own publish once; nothing came back from B");
        }
        finally
        {
            await a.Bridge.StopAsync(default);
            await b.Bridge.StopAsync(default);
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }
}
