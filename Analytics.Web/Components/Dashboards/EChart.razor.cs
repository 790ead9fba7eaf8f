using System.Text.Json.Nodes;
using Analytics.Web.Components.Dashboards.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Analytics.Web.Components.Dashboards;

/// <summary>
/// An Apache ECharts chart (wwwroot/js/charts.js). Give it an option from <see cref="ChartOptionsBuilder"/>; when the
/// option changes the chart is redrawn in place (no new instance), it follows its container's size, and it is disposed
/// with the component. Prerendering draws only the empty container.
/// </summary>
public sealed partial class EChart : ComponentBase, IAsyncDisposable
{
    [Inject] public required ChartsModule Charts { get; set; }

    /// <summary>The ECharts option (from <see cref="ChartOptionsBuilder"/>).</summary>
    [Parameter, EditorRequired] public JsonObject? Option { get; set; }

    /// <summary>A click on a point, bar, slice or cell (for drill-down). Clicks are only reported when this is set.</summary>
    [Parameter] public EventCallback<ChartClick> OnPointClick { get; set; }

    /// <summary>CSS height of the chart; the default fills the parent (give the parent a height).</summary>
    [Parameter] public string Height { get; set; } = "100%";

    /// <summary>ISO 4217 code for currency-formatted metrics.</summary>
    [Parameter] public string Currency { get; set; } = "USD";

    /// <summary><c>canvas</c> (default) or <c>svg</c>.</summary>
    [Parameter] public string Renderer { get; set; } = "canvas";

    [Parameter] public string? AriaLabel { get; set; }
    [Parameter] public string? Class { get; set; }
    [Parameter] public string? Style { get; set; }

    private ElementReference _element;
    private IJSObjectReference? _module;
    private DotNetObjectReference<EChart>? _self;
    private int _chartId;
    private string? _json;
    private string? _sentJson;
    private bool _syncing;
    private bool _disposed;

    protected override void OnParametersSet() => _json = Option?.ToJsonString();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_syncing || _disposed) return; // the running sync picks up the newest option when it finishes
        _syncing = true;
        try
        {
            while (!_disposed && _json is not null && _json != _sentJson)
            {
                var json = _json;
                var settings = new { currency = Currency, clickable = OnPointClick.HasDelegate, renderer = Renderer };
                _module ??= await Charts.GetAsync();
                if (_chartId == 0)
                {
                    _self ??= DotNetObjectReference.Create(this);
                    _chartId = await _module.InvokeAsync<int>("create", _element, _self, json, settings);
                }
                else
                {
                    await _module.InvokeAsync<bool>("update", _chartId, json, settings);
                }
                _sentJson = json;
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; charts.js disposes charts whose element left the page.
        }
        finally
        {
            _syncing = false;
        }
    }

    /// <summary>Redraws at the container's size (the chart also follows size changes by itself).</summary>
    public async Task ResizeAsync()
    {
        if (_module is not null && _chartId != 0) await _module.InvokeVoidAsync("resize", _chartId);
    }

    /// <summary>The chart as a PNG <c>data:</c> URL (twice the screen resolution), or null before it is drawn.</summary>
    public async Task<string?> ToPngDataUrlAsync(int pixelRatio = 2)
    {
        if (_module is null || _chartId == 0) return null;
        return await _module.InvokeAsync<string?>("toDataUrl", _chartId, pixelRatio);
    }

    [JSInvokable]
    public Task OnChartClick(ChartClick click) => OnPointClick.InvokeAsync(click);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            if (_module is not null)
            {
                if (_chartId != 0) await _module.InvokeVoidAsync("dispose", _chartId); // the module is the circuit's (ChartsModule)
            }
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // Nothing to release in a browser that is gone.
        }
        _self?.Dispose();
    }
}
