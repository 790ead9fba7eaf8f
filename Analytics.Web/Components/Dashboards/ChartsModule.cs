using Microsoft.JSInterop;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// wwwroot/js/charts.js, imported once per circuit and shared by every <see cref="EChart"/>. A dashboard asks for it
/// as soon as it is interactive (<see cref="Preload"/>), so its charts, arriving with their data a moment later, are
/// created in the same exchange instead of each first waiting for an import round trip.
/// </summary>
public sealed class ChartsModule(IJSRuntime js) : IAsyncDisposable
{
    private Task<IJSObjectReference>? _module;

    public Task<IJSObjectReference> GetAsync()
    {
        // A failed import (a circuit losing its connection) is not kept: the next chart asks again.
        if (_module is null || _module.IsFaulted || _module.IsCanceled)
            _module = js.InvokeAsync<IJSObjectReference>("import", "./js/charts.js").AsTask();
        return _module;
    }

    /// <summary>Starts the import without waiting for it (call once the circuit is interactive).</summary>
    public void Preload() => GetAsync().ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);

    public async ValueTask DisposeAsync()
    {
        if (_module is not { IsCompletedSuccessfully: true } module) return;
        try
        {
            await module.Result.DisposeAsync();
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // Nothing to release in a browser that is gone.
        }
    }
}
