using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Facts;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Web.Auth;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Dashboards.Charts;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// A dashboard: global filters (time presets or a custom range, instances, any dimension) that apply at once or on
/// Apply, drill-down with a breadcrumb, lazily computed widgets, auto-refresh, and live updates — widgets whose data
/// changes (ingest, a finished execution or collection) recompute within a second, and another user's save reloads the
/// layout with a notice. The rules live in <see cref="DashboardViewState"/> and the services.
/// </summary>
public sealed partial class DashboardPage : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required DashboardDataService Data { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required DataChangeNotifier DataChanges { get; init; }
    [Inject] public required MetricsChangeNotifier MetricsChanges { get; init; }
    [Inject] public required DashboardChangeNotifier DashboardChanges { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required ChartsModule Charts { get; init; }
    [Inject] public required Microsoft.Extensions.Options.IOptions<Analytics.Data.DatabaseOptions> Database { get; init; }

    [Parameter] public string Id { get; set; } = "";

    private const string Custom = "custom";
    private static readonly IReadOnlyList<Choice<string>> Presets =
        [.. DateRangePresets.Names.Select(n => new Choice<string>(n, DateRangePresets.Label(n))), new Choice<string>(Custom, "Custom range")];
    private static readonly IReadOnlyList<Choice<int>> RefreshChoices =
        DashboardDefinition.RefreshChoices.Select(s => new Choice<int>(s, s switch { 0 => "No refresh", < 60 => $"Every {s} s", < 3600 => $"Every {s / 60} min", _ => "Every hour" })).ToList();

    private Actor _actor = Actor.System;
    private DashboardViewState? _state;
    private WidgetContext? _context;
    private string? _loadError;
    private string? _notice;
    private bool _showComments;
    private bool _customMode;
    private DateTime? _customStart;
    private DateTime? _customEnd;
    private int _refreshSeconds;
    private IReadOnlyList<Choice<string>> _instances = [];
    private IReadOnlyList<(string Name, string Label)> _dimensions = [];
    private List<string> _shownDimensions = [];
    private IReadOnlyList<DimensionChoice> _addable = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, WidgetTile> _tiles = new();
    private readonly HashSet<string> _pendingRefresh = [];
    private readonly List<IDisposable> _subscriptions = [];
    private ThrottledRefresh? _live;
    private PeriodicTimer? _timer;
    private CancellationTokenSource? _timerStop;
    private UnavailableRetry? _loadRetry;
    private readonly CancellationTokenSource _life = new();

    private sealed record Choice<T>(T Value, string Text);

    private sealed record DownloadChoice(string Value, string Text, string Icon);

    private static readonly IReadOnlyList<DownloadChoice> DownloadChoices =
    [
        new(ExportChoice, "Export… (page size, orientation, summary)", Icons.Material.Filled.Tune),
        new(EmailChoice, "E-mail this now…", Icons.Material.Filled.ForwardToInbox),
        new("pdf", "PDF (vector charts)", Icons.Material.Filled.PictureAsPdf),
        new("pdf-summary", "PDF with summary page", Icons.Material.Filled.Summarize),
        new("xlsx", "Excel (.xlsx)", Icons.Material.Filled.TableView),
        new("csv", "CSV", Icons.Material.Filled.Description),
        new("underlying-xlsx", "Underlying rows (Excel)", Icons.Material.Filled.Dataset),
        new("underlying-csv", "Underlying rows (CSV)", Icons.Material.Filled.Dataset),
        new("json", "Export as JSON (to import elsewhere)", Icons.Material.Filled.DataObject),
    ];

    public sealed record DimensionChoice(string Name, string Label);

    protected override void OnInitialized()
    {
        // The charts come with the widgets' data; their script is imported meanwhile (the request leaves with the
        // circuit's first render), so each chart is created on arrival instead of first waiting for an import.
        if (RendererInfo.IsInteractive) Charts.Preload();
    }

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _loadError = null;
            _actor = await CurrentActor.GetAsync();
            var view = await Dashboards.GetAsync(_actor, Id, CancellationToken.None);
            // Once per open (the prerender is the same visit): Home lists the user's recent dashboards from these.
            if (RendererInfo.IsInteractive) await Dashboards.RecordOpenAsync(_actor, Id, CancellationToken.None);
            _state = new DashboardViewState(view);
            _refreshSeconds = view.RefreshSeconds;
            _instances = (await Sources.ListAsync(_actor, new PageRequest(200, null), CancellationToken.None)).Items.Select(s => new Choice<string>(s.Id, s.Name)).ToList();
            await RebuildContextAsync();
            _dimensions = DashboardDataService.FilterableDimensions(_context!.Catalog);
            _shownDimensions = view.Filters.Where(f => f.Dimension is not null and not DashboardFilter.Time and not DashboardFilter.Instance).Select(f => f.Dimension!).ToList();
            UpdateAddable();
            Subscribe();
            StartTimer();
        }
        catch (NotFoundException)
        {
            _loadError = "This dashboard does not exist, or it has not been shared with you. Ask its owner to share it.";
        }
        catch (ValidationException e)
        {
            _loadError = e.Message;
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            // The database is briefly unavailable: say so, and (once the page is live) load again by itself after a pause.
            _loadRetry ??= new UnavailableRetry(Database);
            var delay = _loadRetry.Next();
            _loadError = $"{TransientDatabase.Message} Trying again in {delay.TotalSeconds:0} s.";
            if (RendererInfo.IsInteractive)
                _ = UnavailableRetry.AfterAsync(delay, () => InvokeAsync(async () => { await OnParametersSetAsync(); StateHasChanged(); }), _life.Token);
        }
    }

    private string Subtitle => _state is null ? "" :
        $"{(_state.Dashboard.Description.Length > 0 ? _state.Dashboard.Description + " · " : "")}by {_state.Dashboard.OwnerName} · {_state.Dashboard.Permission}";

    private string PresetValue => _customMode || _state?.Pending.Preset is null ? Custom : _state.Pending.Preset;

    private string RangeLabel => _context is null ? "" :
        $"{TimeZoneInfo.ConvertTime(_context.Filters.Start, _context.Zone):yyyy-MM-dd} – {TimeZoneInfo.ConvertTime(_context.Filters.End, _context.Zone).AddDays(-1):yyyy-MM-dd} ({_context.Zone.Id})";


    private static string CellStyle(WidgetPosition p) =>
        $"--x:{p.X + 1};--y:{p.Y + 1};--w:{p.W};--h:{p.H}";

    private string DimensionLabel(string name) => _dimensions.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Label ?? name;

    private IReadOnlyCollection<string> Selected(string dimension) =>
        _state?.Pending.Dimensions.TryGetValue(dimension, out var v) == true ? v.OfType<string>().ToList() : [];

    /// <summary>
    /// The page's actions after Ask: Edit first (kept on a phone, the rest fold into "More"), then comments, sharing and
    /// duplicating, each only for those who may.
    /// </summary>
    private IReadOnlyList<PageAction> ToolbarActions
    {
        get
        {
            var view = _state!.Dashboard;
            var actions = new List<PageAction>();
            if (view.CanEdit) actions.Add(new("Edit", "edit-dashboard", Href: $"/dashboards/{view.Id}/edit", Icon: Icons.Material.Filled.Edit));
            actions.Add(new("Comments", "toggle-comments", EventCallback.Factory.Create(this, ToggleComments), Icons.Material.Filled.Chat));
            if (view.CanManage) actions.Add(new("Share", "share", EventCallback.Factory.Create(this, OpenShareAsync), Icons.Material.Filled.Share));
            if (_actor.CanAuthor) actions.Add(new("Duplicate", "duplicate", EventCallback.Factory.Create(this, DuplicateAsync), Icons.Material.Filled.ContentCopy));
            return actions;
        }
    }

    private string InstanceName(string? id) => _instances.FirstOrDefault(i => i.Value == id)?.Text ?? id ?? "";

    /// <summary>A multi-select's text: the names while two or fewer, then a count.</summary>
    private static string SelectionText(IReadOnlyList<string> labels, string what) =>
        labels.Count <= 2 ? string.Join(", ", labels) : $"{labels.Count} {what}";

    private void ToggleComments()
    {
        _showComments = !_showComments;
        _showChat = false;
    }

    private void Register(WidgetTile tile, bool add)
    {
        if (add) _tiles[tile.WidgetId] = tile;
        else if (_tiles.TryGetValue(tile.WidgetId, out var current) && ReferenceEquals(current, tile)) _tiles.Remove(tile.WidgetId);
    }

    private async Task RebuildContextAsync()
    {
        if (_state is null) return;
        try
        {
            _context = await Data.ContextAsync(_actor, _state.Dashboard, _state.ToRequest(), CancellationToken.None);
        }
        catch (DomainException e)
        {
            Snackbar.Add($"Filters not applied: {e.Message}", Severity.Error);
        }
        catch (Exception e) when (TransientDatabase.Is(e))
        {
            // The tiles keep their last context (and say so themselves when they cannot compute); a later refresh applies it.
            Snackbar.Add($"Filters not applied: {TransientDatabase.Message}", Severity.Warning);
        }
    }

    private async Task RunIf(bool run)
    {
        if (run) await RebuildContextAsync();
    }

    private async Task OnPresetAsync(string preset)
    {
        if (_state is null) return;
        if (preset == Custom)
        {
            _customMode = true;
            var zone = _context?.Zone ?? TimeZoneInfo.Utc;
            _customStart ??= _context is null ? null : TimeZoneInfo.ConvertTime(_context.Filters.Start, zone).Date;
            _customEnd ??= _context is null ? null : TimeZoneInfo.ConvertTime(_context.Filters.End, zone).Date.AddDays(-1);
            return;
        }
        _customMode = false;
        await RunIf(_state.SetPreset(preset));
    }

    private async Task OnCustomAsync(DateTime? start, DateTime? end)
    {
        _customStart = start;
        _customEnd = end;
        if (_state is null || start is null || end is null) return;
        if (end < start)
        {
            Snackbar.Add("Check the dates: the end of the range is before its start.", Severity.Warning);
            return;
        }
        var zone = _context?.Zone ?? TimeZoneInfo.Utc;
        DateTimeOffset Local(DateTime day) => new(day.Date, zone.GetUtcOffset(day.Date));
        await RunIf(_state.SetRange(Local(start.Value), Local(end.Value.AddDays(1))));
    }

    private async Task OnDimensionAsync(string dimension, IEnumerable<string?>? value)
    {
        if (_state is null) return;
        var values = (value ?? []).Where(v => v is not null).ToList();
        await RunIf(_state.SetDimension(dimension, values));
    }

    private async Task AddDimensionAsync(string dimension)
    {
        if (!_shownDimensions.Contains(dimension)) _shownDimensions.Add(dimension);
        UpdateAddable();
        await LoadValuesAsync(dimension);
    }

    private async Task OnDimensionOpenedAsync(string dimension, bool open)
    {
        if (open) await LoadValuesAsync(dimension);
    }

    private void UpdateAddable() =>
        _addable = _dimensions.Where(d => !_shownDimensions.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).Select(d => new DimensionChoice(d.Name, d.Label)).ToList();

    private async Task LoadValuesAsync(string dimension)
    {
        if (_context is null || _values.ContainsKey(dimension)) return;
        try
        {
            _values[dimension] = await Data.DimensionValuesAsync(_context, dimension, CancellationToken.None);
        }
        catch (DomainException e)
        {
            _values[dimension] = [];
            Snackbar.Add($"No values for {dimension}: {e.Message}", Severity.Warning);
        }
        StateHasChanged();
    }

    private async Task ApplyAsync()
    {
        if (_state is not null) await RunIf(_state.Apply());
    }

    private async Task OnDrillAsync(ChartClick click)
    {
        if (_state is null) return;
        var (dimension, value) = click.Filters.FirstOrDefault(f => f.Key != "time");
        if (dimension is null) return;
        if (!_shownDimensions.Contains(dimension, StringComparer.OrdinalIgnoreCase)) _shownDimensions.Add(dimension);
        UpdateAddable();
        await RunIf(_state.DrillDown(dimension, value));
    }

    private async Task DrillBackAsync(int keep)
    {
        if (_state is not null) await RunIf(_state.DrillBack(keep));
    }

    /// <summary>
    /// Downloads the dashboard as shown: the applied filters travel in the link; the server checks access again.
    /// <c>underlying-csv|xlsx</c> are the stored rows behind the widgets under the same filters.
    /// </summary>
    private Task Download(string choice)
    {
        if (choice is ExportChoice or EmailChoice) return OpenExportAsync(choice == EmailChoice);
        Nav.NavigateTo(DownloadAddress(choice), forceLoad: true);
        return Task.CompletedTask;
    }

    private const string ExportChoice = "options";
    private const string EmailChoice = "email";

    /// <summary>The export dialog: a download with options, or "e-mail this now", of the dashboard as filtered on screen.</summary>
    private Task OpenExportAsync(bool email) => _state is null ? Task.CompletedTask :
        Dialogs.ShowAsync<ExportDialog>(email ? "E-mail this dashboard now" : "Export dashboard", new DialogParameters<ExportDialog>
        {
            { d => d.DashboardId, Id }, { d => d.Email, email }, { d => d.LinkFor, format => DownloadLink(format, null) }, { d => d.Data, _state.ToRequest() },
        }, DialogLayout.Options(MaxWidth.Small));

    private string DownloadAddress(string choice) => choice switch
    {
        "pdf-summary" => DownloadLink("pdf", null) + "&summary=true",
        // The dashboard itself, not its numbers: the filters applied on screen do not go into the file.
        "json" => $"/downloads/dashboards/{Uri.EscapeDataString(Id)}?format=json",
        _ when choice.StartsWith("underlying-", StringComparison.Ordinal) => DownloadLink(choice["underlying-".Length..], null) + "&rows=underlying",
        _ => DownloadLink(choice, null),
    };

    /// <summary>The download address of the dashboard, or of one widget, under the applied filters.</summary>
    private string DownloadLink(string format, string? widgetId)
    {
        if (_state is null) return "";
        var request = _state.ToRequest();
        var query = new List<string> { $"format={format}" };
        if (widgetId is not null) query.Add($"widget={Uri.EscapeDataString(widgetId)}");
        if (request.Start is { } start && request.End is { } end)
        {
            query.Add($"start={Uri.EscapeDataString(start.ToString("O"))}");
            query.Add($"end={Uri.EscapeDataString(end.ToString("O"))}");
        }
        else if (request.Preset is { } preset) query.Add($"preset={preset}");
        foreach (var (dimension, values) in request.Filters ?? new Dictionary<string, IReadOnlyList<string?>>())
        {
            // An empty value clears a filter the dashboard saved.
            if (values.Count == 0) query.Add($"filter.{Uri.EscapeDataString(dimension)}=");
            query.AddRange(values.OfType<string>().Select(v => $"filter.{Uri.EscapeDataString(dimension)}={Uri.EscapeDataString(v)}"));
        }
        return $"/downloads/dashboards/{Id}?{string.Join('&', query)}";
    }

    private void DownloadWidget(string widgetId, string format) => Nav.NavigateTo(DownloadLink(format, widgetId), forceLoad: true);

    private async Task ToggleFavoriteAsync()
    {
        if (_state is null) return;
        await Dashboards.SetFavoriteAsync(_actor, Id, !_state.Dashboard.Favorite, CancellationToken.None);
        _state.Replace(_state.Dashboard with { Favorite = !_state.Dashboard.Favorite });
    }

    private async Task DuplicateAsync()
    {
        try
        {
            var copy = await Dashboards.DuplicateAsync(_actor, Id, null, CancellationToken.None);
            Nav.NavigateTo($"/dashboards/{copy.Id}/edit");
        }
        catch (DomainException e)
        {
            Snackbar.Add($"Could not duplicate: {e.Message}", Severity.Error);
        }
    }

    private Task OpenShareAsync() =>
        Dialogs.ShowAsync<ShareDialog>("Share dashboard", new DialogParameters<ShareDialog> { { d => d.DashboardId, Id } }, DialogLayout.Options(MaxWidth.Small));

    private void SetRefresh(int seconds)
    {
        _refreshSeconds = seconds;
        StartTimer();
    }

    private void StartTimer()
    {
        _timerStop?.Cancel();
        _timer?.Dispose();
        _timer = null;
        if (_refreshSeconds <= 0) return;
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(_refreshSeconds));
        _timerStop = new CancellationTokenSource();
        var timer = _timer;
        var stop = _timerStop.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (await timer.WaitForNextTickAsync(stop)) await InvokeAsync(async () => { await RebuildContextAsync(); StateHasChanged(); });
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private void Subscribe()
    {
        if (_subscriptions.Count > 0) return;
        _live = new ThrottledRefresh(RefreshPendingAsync, TimeSpan.FromMilliseconds(250));
        _subscriptions.Add(DataChanges.Subscribe(change =>
        {
            if (_state is null || _context is null) return;
            Queue(LiveRefresh.Affected(_state.Dashboard.Widgets, change, _context.Catalog, _context.Filters.SourceIds));
        }));
        _subscriptions.Add(MetricsChanges.Subscribe(change =>
        {
            if (_state is not null) Queue(LiveRefresh.Affected(_state.Dashboard.Widgets, change));
        }));
        _subscriptions.Add(DashboardChanges.Subscribe(change =>
        {
            if (change.DashboardId != Id || change.UserId == _actor.UserId || _state is null) return;
            _ = InvokeAsync(async () =>
            {
                if (change.Version < 0)
                {
                    _notice = $"{change.UserName} deleted this dashboard.";
                }
                else
                {
                    try
                    {
                        var view = await Dashboards.GetAsync(_actor, Id, CancellationToken.None);
                        _state.Replace(view);
                        await RebuildContextAsync();
                        _notice = $"{change.UserName} saved changes to this dashboard; you are seeing them now.";
                    }
                    catch (NotFoundException)
                    {
                        _notice = $"{change.UserName} changed who can see this dashboard; you no longer have access.";
                    }
                }
                StateHasChanged();
            });
        }));
    }

    private void Queue(IReadOnlyList<string> widgetIds)
    {
        if (widgetIds.Count == 0) return;
        lock (_pendingRefresh) _pendingRefresh.UnionWith(widgetIds);
        _live?.Poke();
    }

    private async Task RefreshPendingAsync()
    {
        List<string> ids;
        lock (_pendingRefresh)
        {
            ids = _pendingRefresh.ToList();
            _pendingRefresh.Clear();
        }
        foreach (var id in ids)
        {
            if (_tiles.TryGetValue(id, out var tile)) await tile.RefreshAsync();
        }
    }

    public void Dispose()
    {
        _life.Cancel();
        _life.Dispose();
        foreach (var s in _subscriptions) s.Dispose();
        _live?.Dispose();
        _timerStop?.Cancel();
        _timer?.Dispose();
    }
}
