using Analytics.Web.Components.Dashboards.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Analytics.Web.Components.Dashboards;

/// <summary>A palette item dropped on the grid: which kind, and the cell it landed on.</summary>
public sealed record PaletteDrop(string Kind, int X, int Y, int W, int H);

/// <summary>A widget position as grid.js reports it.</summary>
public sealed record GridPosition(string Id, int X, int Y, int W, int H);

/// <summary>
/// The 12-column dashboard grid (gridstack, wwwroot/js/grid.js). It renders one tile per item of
/// <see cref="Items"/> with <see cref="ItemTemplate"/>; in edit mode tiles are dragged and resized (mouse or touch),
/// snapping to cells, others moving out of the way, and palette items (<see cref="DashboardPaletteItem"/>) can be dropped
/// on it. It does not change <see cref="Items"/> itself: it reports what the user did (<see cref="OnLayoutChanged"/>,
/// <see cref="OnPaletteDrop"/>), the owner applies that to its <see cref="DashboardLayoutState"/> and renders again.
/// Below <see cref="NarrowWidth"/> pixels the grid is one column, tiles stacked in reading order, and read-only.
/// </summary>
public sealed partial class DashboardGrid : ComponentBase, IAsyncDisposable
{
    [Inject] public required IJSRuntime JS { get; set; }

    [Parameter, EditorRequired] public IReadOnlyList<LayoutItem> Items { get; set; } = [];

    /// <summary>The content of a tile (a chart, KPI card, …) for a layout item.</summary>
    [Parameter, EditorRequired] public RenderFragment<LayoutItem> ItemTemplate { get; set; } = _ => _ => { };

    /// <summary>Edit mode (drag, resize, drop from the palette) versus view mode (static).</summary>
    [Parameter] public bool Editable { get; set; }

    /// <summary>After a drag or resize: every widget's position (pass to <see cref="DashboardLayoutState.ApplyPositions"/>).</summary>
    [Parameter] public EventCallback<IReadOnlyList<LayoutPosition>> OnLayoutChanged { get; set; }

    /// <summary>A palette item dropped on the grid (pass to <see cref="DashboardLayoutState.AddAt"/>).</summary>
    [Parameter] public EventCallback<PaletteDrop> OnPaletteDrop { get; set; }

    /// <summary>The smallest size of a widget kind, enforced while resizing.</summary>
    [Parameter] public Func<string, LayoutSize>? MinSize { get; set; }

    /// <summary>CSS selector of the palette items that can be dragged in.</summary>
    [Parameter] public string PaletteSelector { get; set; } = ".dashboard-palette-item";

    [Parameter] public int Columns { get; set; } = 12;
    [Parameter] public int CellHeight { get; set; } = 80;
    [Parameter] public int Margin { get; set; } = 6;

    /// <summary>At or below this grid width (px) the grid shows one column.</summary>
    [Parameter] public int NarrowWidth { get; set; } = 640;

    /// <summary>Rows the grid keeps even when empty (a builder needs somewhere to drop the first widget).</summary>
    [Parameter] public int MinRows { get; set; }

    [Parameter] public string? Class { get; set; }

    private ElementReference _element;
    private IJSObjectReference? _module;
    private DotNetObjectReference<DashboardGrid>? _self;
    private int _gridId;
    private bool _disposed;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_disposed) return;
        try
        {
            if (firstRender)
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/grid.js");
                _self = DotNetObjectReference.Create(this);
                _gridId = await _module.InvokeAsync<int>("create", _element, _self, new
                {
                    columns = Columns, cellHeight = CellHeight, margin = Margin, editable = Editable,
                    narrowWidth = NarrowWidth, paletteSelector = PaletteSelector, minRow = MinRows,
                });
            }
            if (_module is null || _gridId == 0 || _disposed) return;
            var layout = Items.Select(i =>
            {
                var min = MinSize?.Invoke(i.Kind);
                return new { id = i.Id, x = i.X, y = i.Y, w = i.W, h = i.H, minW = min?.W, minH = min?.H };
            }).ToList();
            await _module.InvokeAsync<GridPosition[]>("sync", _gridId, layout, Editable);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; grid.js drops grids whose element left the page.
        }
    }

    /// <summary>The grid's column count right now (12, or 1 on a narrow screen).</summary>
    public async Task<int> ColumnCountAsync() => _module is null || _gridId == 0 ? 0 : await _module.InvokeAsync<int>("columnCount", _gridId);

    [JSInvokable]
    public Task OnGridChanged(GridPosition[] positions) =>
        OnLayoutChanged.InvokeAsync(positions.Select(p => new LayoutPosition(p.Id, p.X, p.Y, p.W, p.H)).ToList());

    [JSInvokable]
    public Task OnPaletteDropped(PaletteDrop drop) => OnPaletteDrop.InvokeAsync(drop);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            if (_module is not null)
            {
                if (_gridId != 0) await _module.InvokeVoidAsync("dispose", _gridId);
                await _module.DisposeAsync();
            }
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
        }
        _self?.Dispose();
    }
}
