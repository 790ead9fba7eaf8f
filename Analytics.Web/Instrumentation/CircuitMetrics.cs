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

internal sealed class CircuitMetricsHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        return Task.CompletedTask;
    }
}
