using System.Text.Json;
using Analytics.Data.Facts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Analytics.Data.Dashboards;

/// <summary>
/// Carries live-update notices between app processes that share one PostgreSQL database: every local dashboard save,
/// fact write and metrics write is sent with <c>NOTIFY analytics_live</c>, and notices from other processes are
/// re-published here, so a dashboard open in one process refreshes when another process saves it or lands its data.
/// The listening connection reconnects after a failure; notices missed while it was down are not replayed (pages
/// still refresh on their own interval).
/// </summary>
public sealed class PostgresChangeBridge(
    DatabaseOptions options,
    DashboardChangeNotifier dashboards,
    DataChangeNotifier data,
    MetricsChangeNotifier metrics,
    ILogger<PostgresChangeBridge> logger) : BackgroundService
{
    public const string Channel = "analytics_live";
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly List<IDisposable> _subscriptions = [];

    private sealed record Envelope(string Origin, string Kind, JsonElement Body);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(dashboards.Subscribe(c => Send("dashboard", c)));
        _subscriptions.Add(data.Subscribe(c => Send("data", c)));
        _subscriptions.Add(metrics.Subscribe(c => Send("metrics", c)));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _subscriptions) s.Dispose();
        await base.StopAsync(cancellationToken);
    }

    private void Send<T>(string kind, T body)
    {
        if (RemoteOrigin.Active) return;
        var payload = JsonSerializer.Serialize(new Envelope(_origin, kind, JsonSerializer.SerializeToElement(body)));
        _ = Task.Run(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.EffectiveConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                command.Parameters.AddWithValue("channel", Channel);
                command.Parameters.AddWithValue("payload", payload);
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not send a live-update notice to other app processes");
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.EffectiveConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Live-update listener lost its PostgreSQL connection; reconnecting in 2 s");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload);
            if (envelope is null || envelope.Origin == _origin) return;
            switch (envelope.Kind)
            {
                case "dashboard" when envelope.Body.Deserialize<DashboardChange>() is { } c: RemoteOrigin.Run(() => dashboards.Publish(c)); break;
                case "data" when envelope.Body.Deserialize<DataChange>() is { } c: RemoteOrigin.Run(() => data.Publish(c)); break;
                case "metrics" when envelope.Body.Deserialize<MetricsChange>() is { } c: RemoteOrigin.Run(() => metrics.Publish(c)); break;
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Ignored a malformed live-update notice");
        }
    }
}
