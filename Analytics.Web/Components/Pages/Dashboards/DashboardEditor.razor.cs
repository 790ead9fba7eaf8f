using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Web.Components.Dashboards.Layout;
using Analytics.Web.Auth;
using Analytics.Web.Components.Dashboards;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The dashboard builder: a 12-column grid (gridstack) fed from a palette, each change recorded in
/// <see cref="DashboardLayoutState"/> (undo/redo, collisions, compaction), a settings panel per widget with a live preview
/// (the tile recomputes as the config changes), and save with last-write-wins plus a notice when someone else saved.
/// </summary>
public sealed partial class DashboardEditor : IAsyncDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required DashboardDataService Data { get; init; }
    [Inject] public required DashboardChangeNotifier DashboardChanges { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    [Parameter] public string Id { get; set; } = "";

    private Actor _actor = Actor.System;
    private DashboardView? _view;
    private DashboardLayoutState? _layout;
    private WidgetContext? _context;
    private string? _loadError;
    private string _name = "";
    private string _description = "";
    private int _refreshSeconds;
    private bool _lazyLoad = true;
    private bool _applyWithButton;
    private bool _compare;
    private string _preset = DashboardFilters.DefaultPreset;
    private bool _metaDirty;
    private bool _showSettings;
    private bool _saving;
    private string? _selected;
    private WidgetConfigForm? _form;
    private string? _notice;
    private DashboardView? _theirs;
    private readonly List<string> _errors = [];
    /// <summary>The last save's refusals of the name and description, shown under those fields.</summary>
    private IReadOnlyDictionary<string, string[]> _fieldErrors = new Dictionary<string, string[]>();
    private static readonly HashSet<string> OwnFields = ["name", "description"];
    private IDisposable? _subscription;
    private IJSObjectReference? _module;
    private IJSObjectReference? _shortcuts;
    private DotNetObjectReference<DashboardEditor>? _self;

    private static readonly LayoutOptions Options = new()
    {
        MinSize = kind => WidgetKinds.Find(kind) is { } k ? new LayoutSize(k.MinW, k.MinH) : new LayoutSize(1, 1),
        DefaultSize = kind => WidgetKinds.Find(kind) is { } k ? new LayoutSize(k.DefaultW, k.DefaultH) : new LayoutSize(4, 3),
        NewId = () => Ids.New()[..16],
    };

    private static LayoutSize MinSize(string kind) => Options.MinSize(kind);

    /// <summary>Save and Done stay on a phone; settings and delete fold into "More".</summary>
    private IReadOnlyList<PageAction> EditorActions
    {
        get
        {
            var actions = new List<PageAction>
            {
                new("Save", "save-dashboard", EventCallback.Factory.Create(this, SaveAsync), Icons.Material.Filled.Save, Disabled: _saving, Title: "Save (Ctrl+S)"),
                new("Done", "done", EventCallback.Factory.Create(this, DoneAsync)),
                new("Settings", "dashboard-settings", EventCallback.Factory.Create(this, ToggleSettings), Icons.Material.Filled.Tune),
            };
            if (_view?.CanManage == true) actions.Add(new("Delete", "delete-dashboard", EventCallback.Factory.Create(this, DeleteAsync), Icons.Material.Filled.Delete));
            return actions;
        }
    }

    private static string RefreshLabel(int seconds) => seconds switch
    {
        0 => "No refresh", < 60 => $"Every {seconds} s", < 3600 => $"Every {seconds / 60} min", _ => "Every hour",
    };

    private string? ErrorFor(string field) => _fieldErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void MarkMetaDirty() => _metaDirty = true;

    private void ToggleSettings()
    {
        _selected = null;
        _showSettings = !_showSettings;
    }

    private string Status => _saving ? "Saving…" : _layout?.IsDirty == true || _metaDirty ? "Unsaved changes" : "All changes saved";

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _actor = await CurrentActor.GetAsync();
            var view = await Dashboards.GetAsync(_actor, Id, CancellationToken.None);
            if (!view.CanEdit)
            {
                _loadError = "You can view this dashboard but not edit it. Ask its owner for edit access, or duplicate it to make your own copy.";
                return;
            }
            Load(view);
            _context = await Data.ContextAsync(_actor, view, new DashboardDataRequest(), CancellationToken.None);
            _subscription ??= DashboardChanges.Subscribe(OnDashboardChanged);
        }
        catch (NotFoundException)
        {
            _loadError = "This dashboard does not exist, or it has not been shared with you.";
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_module is not null || _layout is null) return;
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/dashboard.js");
            _self = DotNetObjectReference.Create(this);
            _shortcuts = await _module.InvokeAsync<IJSObjectReference>("bindShortcuts", _self);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    [JSInvokable]
    public Task OnShortcut(string action) => InvokeAsync(async () =>
    {
        switch (action)
        {
            case "undo": Undo(); break;
            case "redo": Redo(); break;
            case "save": await SaveAsync(); break;
        }
        StateHasChanged();
    });

    private void Load(DashboardView view)
    {
        _view = view;
        _name = view.Name;
        _description = view.Description;
        _refreshSeconds = view.RefreshSeconds;
        _lazyLoad = view.Settings.LazyLoad;
        _applyWithButton = view.Settings.ApplyFiltersWithButton;
        _compare = view.Settings.CompareToPrevious;
        _preset = view.Filters.FirstOrDefault(f => f.Dimension == DashboardFilter.Time)?.Preset ?? DashboardFilters.DefaultPreset;
        _metaDirty = false;
        var items = view.Widgets.Select(w => new LayoutItem(w.Id, w.Type, w.Position.X, w.Position.Y, w.Position.W, w.Position.H, w.Config.ToJson()));
        if (_layout is null) _layout = new DashboardLayoutState(items, Options);
        else _layout.Reset(items);
        if (_selected is not null && _layout.Find(_selected) is null) _selected = null;
    }

    private static WidgetView ToView(LayoutItem item) =>
        new(item.Id, item.Kind, new WidgetPosition(item.X, item.Y, item.W, item.H), WidgetConfig.Parse(item.ConfigJson));

    private IReadOnlyList<(string Field, string Message)> SelectedProblems =>
        _form is null || _selected is null || _layout?.Find(_selected) is not { } item ? [] : _form.Problems(new WidgetPosition(item.X, item.Y, item.W, item.H));

    private void AddKind(string kind)
    {
        var starter = WidgetKinds.Get(kind).Starter.ToJson();
        var item = _layout!.Add(kind, starter);
        Select(item.Id);
    }

    private void OnPaletteDrop(PaletteDrop drop)
    {
        var item = _layout!.AddAt(drop.Kind, drop.X, drop.Y, drop.W, drop.H, WidgetKinds.Get(drop.Kind).Starter.ToJson());
        Select(item.Id);
    }

    private void OnLayoutChanged(IReadOnlyList<LayoutPosition> positions) => _layout!.ApplyPositions(positions);

    private void Select(string id)
    {
        if (_layout?.Find(id) is not { } item) return;
        _selected = id;
        _showSettings = false;
        _form = WidgetConfigForm.From(item.Kind, WidgetConfig.Parse(item.ConfigJson));
    }

    private void OnConfigChanged(string field)
    {
        if (_selected is null || _form is null || _layout?.Find(_selected) is not { } item) return;
        if (_form.Kind != item.Kind)
        {
            // A new kind is a new tile of that kind in the same place and with the same id (undo takes two steps: add, remove).
            var config = _form.ToConfig().ToJson();
            _layout.Remove(item.Id);
            var replaced = _layout.AddAt(_form.Kind, item.X, item.Y, Math.Max(item.W, WidgetKinds.Get(_form.Kind).MinW), Math.Max(item.H, WidgetKinds.Get(_form.Kind).MinH), config, item.Id);
            _selected = replaced.Id;
            return;
        }
        _layout.UpdateConfig(item.Id, _form.ToConfig().ToJson(), coalesceKey: field);
    }

    private void DuplicateWidget(string id)
    {
        if (_layout!.Duplicate(id) is { } copy) Select(copy.Id);
    }

    private void RemoveWidget(string id)
    {
        _layout!.Remove(id);
        if (_selected == id) _selected = null;
    }

    private void Undo()
    {
        _layout?.Undo();
        if (_selected is not null) Select(_selected);
    }

    private void Redo()
    {
        _layout?.Redo();
        if (_selected is not null) Select(_selected);
    }

    private DashboardDefinition Definition() => new()
    {
        Name = _name,
        Description = _description,
        RefreshSeconds = _refreshSeconds,
        Settings = new DashboardSettings { LazyLoad = _lazyLoad, ApplyFiltersWithButton = _applyWithButton, CompareToPrevious = _compare },
        Filters = [new DashboardFilter(DashboardFilter.Time, Preset: _preset), .. _view!.Filters.Where(f => f.Dimension != DashboardFilter.Time)],
        FolderId = _view.FolderId,
        Version = _view.Version,
        Widgets = _layout!.Items.Select(i => new WidgetDefinition
        {
            Id = i.Id, Type = i.Kind, Position = new WidgetPosition(i.X, i.Y, i.W, i.H), Config = WidgetConfig.Parse(i.ConfigJson),
        }).ToList(),
    };

    private async Task SaveAsync()
    {
        if (_saving || _layout is null) return;
        _saving = true;
        _errors.Clear();
        _fieldErrors = new Dictionary<string, string[]>();
        try
        {
            var saved = await Dashboards.UpdateAsync(_actor, Id, Definition(), CancellationToken.None);
            _view = saved.Dashboard;
            _layout.MarkSaved();
            _metaDirty = false;
            _theirs = null;
            _notice = saved.OverwroteChangesBy is { } by ? $"Saved. Your version replaced changes {by} saved while you were editing." : null;
            Snackbar.Add("Dashboard saved", Severity.Success, o => o.VisibleStateDuration = 2500);
        }
        catch (ValidationException e)
        {
            _fieldErrors = e.Errors.Where(x => OwnFields.Contains(x.Key)).ToDictionary(x => x.Key, x => x.Value);
            _errors.AddRange(e.Errors.Where(x => !OwnFields.Contains(x.Key)).Select(x => $"{Describe(x.Key)}: {string.Join(" ", x.Value)}"));
            if (_errors.Count == 0) _errors.Add("See the highlighted fields.");
        }
        catch (DomainException e)
        {
            _errors.Add(e.Message);
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary><c>widgets[2].config.query</c> → the widget's title.</summary>
    private string Describe(string field)
    {
        var match = System.Text.RegularExpressions.Regex.Match(field, @"^widgets\[(\d+)\]\.?(.*)$");
        if (!match.Success || _layout is null) return field;
        var index = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var item = _layout.Items.ElementAtOrDefault(index);
        var title = item is null ? $"Widget {index + 1}" : WidgetConfig.Parse(item.ConfigJson).Title ?? WidgetKinds.Find(item.Kind)?.Label ?? item.Kind;
        return $"“{title}” {match.Groups[2].Value}".Trim();
    }

    private async Task DoneAsync()
    {
        if (_layout?.IsDirty == true || _metaDirty)
        {
            var leave = await Dialogs.ShowMessageBoxAsync("Unsaved changes", "You have unsaved changes. Leave without saving?", yesText: "Leave", cancelText: "Stay");
            if (leave != true) return;
        }
        Nav.NavigateTo($"/dashboards/{Id}");
    }

    private async Task DeleteAsync()
    {
        var sure = await Dialogs.ShowMessageBoxAsync("Delete dashboard", $"Delete “{_name}” for everyone it is shared with? This cannot be undone.",
            yesText: "Delete", cancelText: "Cancel");
        if (sure != true) return;
        try
        {
            await Dashboards.DeleteAsync(_actor, Id, CancellationToken.None);
            Nav.NavigateTo("/dashboards");
        }
        catch (DomainException e)
        {
            _errors.Add(e.Message);
        }
    }

    private void OnDashboardChanged(DashboardChange change)
    {
        if (change.DashboardId != Id || change.UserId == _actor.UserId) return;
        _ = InvokeAsync(async () =>
        {
            if (change.Version < 0)
            {
                _notice = $"{change.UserName} deleted this dashboard; saving will fail.";
            }
            else if (_layout?.IsDirty == true || _metaDirty)
            {
                _theirs = await Dashboards.GetAsync(_actor, Id, CancellationToken.None);
                _notice = $"{change.UserName} saved this dashboard while you were editing. Saving now replaces their changes, or load their version.";
            }
            else
            {
                Load(await Dashboards.GetAsync(_actor, Id, CancellationToken.None));
                _notice = $"{change.UserName} saved changes; the editor shows them now.";
            }
            StateHasChanged();
        });
    }

    private void LoadTheirs()
    {
        if (_theirs is null) return;
        Load(_theirs);
        _theirs = null;
        _notice = null;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        try
        {
            if (_shortcuts is not null)
            {
                await _shortcuts.InvokeVoidAsync("dispose");
                await _shortcuts.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
        _self?.Dispose();
    }
}
