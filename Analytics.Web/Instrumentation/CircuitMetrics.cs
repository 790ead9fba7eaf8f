using Analytics.Data.Operational;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Analytics.Web.Instrumentation;

/// <summary>The number of open Blazor circuits, read at every flush as <c>blazor.circuits.active</c>.</summary>
public sealed class CircuitCounter : IMetricsGaugeSource
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    public void Opened() => Interlocked.Increment(ref _active);

    public void Closed() => Interlocked.Decrement(ref _active);

    public IEnumerable<(string Name, string TagsKey, double Value)> Read() => [("blazor.circuits.active", "", Active)];
}

/// <summary>Counts open circuits and records each session's length as <c>blazor.session.duration_s</c> when it closes.</summary>
internal sealed class CircuitMetricsHandler(CircuitCounter counter, MetricsBuffer buffer, TimeProvider clock) : CircuitHandler
{
    private long _openedAt;

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        _openedAt = clock.GetTimestamp();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        buffer.Record("blazor.session.duration_s", "", Math.Round(clock.GetElapsedTime(_openedAt).TotalSeconds, 1));
        return Task.CompletedTask;
    }
}

/// <summary>Feature use: one <c>feature.use{area=…}</c> per page a user opens (the path's first segment).</summary>
public sealed class FeatureUseTracker(MetricsBuffer buffer, AppMeter meter)
{
    public void Visited(string relativePath)
    {
        var path = relativePath.Split('?', '#')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var area = segments.Length == 0 ? "home" : segments[0] == "admin" && segments.Length > 1 ? $"admin/{segments[1]}" : segments[0];
        area = area.ToLowerInvariant();
        buffer.Record("feature.use", new Dictionary<string, string> { ["area"] = area }, 1);
        meter.FeatureUsed(area);
    }
}
