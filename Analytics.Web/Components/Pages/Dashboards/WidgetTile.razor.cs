using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Domain.Dashboards;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Dashboards.Charts;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// One widget on a dashboard: computes its own data (when it scrolls into view, if the page loads lazily), with its own
/// loading, error and empty states, and renders it by kind. A new <see cref="Context"/> (filters applied, auto-refresh)
/// recomputes it; <see cref="RefreshAsync"/> does so on demand (live updates).
/// </summary>
public sealed partial class WidgetTile
{
    [Inject] public required DashboardDataService Data { get; init; }
    [Inject] public required PublicDashboardService PublicDashboards { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required Microsoft.Extensions.Options.IOptions<Analytics.Data.DatabaseOptions> Database { get; init; }

    [Parameter, EditorRequired] public required WidgetView Widget { get; set; }
    [Parameter, EditorRequired] public WidgetContext? Context { get; set; }
    /// <summary>Compute only once visible (the dashboard's lazy-loading setting).</summary>
    [Parameter] public bool Lazy { get; set; } = true;
    /// <summary>In the builder: no drill-down or per-widget actions.</summary>
    [Parameter] public bool Editing { get; set; }
    /// <summary>On a public link's page: computed as the link allows, and a failure says only that the widget could not be shown.</summary>
    [Parameter] public bool Public { get; set; }
    [Parameter] public EventCallback<ChartClick> OnDrill { get; set; }
    [Parameter] public RenderFragment? HeaderActions { get; set; }
    /// <summary>Offers CSV, Excel and PDF of this widget (the page builds the link with its filters); PNG is drawn here.</summary>
    [Parameter] public EventCallback<string> OnDownload { get; set; }
    /// <summary>Called once with this tile and with null on dispose, so the page can refresh it by id (live updates).</summary>
    [Parameter] public Action<WidgetTile, bool>? Register { get; set; }

    public string WidgetId => Widget.Id;

    protected override void OnInitialized() => Register?.Invoke(this, true);

    private ElementReference _element;
    private IJSObjectReference? _module;
    private DotNetObjectReference<WidgetTile>? _self;
    private int _observer;
    private bool _visible;
    private WidgetContext? _computedFor;
    private string? _computedConfig;
    private WidgetResult? _result;
    private JsonObject? _option;
    private EChart? _chart;
    private bool _loading;
    private string _status = "idle";
    private string? _error;
    private int _generation;
    private bool _downloadMenu;
    private bool _downloadOpen;
    private bool _focusMenu;
    private UnavailableRetry? _unavailableRetry;
    private TimeSpan _retryIn;
    private readonly CancellationTokenSource _life = new();

    private WidgetKind? Kind => WidgetKinds.Find(Widget.Type);
    /// <summary>The component drawing this kind's body (<see cref="WidgetScreens"/>).</summary>
    private Type? Screen => WidgetScreens.Default.For(Widget.Type);
    /// <summary>Loading, or waiting for its first data (the skeleton).</summary>
    private bool Busy => _loading || (_result is null && _status == "idle" && Kind?.Data == WidgetData.Query);
    /// <summary>"Last 7 days" when the widget keeps its own time range (<see cref="WidgetOptions.TimeRange"/>), else null.</summary>
    private string? OwnTimeRange => Kind?.Data == WidgetData.Query && WidgetOptions.OwnTimeRange(Widget.Config.Options) is { } preset ? DateRangePresets.Label(preset) : null;
    private string Title => string.IsNullOrWhiteSpace(Widget.Config.Title) ? Kind?.Label ?? Widget.Type : Widget.Config.Title;

    protected override async Task OnParametersSetAsync()
    {
        var config = Widget.Config.ToJson() + Widget.Type;
        if (Context is null || (ReferenceEquals(Context, _computedFor) && config == _computedConfig)) return;
        // The prerendered page shows skeletons; the circuit computes once it starts (computing in both would do it twice).
        if (!RendererInfo.IsInteractive) return;
        if (Lazy && !_visible) return;
        await ComputeAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusMenu)
        {
            // Opened from the keyboard: the button pressed became the menu's own, so focus goes to the first item.
            _focusMenu = false;
            try
            {
                _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/dashboard.js");
                await _module.InvokeVoidAsync("focusOpenMenu");
            }
            catch (JSDisconnectedException)
            {
            }
        }
        if (!firstRender || !Lazy) return;
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/dashboard.js");
            _self = DotNetObjectReference.Create(this);
            _observer = await _module.InvokeAsync<int>("observeVisible", _element, _self);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    [JSInvokable]
    public async Task OnVisible()
    {
        _visible = true;
        if (Context is not null && !ReferenceEquals(Context, _computedFor)) await InvokeAsync(ComputeAsync);
    }

    /// <summary>Recomputes now (if it has been shown; otherwise when it scrolls into view).</summary>
    public Task RefreshAsync()
    {
        if (Lazy && !_visible)
        {
            _computedFor = null;
            return Task.CompletedTask;
        }
        return InvokeAsync(ComputeAsync);
    }

    private async Task ComputeAsync()
    {
        if (Context is not { } context) return;
        var generation = ++_generation;
        _computedFor = context;
        _computedConfig = Widget.Config.ToJson() + Widget.Type;
        if (Kind?.Data == WidgetData.Text)
        {
            _status = "ok";
            StateHasChanged(); // called from OnVisible too, where nothing else re-renders
            return;
        }
        _loading = true;
        // A tile without data shows its skeleton already: the spinner is for replacing data on screen. Not rendering it
        // first spares a dashboard's load a render of every tile (and the browser a batch to apply) before the data.
        if (_result is not null) StateHasChanged();
        try
        {
            // Off the circuit's thread: SQLite's ADO.NET calls run synchronously, and a dashboard's tiles should compute side by side.
            var widget = Widget;
            var result = await Task.Run(() => Public
                ? PublicDashboards.ComputeWidgetAsync(context, widget, CancellationToken.None)
                : Data.ComputeWidgetAsync(context, widget, CancellationToken.None));
            if (generation != _generation) return; // a newer request superseded this one
            if (result.Status == DashboardDataService.Unavailable)
            {
                RetryLater(generation);
                return;
            }
            _unavailableRetry?.Reset();
            _result = result;
            _error = result.Error;
            _status = result.Status;
            _option = result.Status == "ok" && result.Result is { } r && Kind?.IsChart == true
                ? ChartOptionsBuilder.Default.Build(Widget.Type, Widget.Config.Options, WithPrevious(r, result.Previous), result.Forecasts)
                : null;
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            if (generation == _generation) RetryLater(generation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (generation != _generation) return;
            _status = "error";
            _error = Public ? PublicDashboardService.WidgetFailed : "This widget could not be computed: " + e.Message;
        }
        finally
        {
            if (generation == _generation) _loading = false;
        }
        StateHasChanged();
    }

    /// <summary>
    /// The database is briefly unavailable: the tile says so (instead of an error) and computes again by itself after a
    /// growing pause — unless something newer (filters, a live update) computes it first.
    /// </summary>
    private void RetryLater(int generation)
    {
        _unavailableRetry ??= new UnavailableRetry(Database);
        _retryIn = _unavailableRetry.Next();
        _status = DashboardDataService.Unavailable;
        _error = TransientDatabase.Message;
        _ = UnavailableRetry.AfterAsync(_retryIn, () => generation == _generation ? InvokeAsync(ComputeAsync) : Task.CompletedTask, _life.Token);
    }

    /// <summary>
    /// Compare to the previous period (a dashboard setting): a time series without group-by gets each metric's previous
    /// period as another series, bucket by bucket (day 1 against day 1), labelled "(previous period)".
    /// </summary>
    private static Analytics.Domain.Query.QueryResult WithPrevious(Analytics.Domain.Query.QueryResult current, Analytics.Domain.Query.QueryResult? previous)
    {
        if (previous is null || current.Columns.Count == 0 || current.Columns[0].Role != "time" || current.Columns.Any(c => c.Role == "dimension")) return current;
        var metrics = current.Columns.Select((c, i) => (c, i)).Where(x => x.c.Role == "metric").ToList();
        var columns = current.Columns.Concat(metrics.Select(m => m.c with { Name = m.c.Name + "_previous", Label = $"{m.c.Label ?? m.c.Name} (previous period)" })).ToList();
        var rows = current.Rows.Select((row, r) => row.Concat(metrics.Select(m =>
        {
            var index = previous.Columns.ToList().FindIndex(c => c.Name == m.c.Name);
            return index >= 0 && r < previous.Rows.Count ? previous.Rows[r][index] : null;
        })).ToArray()).ToList();
        return current with { Columns = columns, Rows = rows };
    }

    private Task OnChartClickAsync(ChartClick click) => Editing ? Task.CompletedTask : OnDrill.InvokeAsync(click);

    private IReadOnlyList<ConditionalFormatRule> Rules => ConditionalFormatRule.Parse(Widget.Config.Options?["rules"]);

    private int PageSize => Widget.Config.Options?["pageSize"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var n) && n is > 0 and <= 500
        ? n : Math.Max(5, Widget.Position.H * 2 - 2);

    private KpiCardModel KpiModel(KpiValue kpi)
    {
        var spark = _result?.Sparkline is { } s && s.Columns.ToList().FindIndex(c => c.Name == kpi.Metric) is var i and >= 0
            ? s.Rows.Select(r => ChartData.Number(r[i])).ToList()
            : (IReadOnlyList<double?>)[];
        // The tile shows the title; the card shows the number.
        return new KpiCardModel("", kpi.Value, kpi.Previous, kpi.Format, kpi.HigherIsBetter, spark, Anomaly: kpi.Anomaly);
    }

    /// <summary>The tile's download button becomes the real menu, open, the first time it is used.</summary>
    private void OpenDownloadMenu(MouseEventArgs e)
    {
        _downloadMenu = true;
        _downloadOpen = true;
        _focusMenu = e.Detail == 0; // a click from Enter or Space has no pointer clicks
    }

    private async Task OnDownloadChoiceAsync(string format)
    {
        try
        {
            if (format == "png") await DownloadPngAsync();
            else await OnDownload.InvokeAsync(format);
        }
        catch (JSDisconnectedException)
        {
            // the page is gone: nothing to download into
        }
    }

    private async Task DownloadPngAsync()
    {
        if (_chart is null) return;
        var url = await _chart.ToPngDataUrlAsync();
        if (url is null) return;
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/dashboard.js");
        var name = string.Concat(Title.Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-');
        await _module.InvokeVoidAsync("download", url, $"{(name.Length == 0 ? "chart" : name)}.png");
    }

    public async ValueTask DisposeAsync()
    {
        Register?.Invoke(this, false);
        await _life.CancelAsync();
        _life.Dispose();
        try
        {
            if (_module is not null)
            {
                if (_observer != 0) await _module.InvokeVoidAsync("unobserve", _observer);
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
        }
        _self?.Dispose();
    }
}
